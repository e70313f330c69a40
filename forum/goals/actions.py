"""Writes of goals: set, changed, progress told, evidence linked. The organisation's own
coordinators write them (goal.write); each action commits once."""

import re
from datetime import date

from sqlalchemy import delete, select

from forum import policy
from forum.database import add_unique, begin_write, utcnow
from forum.events.models import Event
from forum.extensions import db
from forum.goals.models import GOAL_STATUSES, Goal, GoalEvidence, GoalUpdate
from forum.organisations.models import ASSESSMENT_ANSWERS, Assessment
from forum.regions.models import Organisation
from forum.tags.models import Tag
from forum.threads.actions import NotAllowed
from forum.threads.models import Post, Thread


class NotEvidence(ValueError):
    """The link is not to a thread or event of this forum that the member may see."""


class AlreadyLinked(Exception):
    pass


def _check(by, organisation: Organisation) -> None:
    if not policy.can(by, "goal.write", organisation):
        db.session.rollback()
        raise NotAllowed


def _citation(organisation: Organisation, cited: tuple[int, str] | None):
    """(assessment_id, answer) when it is an answer of this organisation's assessment."""
    if cited is None:
        return None, None
    assessment_id, answer = cited
    assessment = db.session.get(Assessment, assessment_id)
    if assessment is None or assessment.organisation_id != organisation.id:
        return None, None
    return (assessment.id, answer) if answer in ASSESSMENT_ANSWERS else (None, None)


def _tags(tag_ids) -> list[Tag]:
    return list(db.session.scalars(
        select(Tag).where(Tag.id.in_(list(tag_ids)), Tag.status == "approved")
    ))  # fmt: skip


def set_goal(organisation: Organisation, *, by, title: str, description: str, language: str,
             target_date: date | None, tag_ids=(), cited=None) -> Goal:  # fmt: skip
    """A new goal of the organisation, planned."""
    begin_write()
    _check(by, organisation)
    assessment_id, answer = _citation(organisation, cited)
    now = utcnow()
    goal = Goal(organisation_id=organisation.id, title=title.strip(),
                description=description.strip(), language=language, target_date=target_date,
                assessment_id=assessment_id, cited_answer=answer, created_by_id=by.id,
                created_at=now, updated_at=now, tags=_tags(tag_ids))  # fmt: skip
    db.session.add(goal)
    db.session.commit()
    return goal


def change_goal(goal: Goal, *, by, title: str, description: str, language: str,
                target_date: date | None, tag_ids=(), cited=None) -> None:  # fmt: skip
    begin_write()
    goal = db.session.get(Goal, goal.id)
    _check(by, goal.organisation)
    goal.assessment_id, goal.cited_answer = _citation(goal.organisation, cited)
    goal.title, goal.description = title.strip(), description.strip()
    goal.language, goal.target_date, goal.tags = language, target_date, _tags(tag_ids)
    goal.updated_at = utcnow()
    db.session.commit()


def tell_progress(goal: Goal, *, by, body: str, language: str, status: str) -> GoalUpdate:
    """Progress in words, and the goal's status now (the same, or moved on)."""
    if status not in GOAL_STATUSES:
        raise ValueError(status)
    begin_write()
    goal = db.session.get(Goal, goal.id, with_for_update=True)
    _check(by, goal.organisation)
    now = utcnow()
    update = GoalUpdate(
        goal_id=goal.id,
        author_id=by.id,
        created_at=now,
        body=body.strip(),
        language=language,
        status_before=goal.status,
        status_after=status,
    )
    goal.status, goal.updated_at = status, now
    db.session.add(update)
    db.session.commit()
    return update


_LINKS = (("thread", re.compile(r"/threads/(\d{1,9})(?:[/?#]|$)")),
          ("thread", re.compile(r"/posts/(\d{1,9})(?:[/?#]|$)")),
          ("event", re.compile(r"/events/(\d{1,9})(?:[./?#]|$)")))  # fmt: skip


def _target(link: str, by) -> tuple[str, int]:
    """The thread or event a link of this forum names, if `by` may see it."""
    for kind, pattern in _LINKS:
        found = pattern.search(link)
        if not found:
            continue
        number = int(found.group(1))
        if pattern.pattern.startswith("/posts"):
            number = db.session.scalar(select(Post.thread_id).where(Post.id == number)) or 0
        if kind == "thread":
            seen = policy.visible_thread_rows(by).where(Thread.__table__.c.id == number)
        else:
            seen = policy.visible_events(by).where(Event.id == number)
        if db.session.scalar(seen) is not None:
            return kind, number
    raise NotEvidence


def link_evidence(goal: Goal, *, by, link: str) -> GoalEvidence:
    """Link a thread (a good practice is one) or an event of the forum as the goal's evidence."""
    kind, target_id = _target(link, by)
    begin_write()
    goal = db.session.get(Goal, goal.id)
    _check(by, goal.organisation)
    evidence = GoalEvidence(goal_id=goal.id, kind=kind, target_id=target_id, added_by_id=by.id,
                            created_at=utcnow())  # fmt: skip
    add_unique(evidence, AlreadyLinked)
    db.session.commit()
    return evidence


def unlink_evidence(goal: Goal, evidence_id: int, *, by) -> None:
    begin_write()
    goal = db.session.get(Goal, goal.id)
    _check(by, goal.organisation)
    db.session.execute(
        delete(GoalEvidence).where(GoalEvidence.id == evidence_id, GoalEvidence.goal_id == goal.id)
    )
    db.session.commit()
