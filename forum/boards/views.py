from functools import lru_cache

from flask import Blueprint, current_app, render_template
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import Select, bindparam, case
from sqlalchemy.orm import joinedload

from forum import policy
from forum.boards.models import Board
from forum.extensions import db
from forum.i18n import localized
from forum.notices import redirect_with
from forum.pagination import requested_page
from forum.regions.models import Region
from forum.tags.queries import listed_tag_links
from forum.threads import unread
from forum.threads.listing import thread_rows

bp = Blueprint("boards", __name__)


@lru_cache(maxsize=512)
def _index_statement(reader: policy.Viewer) -> Select:
    return (
        policy.visible_boards(reader)
        .outerjoin(Board.region)
        .options(joinedload(Board.region))
        .order_by(
            # The reader's own region first, then the national boards, then other regions.
            case(
                (Board.region_id == bindparam("own_region"), 0),
                (Board.region_id.is_(None), 1),
                else_=2,
            ),
            Region.position,
            Board.position,
            Board.id,
        )
    )


@bp.get("/")
def index():
    own_region = current_user.region_id if current_user.is_authenticated else None
    boards = db.session.scalars(
        _index_statement(policy.viewer(current_user)), {"own_region": own_region}
    ).all()
    groups: list[tuple[Region | None, list[Board]]] = []
    for board in boards:
        if not groups or groups[-1][0] is not board.region:
            groups.append((board.region, []))
        groups[-1][1].append(board)
    return render_template("boards/index.html", groups=groups)


@bp.get("/boards/<slug>")
def show(slug: str):
    board = policy.get_board_row_or_404(slug, current_user)
    page = requested_page(board.thread_count, current_app.config["THREADS_PER_PAGE"])
    threads = thread_rows(
        current_user, "board", board_id=board.id, offset=page.offset, limit=page.per_page
    )
    return render_template(
        "boards/show.html",
        board=board,
        threads=threads,
        tags=listed_tag_links(threads),
        page=page,
        can_start=policy.can(current_user, "thread.start", board),
        board_name=localized(board, "name"),
    )


@bp.post("/boards/<slug>/read")
@login_required
def mark_read(slug: str):
    """Nothing on the board written until now is new to the reader any more."""
    board = policy.get_board_row_or_404(slug, current_user)
    unread.mark_boards_read(current_user, [board.id])
    return redirect_with(_("The board is marked as read."), "boards.show", slug=board.slug)
