"""search terms: every term of the SQLite index, so that a prefix query can name its terms

Revision ID: e5a1c8d3f7b2
Revises: c4e2f7a91b06
Create Date: 2026-12-02 05:10:00

"""
from alembic import op

revision = "e5a1c8d3f7b2"
down_revision = "c4e2f7a91b06"
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name != "sqlite":
        return  # PostgreSQL's GIN index answers prefix queries itself
    op.execute("CREATE TABLE search_term (term TEXT PRIMARY KEY) WITHOUT ROWID")
    op.execute("CREATE VIRTUAL TABLE temp.search_vocabulary USING fts5vocab(main, search_index, row)")
    op.execute("INSERT INTO search_term (term) SELECT term FROM temp.search_vocabulary")
    op.execute("DROP TABLE temp.search_vocabulary")


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE search_term")
