"""search index: FTS5 on SQLite, tsvector with GIN on PostgreSQL

The index's tables are not models (forum.search.index says why), so autogenerate skips them.
Posts written before this migration are indexed by `flask --app app search-rebuild`.

Revision ID: a7c3e91d5b20
Revises: 4f9b04bd65bf
Create Date: 2026-11-23 06:00:00

"""
from alembic import op

revision = "a7c3e91d5b20"
down_revision = "4f9b04bd65bf"
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        # remove_diacritics 0 keeps ä, ö and å apart from a and o, as PostgreSQL's 'simple' does.
        op.execute(
            "CREATE VIRTUAL TABLE search_index USING fts5("
            "terms, tokenize = 'unicode61 remove_diacritics 0')"
        )
    else:
        op.execute(
            "CREATE TABLE search_document ("
            "post_id INTEGER PRIMARY KEY REFERENCES post (id) ON DELETE CASCADE, "
            "terms TSVECTOR NOT NULL)"
        )
        op.execute("CREATE INDEX ix_search_document_terms ON search_document USING GIN (terms)")


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE search_index")
    else:
        op.execute("DROP TABLE search_document")
