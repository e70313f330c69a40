"""organisation pages: a description in one of the three languages; adoption comments marked
with their language

Revision ID: b3d5f7a9c1e4
Revises: a1c3e5f7b9d2
Create Date: 2026-12-03 22:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b3d5f7a9c1e4'
down_revision = 'a1c3e5f7b9d2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('description', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('description_language', sa.String(length=2), nullable=False, server_default='fi'))
    with op.batch_alter_table('adoption', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=2), nullable=False, server_default='fi'))


def downgrade():
    with op.batch_alter_table('adoption', schema=None) as batch_op:
        batch_op.drop_column('language')
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_column('description_language')
        batch_op.drop_column('description')
