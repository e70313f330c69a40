"""Event pages, sign-up, and calendars; the staff's event forms under /staff/events."""

from zoneinfo import ZoneInfo

from babel import dates as babel_dates
from flask import Blueprint, Response, abort, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from forum import markup, policy
from forum.boards.models import Board
from forum.events import actions, calendar, queries
from forum.events.forms import AUDIENCE_LABELS, CancelEventForm, EventForm
from forum.events.models import EVENT_ZONE as EVENT_ZONE_NAME
from forum.events.models import Event
from forum.extensions import db
from forum.forms import ForumForm, form_page
from forum.groups.models import TrainingGroup
from forum.i18n import dates_locale, localized
from forum.notices import redirect_with
from forum.pagination import requested_page
from forum.regions.models import Region
from forum.regions.queries import region_id
from forum.threads.actions import NotAllowed
from forum.threads.forms import UNRENDERABLE, clear_of_personal_data

EVENT_ZONE = ZoneInfo(EVENT_ZONE_NAME)
bp = Blueprint("events", __name__)
EVENTS_PER_PAGE = 30
# Under /staff/ (forum.staff), behind its guard.
staff_bp = Blueprint("events", __name__, url_prefix="/events")


@bp.context_processor
def _labels():
    return {"AUDIENCE_LABELS": AUDIENCE_LABELS}


@bp.app_template_global()
def event_time(event: Event) -> str:
    """An event's start and end as plain text in Finnish time, for mail."""
    locale = dates_locale(get_locale())
    starts, ends = event.starts_at.astimezone(EVENT_ZONE), event.ends_at.astimezone(EVENT_ZONE)
    end_format = "short" if starts.date() != ends.date() else None
    start = babel_dates.format_datetime(starts, "short", tzinfo=EVENT_ZONE, locale=locale)
    end = (babel_dates.format_datetime(ends, "short", tzinfo=EVENT_ZONE, locale=locale)
           if end_format else babel_dates.format_time(ends, "short", tzinfo=EVENT_ZONE,
                                                      locale=locale))  # fmt: skip
    return f"{start}–{end}"


def _ics(body: bytes, filename: str, *, private: bool = False) -> Response:
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    # A private feed is one person's: never kept by a shared cache.
    response.headers["Cache-Control"] = "private, no-store" if private else "public, max-age=900"
    return response


@bp.get("/events/")
def index():
    region = request.args.get("region", type=region_id)
    page = requested_page(queries.upcoming_count(current_user, region_id=region),
                          EVENTS_PER_PAGE)  # fmt: skip
    upcoming = queries.upcoming_rows(current_user, region_id=region, offset=page.offset,
                                     limit=page.per_page)  # fmt: skip
    regions = db.session.scalars(select(Region).order_by(Region.position, Region.id)).all()
    return render_template(
        "events/index.html", upcoming=upcoming,
        past=queries.past_rows(current_user, region_id=region), regions=regions,
        regions_by_id={item.id: item for item in regions}, region=region, page=page,
    )  # fmt: skip


@bp.get("/events/<int:event_id>")
def show(event_id: int):
    event = policy.get_event_or_404(event_id, current_user)
    mine = queries.registration_of(event, current_user) if current_user.is_authenticated else None
    # A public event may be discussed on a narrower board: its link only for those who read it.
    discussion = event.thread if event.thread_id else None
    readable = discussion is not None and policy.can(current_user, "thread.view", discussion)
    return render_template(
        "events/show.html", event=event, registration=mine, form=ForumForm(),
        discussion_id=discussion.id if readable else None,
        taken=queries.places_taken([event.id]).get(event.id, 0),
        queue_place=actions.waiting_position(event, current_user) if mine else None,
    )  # fmt: skip


@bp.get("/events/<int:event_id>.ics")
def event_ics(event_id: int):
    event = policy.get_event_or_404(event_id, current_user)
    private = event.audience != "public"
    return _ics(calendar.calendar([event], name=event.title), f"event-{event.id}.ics",
                private=private)  # fmt: skip


@bp.post("/events/<int:event_id>/sign-up")
@login_required
def sign_up(event_id: int):
    event = policy.get_event_or_404(event_id, current_user)
    if not ForumForm().validate_on_submit():
        abort(400)
    try:
        registration = actions.sign_up(event, by=current_user)
    except actions.EventOver:
        return redirect_with(_("Sign-up for this event has closed."), "events.show",
                             event_id=event.id)  # fmt: skip
    except NotAllowed:
        abort(403)
    message = (_("You have a place. See you there!") if registration.status == "confirmed"
               else _("The places are taken: you are on the waiting list. We will e-mail you "
                      "if a place frees up."))  # fmt: skip
    return redirect_with(message, "events.show", event_id=event.id)


@bp.post("/events/<int:event_id>/withdraw")
@login_required
def withdraw(event_id: int):
    event = policy.get_event_or_404(event_id, current_user)
    if not ForumForm().validate_on_submit():
        abort(400)
    actions.withdraw(event, by=current_user)
    return redirect_with(_("You are no longer signed up."), "events.show", event_id=event.id)


@bp.get("/regions/<slug>/events.ics")
def region_feed(slug: str):
    region = db.session.scalar(select(Region).where(Region.slug == slug[:64])) or abort(404)
    events = queries.for_feed(policy.SIGNED_OUT, region_id=region.id, public_only=True)
    name = _("Public events: %(region)s", region=localized(region, "name"))
    return _ics(calendar.calendar(events, name=name), f"events-{region.slug}.ics")


@bp.get("/calendar/<token>.ics")
def private_feed(token: str):
    owner = actions.calendar_owner(token)
    if owner is None:
        abort(404)
    events = queries.for_feed(owner)
    name = _("Work ability coordinators' forum: my events")
    return _ics(calendar.calendar(events, name=name), "events.ics", private=True)


@bp.route("/account/calendar", methods=["GET", "POST"])
@login_required
def calendar_settings():
    form = ForumForm()
    address = None
    if form.validate_on_submit():
        if request.form.get("action") == "revoke":
            actions.revoke_calendar_addresses(current_user)
            return redirect_with(_("Your calendar address no longer works."),
                                 "events.calendar_settings")  # fmt: skip
        token = actions.new_calendar_address(current_user)
        address = url_for("events.private_feed", token=token, _external=True)
    return render_template("events/calendar.html", form=form, address=address,
                           has_address=actions.has_calendar_address(current_user))  # fmt: skip


# An event's words are read by its whole audience, and open a discussion thread: checked as
# messages are.
_CHECKED = ("title", "description", "place")


def _prepare(form: EventForm, *, with_board: bool) -> None:
    regions = db.session.scalars(select(Region).order_by(Region.position, Region.id)).all()
    form.region.choices = [(0, _("National"))] + [(r.id, localized(r, "name")) for r in regions]
    groups = db.session.scalars(select(TrainingGroup).order_by(TrainingGroup.position)).all()
    form.group.choices = [(0, _("None"))] + [(g.id, localized(g, "name")) for g in groups]
    if with_board:
        boards = db.session.scalars(
            policy.visible_boards(current_user).where(Board.archived.is_(False))
            .order_by(Board.position, Board.id)
        ).all()  # fmt: skip
        form.board.choices = [(board.id, localized(board, "name")) for board in boards]
    else:
        del form.board


def _details(form: EventForm) -> actions.Details:
    return actions.Details(
        title=form.title.data, description=form.description.data, language=form.language.data,
        starts_at=form.aware("starts_at"), ends_at=form.aware("ends_at"),
        place=(form.place.data or "").strip(), online_url=(form.online_url.data or "").strip(),
        region_id=form.region.data or None, audience=form.audience.data,
        group_id=form.group.data or None, capacity=form.capacity.data,
    )  # fmt: skip


@staff_bp.route("/new", methods=["GET", "POST"])
def new():
    policy.require(current_user, "event.schedule", None)
    form = EventForm()
    _prepare(form, with_board=True)
    if form.validate_on_submit() and clear_of_personal_data(form, _CHECKED):
        board = db.session.get(Board, form.board.data)
        try:
            event = actions.schedule(_details(form), by=current_user, board=board)
        except markup.Unrenderable:
            form.description.errors.append(str(UNRENDERABLE))
        except actions.BoardTooWide:
            form.board.errors.append(_("This board is read by people the event is hidden from. "
                                       "Choose a board only its audience reads."))  # fmt: skip
        except NotAllowed:
            form.region.errors.append(_("You may announce events only in the regions you "
                                        "moderate."))  # fmt: skip
        else:
            return redirect_with(_("The event is announced."), "events.show", event_id=event.id)
    return form_page("events/form.html", form, event=None)


def _managed(event_id: int) -> Event:
    event = policy.get_event_or_404(event_id, current_user)
    policy.require(current_user, "event.manage", event)
    return event


@staff_bp.route("/<int:event_id>/edit", methods=["GET", "POST"])
def edit(event_id: int):
    event = _managed(event_id)
    form = EventForm(data=None if request.method == "POST" else {
        "title": event.title, "description": event.description_source,
        "language": event.language, "place": event.place, "online_url": event.online_url,
        "region": event.region_id or 0, "audience": event.audience,
        "group": event.group_id or 0, "capacity": event.capacity,
        "starts_at": event.starts_at.astimezone(EVENT_ZONE).replace(tzinfo=None),
        "ends_at": event.ends_at.astimezone(EVENT_ZONE).replace(tzinfo=None),
    })  # fmt: skip
    _prepare(form, with_board=False)
    if form.validate_on_submit() and clear_of_personal_data(form, _CHECKED):
        try:
            actions.change(event, _details(form), by=current_user)
        except markup.Unrenderable:
            form.description.errors.append(str(UNRENDERABLE))
        except actions.BoardTooWide:
            form.audience.errors.append(_("The event's discussion is on a board that people "
                                          "outside this audience read. Keep the audience as "
                                          "wide as the discussion's readers."))  # fmt: skip
        except NotAllowed:
            abort(403)
        else:
            return redirect_with(_("The event is changed. Everyone signed up is told of a new "
                                   "time or place."), "events.show", event_id=event.id)  # fmt: skip
    return form_page("events/form.html", form, event=event)


@staff_bp.route("/<int:event_id>/cancel", methods=["GET", "POST"])
def cancel(event_id: int):
    event = _managed(event_id)
    form = CancelEventForm()
    if form.validate_on_submit():
        try:
            actions.cancel(event, by=current_user, reason=form.reason.data)
        except NotAllowed:
            abort(409)
        return redirect_with(_("The event is cancelled, and everyone signed up is told."),
                             "events.show", event_id=event.id)  # fmt: skip
    return form_page("events/cancel.html", form, event=event)


@staff_bp.get("/<int:event_id>/people")
def people(event_id: int):
    event = _managed(event_id)
    return render_template("events/people.html", event=event,
                           registrations=queries.people_signed_up(event))  # fmt: skip
