"""digests: when each member last used the forum, and when their last digest went out

Revision ID: c2e4a6b8d0f3
Revises: b0d2f4a6c8e1
Create Date: 2026-12-03 18:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c2e4a6b8d0f3'
down_revision = 'b0d2f4a6c8e1'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('notification_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('digest_sent_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('digest_every', sa.String(length=8), nullable=False, server_default='daily'))


def downgrade():
    with op.batch_alter_table('notification_settings', schema=None) as batch_op:
        batch_op.drop_column('digest_every')
        batch_op.drop_column('digest_sent_at')
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.drop_column('last_seen_at')
