"""membership staff can vouch for: organisations' e-mail domains, and each account's membership
(approved, pending, refused); accounts made before are kept as they are, approved

Revision ID: a6c8e0b2d4f7
Revises: f4a6c8e0b2d5
Create Date: 2026-12-03 12:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a6c8e0b2d4f7'
down_revision = 'f4a6c8e0b2d5'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_domains', sa.Text(), nullable=False, server_default=''))
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('membership', sa.String(length=16), nullable=False, server_default='approved'))


def downgrade():
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.drop_column('membership')
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_column('email_domains')
