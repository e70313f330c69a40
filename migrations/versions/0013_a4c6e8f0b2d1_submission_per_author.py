"""a post form's one-time token is unique per author, not across the forum: replaying another
member's token must find nothing of theirs

Revision ID: a4c6e8f0b2d1
Revises: d9f3a5b7c2e4
Create Date: 2026-12-03 12:15:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'a4c6e8f0b2d1'
down_revision = 'd9f3a5b7c2e4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('post', schema=None) as batch_op:
        batch_op.drop_constraint('uq_post_submission_id', type_='unique')
        batch_op.create_unique_constraint(
            'uq_post_author_id_submission_id', ['author_id', 'submission_id']
        )


def downgrade():
    with op.batch_alter_table('post', schema=None) as batch_op:
        batch_op.drop_constraint('uq_post_author_id_submission_id', type_='unique')
        batch_op.create_unique_constraint('uq_post_submission_id', ['submission_id'])
