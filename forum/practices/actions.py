"""Curating good practices. Each verb takes the acting user, checks the policy, commits once."""

from sqlalchemy import select

from forum import policy
from forum.audit.actions import record
from forum.auth.models import User
from forum.counters import update_row
from forum.database import add_unique, begin_write
from forum.extensions import db
from forum.practices import counters
from forum.practices.models import MATURITIES, Adoption, GoodPractice, PracticeSummary
from forum.threads.actions import NotAllowed
from forum.threads.models import Thread
from forum.threads.signals import practice_news

SUMMARY_FIELDS = ("core_idea", "environment", "conditions", "results")


class AlreadyAdopted(Exception):
    """This organisation has said so already."""


def curate(
    thread: Thread, *, by: User, maturity: str, language: str, summary: dict
) -> GoodPractice:
    """Mark a thread as a good practice, or update it, with a summary in one language."""
    if maturity not in MATURITIES:
        raise ValueError(f"unknown maturity {maturity!r}")
    begin_write()
    if not policy.can(by, "thread.curate", thread):
        db.session.rollback()
        raise NotAllowed
    practice = db.session.scalar(select(GoodPractice).where(GoodPractice.thread_id == thread.id))
    if practice is None:
        practice = GoodPractice(
            thread_id=thread.id, maturity=maturity, marked_by_id=by.id,
            organisation_id=thread.author.organisation_id,
        )  # fmt: skip
        db.session.add(practice)
        db.session.flush()
        record(by, "practice.mark", thread)
        practice_news.send(None, change="curated", thread_id=thread.id,
                           author_id=thread.author_id, by_id=by.id)  # fmt: skip
    else:  # counted again below, with the summary's language
        counters.count_practice(thread.id, thread.board_id, removed=thread.removed, sign=-1)
    practice.maturity = maturity
    existing = {s.language: s for s in practice.summaries}
    text = existing.get(language) or PracticeSummary(practice_id=practice.id, language=language)
    for field in SUMMARY_FIELDS:
        setattr(text, field, (summary.get(field) or "").strip())
    db.session.add(text)
    db.session.flush()
    counters.count_practice(thread.id, thread.board_id, removed=thread.removed, sign=1)
    record(by, "practice.summary", thread, details=f"language: {language}")
    db.session.commit()
    return practice


def adopt(
    practice: GoodPractice, *, by: User, comment: str, language: str | None = None
) -> Adoption:
    """ "We tried this too": once an organisation, not the practice's own; the comment (how it
    went) is in `language`, by default the member's own."""
    begin_write()
    if not policy.can(by, "practice.adopt", practice):
        db.session.rollback()
        raise NotAllowed
    adoption = Adoption(practice_id=practice.id, organisation_id=by.organisation_id,
                        user_id=by.id, comment=comment.strip(),
                        language=language or by.locale)  # fmt: skip
    add_unique(adoption, AlreadyAdopted)
    update_row(GoodPractice, practice.id, add={"adoption_count": 1})
    thread = db.session.get(Thread, practice.thread_id)
    practice_news.send(None, change="adopted", thread_id=thread.id, author_id=thread.author_id,
                       by_id=by.id)  # fmt: skip
    db.session.commit()
    return adoption
