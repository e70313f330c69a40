"""search tag facets: each post's thread's tags in the index, so that a tag filter is answered
with the words instead of being asked of every match; every post indexed again

Revision ID: e6f8a0b2c4d5
Revises: d5e7f9a1b3c4
Create Date: 2026-12-04 04:00:00.000000

"""
from alembic import op

revision = "e6f8a0b2c4d5"
down_revision = "d5e7f9a1b3c4"
branch_labels = None
depends_on = None


def upgrade():
    from forum.search.index import rebuild

    rebuild(op.get_bind())


def downgrade():
    # Tag facets left in the index match no filter of the previous version.
    pass
