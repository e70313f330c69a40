"""confirmed e-mail addresses: an account signs in once its owner followed the link sent to its
address; accounts made before are kept as they are, confirmed

Revision ID: f4a6c8e0b2d5
Revises: e2b4d6f8a0c3
Create Date: 2026-12-03 12:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f4a6c8e0b2d5'
down_revision = 'e2b4d6f8a0c3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_confirmed_at', sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE account SET email_confirmed_at = created_at")


def downgrade():
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.drop_column('email_confirmed_at')
