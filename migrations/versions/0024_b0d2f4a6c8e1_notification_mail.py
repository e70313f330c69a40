"""notifications by e-mail: each member's choice per kind, when each notification was mailed,
and headers of an outbox message (List-Unsubscribe)

Revision ID: b0d2f4a6c8e1
Revises: a8c0e2b4d6f9
Create Date: 2026-12-03 18:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b0d2f4a6c8e1'
down_revision = 'a8c0e2b4d6f9'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('notification_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mail_posts', sa.String(length=8), nullable=False, server_default='off'))
        batch_op.add_column(sa.Column('mail_staff', sa.String(length=8), nullable=False, server_default='off'))
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mailed_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('headers', sa.Text(), nullable=False, server_default=''))


def downgrade():
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_column('headers')
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_column('mailed_at')
    with op.batch_alter_table('notification_settings', schema=None) as batch_op:
        batch_op.drop_column('mail_staff')
        batch_op.drop_column('mail_posts')
