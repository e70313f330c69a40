"""Writing mail: a row in the outbox, in the caller's transaction. Nothing here talks to SMTP.

The message is rendered at once, in the recipient's language (force_locale), from
templates/mail/<kind>.txt and .html; its links start from the configured site address
(FORUM_BASE_URL), never from the request's Host header, which a client chooses.
"""

import json

from flask import current_app, has_request_context, render_template, url_for

from forum.extensions import db
from forum.i18n import speaking
from forum.mail.models import OutboxMessage

WORK_QUEUED = "forum.work_queued"  # read by forum.jobs after the commit


def site_url(endpoint: str, **values) -> str:
    """The absolute address of a page, from FORUM_BASE_URL."""
    base = current_app.config["FORUM_BASE_URL"].rstrip("/")
    if has_request_context():
        path = url_for(endpoint, **values)
    else:
        with current_app.test_request_context("/"):
            path = url_for(endpoint, **values)
    return base + path


def queue_mail(
    kind: str, *, to: str, locale: str, headers: dict | None = None, **context
) -> OutboxMessage:
    """Add a message to the outbox in the current transaction; the caller commits it."""
    with speaking(locale):
        subject = render_template(f"mail/{kind}.subject.txt", **context).strip()
        text = render_template(f"mail/{kind}.txt", **context)
        html = render_template(f"mail/{kind}.html", subject=subject, **context)
    message = OutboxMessage(
        kind=kind, recipient=to, subject=subject, body_text=text, body_html=html,
        headers=json.dumps(headers) if headers else "",
    )  # fmt: skip
    db.session.add(message)
    # Delivered by the job worker once this transaction commits (forum.jobs).
    db.session.info[WORK_QUEUED] = True
    return message
