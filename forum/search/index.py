"""The search index, kept in step with every write by one session hook.

SQLite indexes with an FTS5 table, PostgreSQL with a tsvector column under a GIN index; both hold
the same document of each post (forum.search.text.Document): the title's terms (FTS5's `title`
column, weight A), the text's terms (`body`, B) and the words in order (`words`, D), which only
quoted phrases are matched against, and its facets (language, author, board, the thread's tags),
which filters are.
A filter asked of the index is answered with the words, where a condition on the post's row was
asked of every match in turn. On PostgreSQL the words and facets are lexemes marked with "=" and
"#", so that a term query never meets them and the GIN index answers it without reading a
document (a query restricted to weights A and B would read every match's tsvector again).
Moving a thread to another board, changing its tags or merging one of its tags into another
indexes its posts again, for their facets.

On SQLite every term also goes into `search_term`, a plain table of the index's vocabulary, where
a query finds which terms a prefix stands for (forum.search.query). Terms stay there when their
last post goes: an unused term costs a query nothing, and the table is rebuilt with the index.
Only visible posts are indexed: hiding or deleting a post takes it out at once, and restoring it
puts it back. Earlier versions of edited posts are never indexed, so purging one needs no index
change.
"""

from sqlalchemy import bindparam, event, inspect, select, text
from sqlalchemy.orm import Session

from forum.extensions import db
from forum.search.text import Document, document
from forum.tags.signals import tags_merged
from forum.threads.models import Post, Thread

# Names of the index's own tables: not part of the models, so Alembic's comparisons skip them.
INDEX_TABLES = ("search_index", "search_document", "search_term")


def is_index_table(name: str) -> bool:
    return any(name == table or name.startswith(table + "_") for table in INDEX_TABLES)


_INSERT_DOCUMENT = {
    "sqlite": text(
        "INSERT INTO search_index (rowid, title, body, words, facets)"
        " VALUES (:id, :title, :body, :words, :facets)"
    ),
    "postgresql": text(
        "INSERT INTO search_document (post_id, terms) VALUES (:id,"
        " setweight(to_tsvector('simple', :title), 'A')"
        " || setweight(to_tsvector('simple', :body), 'B')"
        " || setweight(CAST(:words AS tsvector), 'D') || CAST(:facets AS tsvector))"
    ),
}
_DELETE_DOCUMENT = {
    "sqlite": text("DELETE FROM search_index WHERE rowid = :id"),
    "postgresql": text("DELETE FROM search_document WHERE post_id = :id"),
}
_INSERT_TERM = text("INSERT OR IGNORE INTO search_term (term) VALUES (:term)")


# PostgreSQL keeps positions up to this one; later words share it.
_LAST_POSITION = 16383


def _marked_words(words: str) -> str:
    """A tsvector's text of the words in order, each marked with "=" (letters and digits only,
    so quoting needs no escapes)."""
    return " ".join(
        f"'={word}':{min(position, _LAST_POSITION)}"
        for position, word in enumerate(words.split(), start=1)
    )


def _write(connection, post_id: int, indexed: Document | None, *, new: bool = False) -> None:
    dialect = connection.dialect.name
    # A new post has no document on PostgreSQL, where documents go with their posts (ON DELETE
    # CASCADE) and ids are never used again; SQLite may give a deleted post's rowid again.
    if not (new and dialect == "postgresql"):
        connection.execute(_DELETE_DOCUMENT[dialect], {"id": post_id})
    if indexed is None:
        return
    values = indexed._asdict()
    if dialect == "postgresql":
        values["words"] = _marked_words(indexed.words)
        values["facets"] = " ".join(f"'#{facet}'" for facet in indexed.facets.split())
    connection.execute(_INSERT_DOCUMENT[dialect], {"id": post_id, **values})
    terms = {*indexed.title.split(), *indexed.body.split()}
    if dialect == "sqlite" and terms:
        connection.execute(_INSERT_TERM, [{"term": term} for term in terms])


def _changed(obj, *fields) -> bool:
    state = inspect(obj)
    return any(state.attrs[field].history.has_changes() for field in fields)


def _after_flush(session, _context) -> None:
    posts: dict[int, Post] = {}
    new = {obj.id for obj in session.new if isinstance(obj, Post)}
    for obj in list(session.new) + list(session.dirty):
        if isinstance(obj, Post) and (
            obj in session.new or _changed(obj, "body_text", "status", "language")
        ):
            posts[obj.id] = obj
    retitled, refaceted = [], []
    for obj in session.dirty:
        if isinstance(obj, Thread):
            if _changed(obj, "title"):
                retitled.append(obj.id)
            if _changed(obj, "board_id", "tags"):
                refaceted.append(obj.id)
    if not posts and not retitled and not refaceted:
        return
    for thread_id in retitled:
        opening = session.scalar(select(Post).where(Post.thread_id == thread_id, Post.depth == 0))
        if opening is not None:
            posts[opening.id] = opening
    if refaceted:
        for post in session.scalars(select(Post).where(Post.thread_id.in_(refaceted))):
            posts[post.id] = post
    connection = session.connection()
    tags = _thread_tags(connection, {post.thread_id for post in posts.values()})
    for post in posts.values():
        thread = session.get(Thread, post.thread_id)
        indexed = None
        if post.status == "visible" and thread is not None:
            title = thread.title if post.depth == 0 else None
            indexed = document(
                title, post.body_text, post.language, author_id=post.author_id,
                board_id=thread.board_id, tag_ids=tags.get(thread.id, ()),
            )  # fmt: skip
        _write(connection, post.id, indexed, new=post.id in new)


def _on_tags_merged(_sender, *, thread_ids: list[int], **_slugs) -> None:
    """A merge moves tags by plain statements, which no flush sees: its threads' posts are
    indexed again for their tag facets."""
    if thread_ids:
        reindex_threads(db.session.connection(), thread_ids)


# Plain SQL over the columns the index reads, so that a migration can rebuild with it too.
_THREAD_TAGS = text(
    "SELECT thread_id, tag_id FROM thread_tag WHERE thread_id IN :threads"
).bindparams(bindparam("threads", expanding=True))
_VISIBLE_POSTS = (
    "SELECT post.id, post.depth, post.body_text, post.language, post.author_id, post.thread_id,"
    " thread.title, thread.board_id FROM post JOIN thread ON thread.id = post.thread_id"
    " WHERE post.id > :after AND post.status = 'visible'"
)
_ALL_VISIBLE_POSTS = text(_VISIBLE_POSTS + " ORDER BY post.id LIMIT :batch")
_THREADS_VISIBLE_POSTS = text(
    _VISIBLE_POSTS + " AND post.thread_id IN :threads ORDER BY post.id LIMIT :batch"
).bindparams(bindparam("threads", expanding=True))


def _thread_tags(connection, thread_ids) -> dict[int, list[int]]:
    tags: dict[int, list[int]] = {}
    if thread_ids:
        for thread_id, tag_id in connection.execute(_THREAD_TAGS, {"threads": list(thread_ids)}):
            tags.setdefault(thread_id, []).append(tag_id)
    return tags


def _index_batches(connection, statement, parameters: dict, batch: int) -> int:
    count, last_id = 0, 0
    while True:
        rows = connection.execute(statement, {**parameters, "after": last_id, "batch": batch}).all()
        if not rows:
            return count
        tags = _thread_tags(connection, {row.thread_id for row in rows})
        for row in rows:
            title = row.title if row.depth == 0 else None
            indexed = document(
                title, row.body_text, row.language, author_id=row.author_id,
                board_id=row.board_id, tag_ids=tags.get(row.thread_id, ()),
            )  # fmt: skip
            _write(connection, row.id, indexed)
        count += len(rows)
        last_id = rows[-1].id


def reindex_threads(connection, thread_ids: list[int], *, batch: int = 1000) -> int:
    """Index the visible posts of these threads again; returns how many were indexed."""
    return _index_batches(connection, _THREADS_VISIBLE_POSTS, {"threads": thread_ids}, batch)


def rebuild(connection, *, batch: int = 1000) -> int:
    """Index every visible post again from scratch; returns how many were indexed."""
    if connection.dialect.name == "sqlite":
        connection.execute(text("DELETE FROM search_index"))
        connection.execute(text("DELETE FROM search_term"))
    else:
        connection.execute(text("DELETE FROM search_document"))
    return _index_batches(connection, _ALL_VISIBLE_POSTS, {}, batch)


def init_app(app) -> None:
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)
    tags_merged.connect(_on_tags_merged)
