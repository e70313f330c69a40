"""The search index, kept in step with every write by one session hook.

SQLite indexes with an FTS5 table, PostgreSQL with a tsvector column under a GIN index; both hold
the same terms (forum.search.text) and answer the same prefix queries, so a compound such as
"työkykykoordinaattori" is found by "työkyky". On SQLite every term also goes into `search_term`,
a plain table of the index's vocabulary, where a query finds which terms a prefix stands for
(forum.search.query). Terms stay there when their last post goes: an unused term costs a query
nothing, and the table is rebuilt with the index. Only visible posts are indexed: hiding or deleting
a post takes it out at once, and restoring it puts it back. Earlier versions of edited posts are
never indexed, so purging one needs no index change.
"""

from sqlalchemy import event, inspect, select, text
from sqlalchemy.orm import Session

from forum.search.text import document_terms
from forum.threads.models import Post, Thread

# Names of the index's own tables: not part of the models, so Alembic's comparisons skip them.
INDEX_TABLES = ("search_index", "search_document", "search_term")


def is_index_table(name: str) -> bool:
    return any(name == table or name.startswith(table + "_") for table in INDEX_TABLES)


def _dialect(session) -> str:
    return session.get_bind().dialect.name


def _terms(post: Post, title: str | None) -> str:
    source = f"{title}\n{post.body_text}" if title else post.body_text
    return document_terms(source, post.language)


def _write(connection, dialect: str, post_id: int, terms: str | None) -> None:
    if dialect == "sqlite":
        connection.execute(text("DELETE FROM search_index WHERE rowid = :id"), {"id": post_id})
        if terms is not None:
            connection.execute(
                text("INSERT INTO search_index (rowid, terms) VALUES (:id, :terms)"),
                {"id": post_id, "terms": terms},
            )
            if terms:
                connection.execute(
                    text("INSERT OR IGNORE INTO search_term (term) VALUES (:term)"),
                    [{"term": term} for term in terms.split()],
                )
    else:
        connection.execute(text("DELETE FROM search_document WHERE post_id = :id"), {"id": post_id})
        if terms is not None:
            connection.execute(
                text(
                    "INSERT INTO search_document (post_id, terms) "
                    "VALUES (:id, to_tsvector('simple', :terms))"
                ),
                {"id": post_id, "terms": terms},
            )


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
    dialect = _dialect(session)
    for thread in retitled:
        opening = session.scalar(select(Post).where(Post.thread_id == thread.id, Post.depth == 0))
        if opening is not None:
            posts[opening.id] = opening
    for post in posts.values():
        title = None
        if post.depth == 0:
            thread = session.get(Thread, post.thread_id)
            title = thread.title if thread is not None else None
        visible = post.status == "visible"
        _write(connection, dialect, post.id, _terms(post, title) if visible else None)


def rebuild(session, *, batch: int = 1000) -> int:
    """Index every visible post again from scratch; returns how many were indexed."""
    connection = session.connection()
    dialect = _dialect(session)
    if dialect == "sqlite":
        connection.execute(text("DELETE FROM search_index"))
        connection.execute(text("DELETE FROM search_term"))
    else:
        connection.execute(text("DELETE FROM search_document"))
    count, last_id = 0, 0
    while True:
        rows = session.execute(
            select(Post, Thread.title)
            .join(Post.thread)
            .where(Post.id > last_id, Post.status == "visible")
            .order_by(Post.id)
            .limit(batch)
        ).all()
        if not rows:
            return count
        for post, title in rows:
            _write(connection, dialect, post.id, _terms(post, title if post.depth == 0 else None))
        count += len(rows)
        last_id = rows[-1][0].id


def init_app(app) -> None:
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)
