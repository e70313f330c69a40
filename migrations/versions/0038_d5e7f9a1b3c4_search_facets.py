"""search facets: each post's language, author and board in the index, so that a filter is
answered with the words instead of being asked of every match; every post indexed again

Revision ID: d5e7f9a1b3c4
Revises: c4d6e8f0a2b3
Create Date: 2026-12-04 02:00:00.000000

"""
from alembic import op

revision = "d5e7f9a1b3c4"
down_revision = "c4d6e8f0a2b3"
branch_labels = None
depends_on = None


def _index(columns: str) -> None:
    op.execute("DROP TABLE search_index")
    # remove_diacritics 0 keeps ä, ö and å apart from a and o, as PostgreSQL's 'simple' does;
    # the spellings without them are indexed as terms of their own.
    op.execute(
        f"CREATE VIRTUAL TABLE search_index USING fts5({columns},"
        " tokenize = 'unicode61 remove_diacritics 0')"
    )


def upgrade():
    from forum.search.index import rebuild

    if op.get_bind().dialect.name == "sqlite":
        _index("title, body, words, facets")
    rebuild(op.get_bind())


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        _index("title, body, words")
    # The previous version's `flask search-rebuild` fills its index again.
