"""Sending the outbox: run by the job worker (forum.jobs), or `flask deliver-mail`.

Each message is claimed by a conditional UPDATE before it is sent, so two workers never send one
message twice; the claim lasts CLAIM, so a worker killed mid-send leaves the message to the next
run. A failed attempt is recorded and tried again later, each wait twice the last, up to
MAX_ATTEMPTS. Without MAIL_SERVER (the development server), messages are written as .eml files
under instance/mail/ and their path printed, so every e-mail journey can be followed locally.
"""

import json
import logging
import smtplib
from datetime import timedelta
from pathlib import Path

from flask import current_app
from flask_mail import Message
from sqlalchemy import and_, or_, select, update

from forum.database import begin_write, utcnow
from forum.extensions import db, mail
from forum.mail.models import OutboxMessage, OutboxStatus

CLAIM = timedelta(minutes=5)
MAX_ATTEMPTS = 8
FIRST_RETRY = timedelta(minutes=1)
BATCH = 50

_log = logging.getLogger("forum.mail")


def _is_due(now):
    return and_(
        OutboxMessage.status == OutboxStatus.PENDING,
        OutboxMessage.next_attempt_at <= now,
        or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now),
    )


def _claim(message_id: int, now) -> bool:
    """Take the message for this worker; False when another worker has it or sent it."""
    begin_write()
    claimed = db.session.execute(
        update(OutboxMessage)
        # The conditions on the row itself, not in a subquery: PostgreSQL checks them again on
        # the row another worker's claim just committed, and a subquery's answer it would not.
        .where(OutboxMessage.id == message_id, _is_due(now))
        .values(claimed_until=now + CLAIM, attempts=OutboxMessage.attempts + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return claimed == 1


def _message(row: OutboxMessage) -> Message:
    message = Message(
        subject=row.subject,
        recipients=[row.recipient],
        body=row.body_text,
        html=row.body_html,
        sender=current_app.config["MAIL_DEFAULT_SENDER"],
        extra_headers=json.loads(row.headers) if row.headers else None,
    )
    # The same id on every attempt: a message sent twice after a crash is one to mail clients.
    domain = current_app.config["MAIL_DEFAULT_SENDER"].rpartition("@")[2] or "forum"
    message.msgId = f"<outbox-{row.id}@{domain}>"
    return message


def _write_eml(row: OutboxMessage, message: Message) -> None:
    folder = Path(current_app.instance_path) / "mail"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{row.id:06d}-{row.kind}.eml"
    path.write_bytes(message.as_bytes())
    print(f"Mail to the development inbox: {path}", flush=True)  # noqa: T201 - make run's terminal


def _send(row: OutboxMessage) -> None:
    message = _message(row)
    if current_app.config.get("MAIL_SERVER"):
        mail.send(message)
    else:
        _write_eml(row, message)


def deliver_due() -> int:
    """Send every message that is due; returns how many were sent."""
    sent = 0
    while True:
        now = utcnow()
        due = select(OutboxMessage.id).where(_is_due(now)).order_by(OutboxMessage.id)
        ids = db.session.scalars(due.limit(BATCH)).all()
        db.session.commit()
        if not ids:
            return sent
        progressed = False
        for message_id in ids:
            if not _claim(message_id, now):
                continue
            progressed = True
            sent += _attempt(db.session.get(OutboxMessage, message_id))
        if not progressed:
            return sent


def _attempt(row: OutboxMessage) -> int:
    try:
        _send(row)
    except (smtplib.SMTPException, OSError) as error:
        _failed(row, error)
        return 0
    begin_write()
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == row.id)
        .values(status=OutboxStatus.SENT, sent_at=utcnow(), claimed_until=None, last_error="")
    )
    db.session.commit()
    return 1


def _failed(row: OutboxMessage, error: Exception) -> None:
    attempts = row.attempts
    gave_up = attempts >= MAX_ATTEMPTS
    # The error's kind only: an SMTP answer can quote the recipient's address.
    reason = type(error).__name__
    _log.warning("mail %s attempt %s failed: %s", row.id, attempts, reason)
    begin_write()
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == row.id)
        .values(
            status=OutboxStatus.FAILED if gave_up else OutboxStatus.PENDING,
            next_attempt_at=utcnow() + FIRST_RETRY * 2 ** (attempts - 1),
            claimed_until=None,
            last_error=reason,
        )
    )
    db.session.commit()
