"""post visibility index: id, thread and status of a post without reading its row

Revision ID: c4e2f7a91b06
Revises: 2dbec265c014
Create Date: 2026-12-02 03:25:00

"""
from alembic import op

revision = "c4e2f7a91b06"
down_revision = "2dbec265c014"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("post", schema=None) as batch_op:
        batch_op.create_index("ix_post_id_thread_status", ["id", "thread_id", "status"])


def downgrade():
    with op.batch_alter_table("post", schema=None) as batch_op:
        batch_op.drop_index("ix_post_id_thread_status")
