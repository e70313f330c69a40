"""Posts as the post macros show them: rows of columns, from statements built once.

A thread page reads up to fifty posts with their authors. As ORM objects (a post, its author and
the author's organisation for each row) that was most of the page's time, and building the
statement again for every request was most of the rest; rows of plain columns from a statement
built at import cost a tenth of both. Writes and single-post pages keep the ORM objects.

The posts read here belong to a thread the reader may see (the caller loaded it through a
policy loader); whether each one's text is shown is policy.ThreadPermissions' answer.
"""

from flask import url_for
from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.engine import Row

from forum.auth.models import User
from forum.database import paged
from forum.extensions import db
from forum.regions.models import Organisation
from forum.threads.models import Post, ancestor_ids, subtree_bounds
from forum.threads.tree import Node, build_tree

_posts = Post.__table__
_authors = User.__table__
_organisations = Organisation.__table__

# Each top-level reply's path is its thread root's segment and its own.
TOP_LEVEL_PATH_LENGTH = 20

# What the post macros read of a post: id, parent_id, depth, path, author_id, language,
# body_html, created_at, edited_at, reply_count, status, status_reason, status_by_id,
# author_name, author_role and organisation_name.
_POST_COLUMNS = (
    _posts.c.id,
    _posts.c.parent_id,
    _posts.c.depth,
    _posts.c.path,
    _posts.c.author_id,
    _posts.c.language,
    _posts.c.body_html,
    _posts.c.created_at,
    _posts.c.edited_at,
    _posts.c.reply_count,
    _posts.c.status,
    _posts.c.status_reason,
    _posts.c.status_by_id,
    _authors.c.display_name.label("author_name"),
    _authors.c.role.label("author_role"),
    _organisations.c.name.label("organisation_name"),
)
_WITH_AUTHORS = _posts.join(_authors, _authors.c.id == _posts.c.author_id).join(
    _organisations, _organisations.c.id == _authors.c.organisation_id
)


def _post_rows(*extra) -> Select:
    return select(*_POST_COLUMNS, *extra).select_from(_WITH_AUTHORS)


_IN_THREAD = (
    _posts.c.thread_id == bindparam("thread_id"),
    _posts.c.depth <= bindparam("max_depth"),
)
# Pages of a thread are runs of whole top-level branches; a run of branches is a range of paths.
_IN_PAGE = (_posts.c.depth == 0) | (
    (_posts.c.path >= bindparam("first_path")) & (_posts.c.path < bindparam("end_path"))
)
_BRANCH_STARTS = paged(
    select(_posts.c.path)
    .where(_posts.c.thread_id == bindparam("thread_id"), _posts.c.depth == 1)
    .order_by(_posts.c.path)
)
_WHOLE_THREAD = _post_rows().where(*_IN_THREAD).order_by(_posts.c.path)
_THREAD_PAGE = _post_rows().where(*_IN_THREAD, _IN_PAGE).order_by(_posts.c.path)


def _cut_branches(*page) -> Select:
    """Each branch's first posts in reading order (a depth-first prefix, so what is shown hangs
    together) and the branch's size, in one query."""
    branch = func.substr(_posts.c.path, 1, TOP_LEVEL_PATH_LENGTH)
    ranked = (
        select(
            _posts.c.id,
            func.row_number().over(partition_by=branch, order_by=_posts.c.path).label("place"),
            func.count().over(partition_by=branch).label("branch_size"),
        )
        .where(*_IN_THREAD, *page)
        .subquery()
    )
    return (
        _post_rows(ranked.c.branch_size)
        .join(ranked, ranked.c.id == _posts.c.id)
        .where(ranked.c.place <= bindparam("per_branch"))
        .order_by(_posts.c.path)
    )


_WHOLE_THREAD_CUT = _cut_branches()
_THREAD_PAGE_CUT = _cut_branches(_IN_PAGE)

_SUBTREE = (
    _post_rows()
    .where(
        _posts.c.thread_id == bindparam("thread_id"),
        _posts.c.path >= bindparam("low"),
        _posts.c.path < bindparam("high"),
        _posts.c.depth <= bindparam("max_depth"),
    )
    .order_by(_posts.c.path)
)
_BY_ID = _post_rows().where(_posts.c.id.in_(bindparam("ids", expanding=True)))
_ANCESTORS = (
    _post_rows(_posts.c.body_text)
    .where(_posts.c.id.in_(bindparam("ids", expanding=True)))
    .order_by(_posts.c.path)
)


def thread_page(
    thread, *, offset: int, branches: int, paginated: bool, max_depth: int, per_branch: int
) -> list[Node]:
    """The opening post and `branches` top-level branches from `offset`, each cut after its
    first `per_branch` posts in reading order, down to `max_depth`, as a tree."""
    parameters = {"thread_id": thread.id, "max_depth": max_depth}
    if paginated:
        starts = db.session.execute(
            _BRANCH_STARTS,
            {"thread_id": thread.id, "offset": offset, "limit": branches + 1},
        ).scalars().all()  # fmt: skip
        # Past the last branch: ":" sorts after every digit in byte order, which SQLite uses
        # and PostgreSQL uses for the path column (collation "C"), so it is above every path.
        end = starts[branches] if len(starts) > branches else ":"
        parameters.update(first_path=starts[0] if starts else ":", end_path=end)
    if thread.reply_count <= per_branch:
        # No branch can be longer than the whole thread: the plain query, which reads less.
        statement = _THREAD_PAGE if paginated else _WHOLE_THREAD
        return build_tree(db.session.execute(statement, parameters).all())
    statement = _THREAD_PAGE_CUT if paginated else _WHOLE_THREAD_CUT
    rows = db.session.execute(statement, {**parameters, "per_branch": per_branch}).all()
    roots = build_tree(rows)
    sizes = {row.id: row.branch_size for row in rows if row.depth == 1}
    for root in roots:
        for node in root.children:
            node.branch_replies = sizes[node.post.id] - 1
            node.replies_elsewhere = node.branch_replies - node.descendant_count
    return roots


def subtree(post, *, max_depth: int) -> Node:
    """`post` and its replies down to `max_depth`, as a tree."""
    low, high = subtree_bounds(post.path)
    rows = db.session.execute(
        _SUBTREE,
        {"thread_id": post.thread_id, "low": low, "high": high, "max_depth": max_depth},
    ).all()
    return build_tree(rows)[0]


def ancestors(post) -> list[Row]:
    """The posts above `post`, root first, with their plain text."""
    ids = ancestor_ids(post.path)
    if not ids:
        return []
    return db.session.execute(_ANCESTORS, {"ids": ids}).all()


def post_row(post) -> Row:
    """One post as the macros show it (the reply and flag pages)."""
    return db.session.execute(_BY_ID, {"ids": [post.id]}).one()


def place_of(post: Post, *, inline_depth: int, per_branch: int, branches_per_page: int) -> str:
    """Where a post is shown: on its thread's page (which page, at its anchor), or on its
    branch's own page when it is deeper than a thread page shows or past the first posts of
    its branch. Pages and replies redirect here directly."""
    anchor = f"post-{post.id}"
    if post.depth > inline_depth:
        return url_for("threads.branch", post_id=post.id)
    if post.depth > 1:
        top = post.path[:TOP_LEVEL_PATH_LENGTH]
        place = db.session.scalar(
            select(func.count()).where(
                Post.thread_id == post.thread_id,
                Post.path >= top,
                Post.path <= post.path,
                Post.depth <= inline_depth,
            )
        )
        if place > per_branch:
            return url_for("threads.branch", post_id=ancestor_ids(post.path)[1], _anchor=anchor)
    page = 1
    if post.depth > 0:
        earlier = db.session.scalar(
            select(func.count()).where(
                Post.thread_id == post.thread_id,
                Post.depth == 1,
                Post.path < post.path[:TOP_LEVEL_PATH_LENGTH],
            )
        )
        page = earlier // branches_per_page + 1
    return url_for(
        "threads.show", thread_id=post.thread_id, page=page if page > 1 else None, _anchor=anchor
    )
