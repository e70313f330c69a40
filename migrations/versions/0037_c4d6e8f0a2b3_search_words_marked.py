"""search on PostgreSQL: the words in order marked apart from the terms, so that a term query
is answered by the GIN index alone; every post indexed again

Revision ID: c4d6e8f0a2b3
Revises: b3c5d7e9f1a2
Create Date: 2026-12-04 01:30:00.000000

"""
from alembic import op

revision = "c4d6e8f0a2b3"
down_revision = "b3c5d7e9f1a2"
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        from forum.search.index import rebuild

        rebuild(op.get_bind())


def downgrade():
    # The previous version finds words in these documents; its phrases find nothing until its
    # `flask search-rebuild`.
    pass
