from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from flask import Blueprint, render_template, request
from flask_login import current_user
from sqlalchemy import select

from forum import policy
from forum.boards.models import Board
from forum.config import SUPPORTED_LOCALES
from forum.extensions import db, limiter
from forum.i18n import LANGUAGE_NAMES, current_locale, localized
from forum.pagination import requested_page
from forum.regions.models import Region
from forum.regions.queries import region_id
from forum.search.query import ORDERS, Filters, Snippets, search
from forum.security import database_int
from forum.tags.queries import tag_groups

bp = Blueprint("search", __name__)

RESULTS_PER_PAGE = 20
QUERY_MAX_LENGTH = 200


def _date(name: str) -> date | None:
    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


def _choice(value: str | None, allowed) -> str:
    return value if value in allowed else ""


_REGIONS = select(Region.__table__).order_by(Region.__table__.c.position)


@lru_cache(maxsize=512)
def _boards_for_filter(reader: policy.Viewer):
    boards = Board.__table__
    return (
        policy.visible_boards(reader)
        .with_only_columns(boards.c.slug, boards.c.name_fi, boards.c.name_sv, boards.c.name_en)
        .order_by(boards.c.position, boards.c.id)
    )


@dataclass
class ThreadEntry:
    """A thread in the results, with its best-matching posts and their snippets."""

    id: int
    title: str
    language: str
    board_name: str
    matching: int
    posts: list = field(default_factory=list)


def _thread_entries(rows, snippet: Snippets) -> list[ThreadEntry]:
    entries: list[ThreadEntry] = []
    for row in rows:
        if not entries or entries[-1].id != row.thread_id:
            entries.append(
                ThreadEntry(row.thread_id, row.title, row.title_language, row.board_name,
                            row.matching)
            )  # fmt: skip
        entries[-1].posts.append((row, snippet(row.body_text, row.language)))
    return entries


@bp.get("/search")
@limiter.limit("60 per minute")
def index():
    query = request.args.get("q", "").strip()[:QUERY_MAX_LENGTH]
    filters = Filters(
        board=request.args.get("board", ""),
        region=request.args.get("region", type=region_id),
        tag=request.args.get("tag", ""),
        author=request.args.get("author", type=database_int),
        language=_choice(request.args.get("language"), SUPPORTED_LOCALES),
        since=_date("since"),
        until=_date("until"),
    )
    order = _choice(request.args.get("order"), ORDERS) or "relevance"
    results, page, total, capped = [], None, 0, False
    prepared = search(
        db.session, current_user, query, filters, locale=current_locale(), order=order
    )
    if prepared is not None:
        number = max(1, request.args.get("page", 1, type=database_int))
        rows = db.session.execute(
            prepared.page,
            {**prepared.parameters, "offset": (number - 1) * RESULTS_PER_PAGE,
             "limit": RESULTS_PER_PAGE},
        ).all()  # fmt: skip
        if rows:
            total, capped = rows[0].threads_found, rows[0].capped
        elif number > 1:  # past the last page, or nothing found: requested_page tells which
            total, capped = db.session.execute(prepared.count, prepared.parameters).one()
        page = requested_page(total, RESULTS_PER_PAGE) if total else None
        results = _thread_entries(rows, Snippets(prepared.query))
    boards = db.session.execute(_boards_for_filter(policy.viewer(current_user))).all()
    regions = db.session.execute(_REGIONS).all()
    return render_template(
        "search/index.html",
        query=query,
        filters=filters,
        order=order,
        results=results,
        page=page,
        searched=prepared is not None,
        more_than=bool(capped),
        candidates=prepared.candidates if prepared else 0,
        boards=[(board.slug, localized(board, "name")) for board in boards],
        regions=[(region.id, localized(region, "name")) for region in regions],
        tags=[
            (tag.slug, localized(tag, "name")) for group in tag_groups() for tag in group.shown_tags
        ],
        languages=[(code, LANGUAGE_NAMES[code]) for code in SUPPORTED_LOCALES],
        args={k: v for k, v in request.args.items() if k != "page" and v},
        max_length=QUERY_MAX_LENGTH,
    )
