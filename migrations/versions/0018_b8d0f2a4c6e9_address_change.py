"""changing the e-mail address: the new address waits on the single-use link sent to it

Revision ID: b8d0f2a4c6e9
Revises: a6c8e0b2d4f7
Create Date: 2026-12-03 14:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b8d0f2a4c6e9'
down_revision = 'a6c8e0b2d4f7'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('account_token', schema=None) as batch_op:
        batch_op.add_column(sa.Column('new_email', sa.String(length=254), nullable=True))


def downgrade():
    with op.batch_alter_table('account_token', schema=None) as batch_op:
        batch_op.drop_column('new_email')
