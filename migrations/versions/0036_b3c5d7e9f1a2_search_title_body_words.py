"""search index of titles, texts and words: relevance weighs a title above a text, and quoted
phrases are matched against the words in order; every post indexed again by the new rules
(dictionary lemmas only, compound parts, spellings without diacritics)

Revision ID: b3c5d7e9f1a2
Revises: a2b4c6d8e0f1
Create Date: 2026-12-04 01:40:00.000000

"""
from alembic import op

revision = "b3c5d7e9f1a2"
down_revision = "a2b4c6d8e0f1"
branch_labels = None
depends_on = None


def upgrade():
    from forum.search.index import rebuild

    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE search_index")
        # remove_diacritics 0 keeps ä, ö and å apart from a and o, as PostgreSQL's 'simple' does;
        # the spellings without them are indexed as terms of their own.
        op.execute(
            "CREATE VIRTUAL TABLE search_index USING fts5("
            "title, body, words, tokenize = 'unicode61 remove_diacritics 0')"
        )
    rebuild(op.get_bind())


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE search_index")
        op.execute(
            "CREATE VIRTUAL TABLE search_index USING fts5("
            "terms, tokenize = 'unicode61 remove_diacritics 0')"
        )
    else:
        op.execute("DELETE FROM search_document")
    # The previous version's `flask search-rebuild` fills its index again.
