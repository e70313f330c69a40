"""The search index, kept in step with every write by one session hook.

SQLite indexes with an FTS5 table, PostgreSQL with a tsvector column under a GIN index; both hold
the same document of each post (forum.search.text.Document): the title's terms (FTS5's `title`
column, weight A), the text's terms (`body`, B) and the words in order (`words`, D), which only
quoted phrases are matched against. On SQLite every term also goes into `search_term`, a plain
table of the index's vocabulary, where a query finds which terms a prefix stands for
(forum.search.query). Terms stay there when their last post goes: an unused term costs a query
nothing, and the table is rebuilt with the index. Only visible posts are indexed: hiding or deleting
a post takes it out at once, and restoring it puts it back. Earlier versions of edited posts are
never indexed, so purging one needs no index change.
"""

from sqlalchemy import event, inspect, select, text
from sqlalchemy.orm import Session

from forum.search.text import Document, document
from forum.threads.models import Post, Thread

# Names of the index's own tables: not part of the models, so Alembic's comparisons skip them.
INDEX_TABLES = ("search_index", "search_document", "search_term")


def is_index_table(name: str) -> bool:
    return any(name == table or name.startswith(table + "_") for table in INDEX_TABLES)


_INSERT_DOCUMENT = {
    "sqlite": text(
        "INSERT INTO search_index (rowid, title, body, words) VALUES (:id, :title, :body, :words)"
    ),
    "postgresql": text(
        "INSERT INTO search_document (post_id, terms) VALUES (:id,"
        " setweight(to_tsvector('simple', :title), 'A')"
        " || setweight(to_tsvector('simple', :body), 'B')"
        " || setweight(to_tsvector('simple', :words), 'D'))"
    ),
}
_DELETE_DOCUMENT = {
    "sqlite": text("DELETE FROM search_index WHERE rowid = :id"),
    "postgresql": text("DELETE FROM search_document WHERE post_id = :id"),
}
_INSERT_TERM = text("INSERT OR IGNORE INTO search_term (term) VALUES (:term)")


def _write(connection, post_id: int, indexed: Document | None) -> None:
    dialect = connection.dialect.name
    connection.execute(_DELETE_DOCUMENT[dialect], {"id": post_id})
    if indexed is None:
        return
    connection.execute(_INSERT_DOCUMENT[dialect], {"id": post_id, **indexed._asdict()})
    terms = {*indexed.title.split(), *indexed.body.split()}
    if dialect == "sqlite" and terms:
        connection.execute(_INSERT_TERM, [{"term": term} for term in terms])


def _changed(obj, *fields) -> bool:
    state = inspect(obj)
    return any(state.attrs[field].history.has_changes() for field in fields)


def _after_flush(session, _context) -> None:
    posts: dict[int, Post] = {}
    for obj in list(session.new) + list(session.dirty):
        if isinstance(obj, Post) and (
            obj in session.new or _changed(obj, "body_text", "status", "language")
        ):
            posts[obj.id] = obj
    retitled = [obj for obj in session.dirty if isinstance(obj, Thread) and _changed(obj, "title")]
    if not posts and not retitled:
        return
    connection = session.connection()
    for thread in retitled:
        opening = session.scalar(select(Post).where(Post.thread_id == thread.id, Post.depth == 0))
        if opening is not None:
            posts[opening.id] = opening
    for post in posts.values():
        title = None
        if post.depth == 0:
            thread = session.get(Thread, post.thread_id)
            title = thread.title if thread is not None else None
        indexed = None
        if post.status == "visible":
            indexed = document(title, post.body_text, post.language)
        _write(connection, post.id, indexed)


# Plain SQL over the columns the index reads, so that a migration can rebuild with it too.
_VISIBLE_POSTS = text(
    "SELECT post.id, post.depth, post.body_text, post.language, thread.title"
    " FROM post JOIN thread ON thread.id = post.thread_id"
    " WHERE post.id > :after AND post.status = 'visible' ORDER BY post.id LIMIT :batch"
)


def rebuild(connection, *, batch: int = 1000) -> int:
    """Index every visible post again from scratch; returns how many were indexed."""
    if connection.dialect.name == "sqlite":
        connection.execute(text("DELETE FROM search_index"))
        connection.execute(text("DELETE FROM search_term"))
    else:
        connection.execute(text("DELETE FROM search_document"))
    count, last_id = 0, 0
    while True:
        rows = connection.execute(_VISIBLE_POSTS, {"after": last_id, "batch": batch}).all()
        if not rows:
            return count
        for row in rows:
            title = row.title if row.depth == 0 else None
            _write(connection, row.id, document(title, row.body_text, row.language))
        count += len(rows)
        last_id = rows[-1].id


def init_app(app) -> None:
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)
