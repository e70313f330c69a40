"""bell count: each member's unread notifications, kept on their row

Revision ID: d4f6a8c0e2b5
Revises: c2e4a6b8d0f3
Create Date: 2026-12-03 19:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd4f6a8c0e2b5'
down_revision = 'c2e4a6b8d0f3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('bell_count', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('bell_counted_for', sa.String(length=16), nullable=False, server_default=''))


def downgrade():
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.drop_column('bell_counted_for')
        batch_op.drop_column('bell_count')
