"""Notifications by e-mail, through a real SMTP server on loopback: opt-in per kind, batched, in
the recipient's language, never a post's text from a board that is not public, a one-click
unsubscribe for each kind, and nothing to accounts that may not be told."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from forum.database import utcnow
from forum.extensions import db
from forum.mail import delivery
from forum.moderation.actions import moderate_post
from forum.notifications import mailing
from forum.notifications.models import Notification, NotificationSettings
from tests.conftest import BASE_URL, form_token, outbox_rows
from tests.factories import Factories


@pytest.fixture
def world(mail_app):
    make = Factories()
    region = make.region()
    asker = make.user(email="kysyja@example.fi", name="Kysyjä", region=region, locale="fi")
    helper = make.user(email="auttaja@example.fi", name="Auttaja", region=region)
    public = make.board(visibility="public")
    members = make.board(visibility="members")
    return {"make": make, "asker": asker, "helper": helper, "public": public, "members": members}


def _later(minutes: int = 10):
    """The worker's clock, some minutes on: the batch window has passed."""
    return utcnow() + timedelta(minutes=minutes)


def _sent(smtp) -> list:
    delivery.deliver_due()
    return smtp[1]


def test_nothing_is_mailed_without_choosing_it(mail_app, smtp, world):
    thread = world["make"].thread(world["public"], author=world["asker"])
    world["make"].reply(world["make"].opening_post(thread), author=world["helper"], body="Hei")
    assert mailing.mail_due(_later()) == 0
    assert outbox_rows() == []


def test_replies_within_minutes_make_one_message_in_the_recipients_language(mail_app, smtp, world):
    make, asker = world["make"], world["asker"]
    mailing.set_mail_choice(asker.id, "posts", mailing.SOON)
    thread = make.thread(world["public"], author=asker, title="Työkokeilu")
    opening = make.opening_post(thread)
    make.reply(opening, author=world["helper"], body="Meillä toimi kolmen kuukauden jakso.")
    make.reply(opening, author=make.user(name="Kolmas"), body="Samoin meillä.")
    assert mailing.mail_due() == 0  # the batch waits a few minutes for more
    assert mailing.mail_due(_later()) == 1
    assert mailing.mail_due(_later()) == 0  # each notification once
    [message] = _sent(smtp)
    assert message["To"] == "kysyja@example.fi"
    text = message.get_body(("plain",)).get_content()
    assert "Auttaja vastasi ketjuun ”Työkokeilu”" in text and "Kolmas" in text
    assert "Meillä toimi kolmen kuukauden jakso." in text  # a public board: the text is shown
    assert f"{BASE_URL}/posts/" in text
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["List-Unsubscribe"].startswith(f"<{BASE_URL}/notifications/unsubscribe/")


def test_mail_about_a_board_that_is_not_public_carries_no_text(mail_app, smtp, world):
    make, asker = world["make"], world["asker"]
    mailing.set_mail_choice(asker.id, "posts", mailing.SOON)
    thread = make.thread(world["members"], author=asker, title="Sisäinen asia")
    make.reply(make.opening_post(thread), author=world["helper"], body="Luottamuksellinen teksti")
    mailing.mail_due(_later())
    [message] = _sent(smtp)
    for part in ("plain", "html"):
        body = message.get_body((part,)).get_content()
        assert "Sisäinen asia" in body and "Luottamuksellinen" not in body


def test_read_or_no_longer_readable_notifications_are_not_mailed(mail_app, smtp, world):
    make, asker = world["make"], world["asker"]
    mailing.set_mail_choice(asker.id, "posts", mailing.SOON)
    thread = make.thread(world["public"], author=asker)
    read = make.reply(make.opening_post(thread), author=world["helper"])
    hidden = make.reply(make.opening_post(thread), author=world["helper"])
    db.session.execute(update(Notification).where(Notification.post_id == read.id)
                       .values(read_at=utcnow()))  # fmt: skip
    db.session.commit()
    moderate_post(hidden, "hide", by=make.user(role="admin"), reason="Terveystieto")
    assert mailing.mail_due(_later()) == 0
    assert outbox_rows() == []


def test_suspended_and_unconfirmed_accounts_get_no_mail(mail_app, smtp, world):
    make, asker = world["make"], world["asker"]
    mailing.set_mail_choice(asker.id, "posts", mailing.SOON)
    own = make.thread(world["public"], author=asker)
    unconfirmed = make.user(email="vahvistamaton@example.fi")
    mailing.set_mail_choice(unconfirmed.id, "posts", mailing.SOON)
    theirs = make.thread(world["public"], author=unconfirmed)
    asker.suspended_until = utcnow() + timedelta(days=3)
    unconfirmed.email_confirmed_at = None
    db.session.commit()
    for thread in (own, theirs):
        make.reply(make.opening_post(thread), author=world["helper"])
    assert mailing.mail_due(_later()) == 0
    assert outbox_rows() == []


def test_staff_actions_are_their_own_choice(mail_app, smtp, world):
    make, asker = world["make"], world["asker"]
    mailing.set_mail_choice(asker.id, "staff", mailing.SOON)
    thread = make.thread(world["public"], author=asker)
    answer = make.reply(make.opening_post(thread), author=world["helper"])
    mine = make.reply(answer, author=asker, body="Nimi Sukunimi, masennus")
    moderate_post(mine, "hide", by=make.user(role="admin"), reason="Terveystieto")
    assert mailing.mail_due(_later()) == 1
    [message] = _sent(smtp)
    text = message.get_body(("plain",)).get_content()
    assert "Ylläpito piilotti viestisi" in text and "Terveystieto" in text
    assert "masennus" not in text


def test_one_click_unsubscribe_and_the_page_that_only_asks(mail_app, smtp, world):
    make, asker = world["make"], world["asker"]
    mailing.set_mail_choice(asker.id, "posts", mailing.SOON)
    thread = make.thread(world["public"], author=asker)
    make.reply(make.opening_post(thread), author=world["helper"])
    mailing.mail_due(_later())
    [message] = _sent(smtp)
    link = message["List-Unsubscribe"].strip("<>").removeprefix(BASE_URL)
    client = mail_app.test_client()
    asked = client.get(link)  # a mail filter opening the link changes nothing
    assert asked.status_code == 200 and mailing.mail_choice(asker, "posts") == mailing.SOON
    assert client.post(link).status_code == 200  # the mail program's one-click POST
    assert mailing.mail_choice(asker, "posts") == mailing.OFF
    assert client.post(link[:-3] + "abc").status_code == 404  # a forged token


def test_the_settings_page_chooses_mail_per_kind(mail_app, world):
    from tests.conftest import Auth

    client = mail_app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    Auth(client).login("kysyja@example.fi")
    page = client.get("/account/notifications")
    data = {"csrf_token": form_token(page.text), "mail_posts": "soon", "mail_staff": "off",
            "digest_every": "weekly",
            "watch_participated": "y"}  # fmt: skip
    assert client.post("/account/notifications", data=data).status_code == 302
    assert mailing.mail_choice(world["asker"], "posts") == mailing.SOON
    refused = client.post("/account/notifications", data={**data, "mail_posts": "hourly"})
    assert refused.status_code == 422
    assert mailing.mail_choice(world["asker"], "posts") == mailing.SOON


def test_two_workers_mail_a_batch_once(mail_app, smtp, world):
    make, asker = world["make"], world["asker"]
    mailing.set_mail_choice(asker.id, "posts", mailing.SOON)
    thread = make.thread(world["public"], author=asker)
    make.reply(make.opening_post(thread), author=world["helper"])
    later = _later()
    assert mailing.mail_due(later) + mailing.mail_due(later) == 1
    assert len(outbox_rows()) == 1
    assert db.session.scalar(select(Notification.mailed_at).limit(1)) is not None


# Finland's clocks in 2027: forward at 03:00 on Sunday 28 March, back at 04:00 on Sunday
# 31 October. Seven o'clock in Helsinki is 05:00 UTC in winter and 04:00 UTC in summer.
def _every_quarter_hour(start: datetime, end: datetime):
    moment = start
    while moment < end:
        yield moment
        moment += timedelta(minutes=15)


def _digest_times(make, thread, start, end, news_every=timedelta(hours=1)) -> list[datetime]:
    """Run the worker's digest job every quarter of an hour from `start` to `end`, with a new
    reply to the thread's author every `news_every`; the times at which it wrote a digest."""
    sent = []
    for moment in _every_quarter_hour(start, end):
        if (moment - start) % news_every == timedelta(0):
            reply = make.reply(make.opening_post(thread), author=make.user())
            db.session.execute(update(Notification).where(Notification.post_id == reply.id)
                               .values(created_at=moment))  # fmt: skip
            db.session.commit()
        if mailing.digests_due(moment):
            sent.append(moment)
    return sent


def _digests_chosen(world, every: str, since: datetime):
    """The asker's thread, the asker having chosen digests `every` day or week at `since`."""
    asker = world["asker"]
    thread = world["make"].thread(world["public"], author=asker)
    mailing.set_digest_every(asker.id, every)
    mailing.set_mail_choice(asker.id, "posts", mailing.DIGEST)
    db.session.execute(update(NotificationSettings).values(digest_sent_at=since))
    db.session.commit()
    return thread


def test_daily_digests_at_seven_in_helsinki_across_the_spring_change(mail_app, smtp, world):
    start, end = datetime(2027, 3, 26, 12, tzinfo=UTC), datetime(2027, 3, 30, 12, tzinfo=UTC)
    thread = _digests_chosen(world, mailing.DAILY, start)
    sent = _digest_times(world["make"], thread, start, end)
    assert sent == [datetime(2027, 3, 27, 5, tzinfo=UTC),  # winter: UTC+2
                    datetime(2027, 3, 28, 4, tzinfo=UTC),  # the change's day: UTC+3
                    datetime(2027, 3, 29, 4, tzinfo=UTC),
                    datetime(2027, 3, 30, 4, tzinfo=UTC)]  # fmt: skip
    assert len(outbox_rows()) == 4


def test_weekly_digests_on_mondays_across_the_autumn_change(mail_app, smtp, world):
    start, end = datetime(2027, 10, 20, tzinfo=UTC), datetime(2027, 11, 10, tzinfo=UTC)
    thread = _digests_chosen(world, mailing.WEEKLY, start)
    sent = _digest_times(world["make"], thread, start, end, news_every=timedelta(days=1))
    # Not once and never again: every Monday, at seven in Helsinki in summer time and after.
    assert sent == [datetime(2027, 10, 25, 4, tzinfo=UTC), datetime(2027, 11, 1, 5, tzinfo=UTC),
                    datetime(2027, 11, 8, 5, tzinfo=UTC)]  # fmt: skip


def test_no_digest_after_a_visit_and_digests_again_after_none(mail_app, smtp, world):
    make, asker = world["make"], world["asker"]
    thread = make.thread(world["public"], author=asker)
    mailing.set_mail_choice(asker.id, "posts", mailing.DIGEST)
    db.session.execute(update(NotificationSettings).values(
        digest_sent_at=datetime(2027, 5, 3, 5, tzinfo=UTC)))  # fmt: skip
    make.reply(make.opening_post(thread), author=world["helper"])
    asker.last_seen_at = datetime(2027, 5, 3, 12, tzinfo=UTC)  # back on the forum that day
    db.session.commit()
    assert mailing.digests_due(datetime(2027, 5, 4, 4, 15, tzinfo=UTC)) == 0
    make.reply(make.opening_post(thread), author=world["helper"])
    assert mailing.digests_due(datetime(2027, 5, 5, 4, 15, tzinfo=UTC)) == 1
    [message] = _sent(smtp)
    assert message["To"] == "kysyja@example.fi" and message["List-Unsubscribe"]


def test_signing_in_notes_the_visit(mail_app, world):
    from tests.conftest import Auth

    client = mail_app.test_client()
    Auth(client).login("kysyja@example.fi")
    db.session.expire_all()
    assert world["asker"].last_seen_at is not None
