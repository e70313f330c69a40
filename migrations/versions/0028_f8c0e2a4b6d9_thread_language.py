"""thread language: the language of a thread's title and opening message, for lang marks

Revision ID: f8c0e2a4b6d9
Revises: e6a8c0e2b4d7
Create Date: 2026-12-03 20:55:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f8c0e2a4b6d9'
down_revision = 'e6a8c0e2b4d7'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('thread', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=2), nullable=False, server_default='fi'))
    op.execute(
        "UPDATE thread SET language = (SELECT post.language FROM post "
        "WHERE post.thread_id = thread.id AND post.depth = 0) "
        "WHERE EXISTS (SELECT 1 FROM post WHERE post.thread_id = thread.id AND post.depth = 0)"
    )


def downgrade():
    with op.batch_alter_table('thread', schema=None) as batch_op:
        batch_op.drop_column('language')
