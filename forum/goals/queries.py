"""Reads of goals: an organisation's, the programme's across organisations with its counts,
the statuses over time for the chart, and a goal's evidence as the reader may see it."""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import contains_eager, selectinload

from forum import policy
from forum.database import utcnow
from forum.events.models import Event
from forum.extensions import db
from forum.goals.models import GOAL_STATUSES, Goal, GoalEvidence, GoalUpdate, goal_tag
from forum.regions.models import Organisation, Region
from forum.tags.models import Tag
from forum.threads.models import Thread

# The chart shows the statuses at the end of each of the last months.
CHART_MONTHS = 12


@dataclass(frozen=True)
class Filters:
    region: int | None = None
    status: str | None = None
    tag: str | None = None


# An organisation's goals, the nearest target date first, those without one last.
_BY_TARGET_DATE = (Goal.target_date.is_(None), Goal.target_date, Goal.id)


def goals_of(organisation: Organisation) -> list[Goal]:
    return db.session.scalars(
        select(Goal).where(Goal.organisation_id == organisation.id)
        .options(selectinload(Goal.tags))
        .order_by(*_BY_TARGET_DATE)
    ).all()  # fmt: skip


def goal_rows_of(organisation: Organisation) -> list:
    """goals_of as rows of id, title, language and status, for a page that lists them by name
    (the organisation's page): without each goal's tags, a statement fewer."""
    return db.session.execute(
        select(Goal.id, Goal.title, Goal.language, Goal.status)
        .where(Goal.organisation_id == organisation.id)
        .order_by(*_BY_TARGET_DATE)
    ).all()  # fmt: skip


def _filtered(filters: Filters, *, with_status: bool = True):
    statement = select(Goal).join(Organisation, Organisation.id == Goal.organisation_id)
    if filters.region is not None:
        statement = statement.where(Organisation.region_id == filters.region)
    if filters.tag:
        tagged = (select(goal_tag.c.goal_id).join(Tag, Tag.id == goal_tag.c.tag_id)
                  .where(Tag.slug == filters.tag[:64]))  # fmt: skip
        statement = statement.where(Goal.id.in_(tagged))
    if with_status and filters.status in GOAL_STATUSES:
        statement = statement.where(Goal.status == filters.status)
    return statement


def programme(filters: Filters, *, offset: int = 0, limit: int | None = None) -> list[Goal]:
    """Goals across organisations, by region and organisation (one page of them)."""
    return db.session.scalars(
        _filtered(filters)
        .join(Region, Region.id == Organisation.region_id)
        .options(contains_eager(Goal.organisation), selectinload(Goal.tags))
        .order_by(Region.position, Organisation.name, Goal.id)
        .offset(offset).limit(limit)
    ).all()  # fmt: skip


def _month_ends(today: date, months: int) -> list[date]:
    """The last day of each of the last `months` months, oldest first; today for this one."""
    ends = [today]
    while len(ends) < months:
        ends.append(ends[-1].replace(day=1) - timedelta(days=1))
    return list(reversed(ends))


@dataclass(frozen=True)
class Chart:
    """Counts of goals by status at the end of each month, per region: regions[i] has
    counts[i][month][status]; and how many goals have each status now (`statuses`)."""

    months: list[date]
    regions: list[Region]
    counts: list[list[dict[str, int]]]
    statuses: dict[str, int]

    @property
    def largest(self) -> int:
        return max([sum(month.values()) for region in self.counts for month in region] or [0])


def status_over_time(filters: Filters, regions: list[Region], *,
                     today: date | None = None) -> Chart:  # fmt: skip
    """The statuses the goals had at each month's end under every filter but the status: a
    goal counts from its creation, in the status its updates had moved it to by then.

    regions: every region, in the chart's order; those with goals are charted (the page lists
    them already, for its filter)."""
    today = today or utcnow().date()
    months = _month_ends(today, CHART_MONTHS)
    charted = _filtered(filters, with_status=False)
    goals = db.session.execute(
        charted.with_only_columns(Goal.id, Goal.created_at, Goal.status, Organisation.region_id)
    ).all()  # fmt: skip
    changes: dict[int, list[tuple[date, str, str]]] = {}
    # Only the updates that moved a status: progress told without a change, most of a goal's
    # updates as it goes on, would make the chart read more every month and move nothing. The
    # goals as a subquery rather than a list of their ids, which grows with the programme.
    for goal_id, when, before, after in db.session.execute(
        select(GoalUpdate.goal_id, GoalUpdate.created_at, GoalUpdate.status_before,
               GoalUpdate.status_after)
        .where(GoalUpdate.goal_id.in_(charted.with_only_columns(Goal.id)),
               GoalUpdate.status_before != GoalUpdate.status_after)
        .order_by(GoalUpdate.created_at, GoalUpdate.id)
    ):  # fmt: skip
        changes.setdefault(goal_id, []).append((when.date(), before, after))
    with_goals = {goal.region_id for goal in goals}
    regions = [region for region in regions if region.id in with_goals]
    index = {region.id: number for number, region in enumerate(regions)}
    statuses = dict.fromkeys(GOAL_STATUSES, 0)
    counts = [[dict.fromkeys(GOAL_STATUSES, 0) for _ in months] for _ in regions]
    for goal in goals:
        statuses[goal.status] += 1
        # The months and the goal's changes both oldest first: one walk through each.
        history = changes.get(goal.id, [])
        status = history[0][1] if history else goal.status
        created, region_counts, applied = goal.created_at.date(), counts[index[goal.region_id]], 0
        for number, month_end in enumerate(months):
            while applied < len(history) and history[applied][0] <= month_end:
                status = history[applied][2]
                applied += 1
            if created <= month_end:
                region_counts[number][status] += 1
    return Chart(months, regions, counts, statuses)


def evidence_for(goal: Goal, reader) -> list:
    """The goal's evidence the reader may see: rows of (id, kind, target_id, title, language,
    starts_at); a link to what the reader may not see is not listed."""
    linked = db.session.scalars(
        select(GoalEvidence).where(GoalEvidence.goal_id == goal.id)
        .order_by(GoalEvidence.created_at, GoalEvidence.id)
    ).all()  # fmt: skip
    thread_ids = [item.target_id for item in linked if item.kind == "thread"]
    event_ids = [item.target_id for item in linked if item.kind == "event"]
    threads = {}
    if thread_ids:
        rows = (
            policy.visible_thread_rows(reader)
            .with_only_columns(
                Thread.__table__.c.id, Thread.__table__.c.title, Thread.__table__.c.language
            )
            .where(Thread.__table__.c.id.in_(thread_ids))
        )
        threads = {row.id: row for row in db.session.execute(rows)}
    events = {}
    if event_ids:
        found = db.session.scalars(policy.visible_events(reader).where(Event.id.in_(event_ids)))
        events = {event.id: event for event in found}
    shown = []
    for item in linked:
        if item.kind == "thread" and item.target_id in threads:
            row = threads[item.target_id]
            shown.append((item.id, "thread", row.id, row.title, row.language, None))
        elif item.kind == "event" and item.target_id in events:
            event = events[item.target_id]
            shown.append((item.id, "event", event.id, event.title, event.language,
                          event.starts_at))  # fmt: skip
    return shown
