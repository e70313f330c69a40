"""notifications of what staff did to a member's post, with the reason they gave

Revision ID: e4a6c8e0b2d5
Revises: d2f4a6c8e0b3
Create Date: 2026-12-03 16:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e4a6c8e0b2d5'
down_revision = 'd2f4a6c8e0b3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reason', sa.Text(), nullable=False, server_default=''))


def downgrade():
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_column('reason')
