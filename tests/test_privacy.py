"""A member's own data: the copy the job worker prepares (mailed through a real SMTP server,
offered to its owner only and for a limited time), erasing an account, the privacy notice in
three languages, and the nightly removal of what outlived its time."""

import io
import json
import re
import zipfile
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from forum.audit.models import AuditEntry
from forum.auth.models import User, UserSession
from forum.database import utcnow
from forum.extensions import db
from forum.mail import delivery
from forum.mail.models import OutboxMessage
from forum.moderation.actions import flag_post
from forum.notifications.models import Notification
from forum.privacy import erasure, export, retention
from forum.privacy.models import DataExport
from forum.threads.actions import edit_post
from forum.threads.models import Post, PostRevision
from tests.conftest import IsolatedClient, form_token, link_in
from tests.factories import PASSWORD


@pytest.fixture
def world(make):
    region = make.region()
    member = make.user(email="jasen@example.fi", name="Maija Jäsen", region=region, locale="fi")
    other = make.user(email="toinen@example.fi", name="Toinen", region=region)
    board = make.board(visibility="public")
    thread = make.thread(board, author=member, title="Työkokeilun kokemuksia",
                         body="Meillä työkokeilu kesti kolme kuukautta.")  # fmt: skip
    opening = make.opening_post(thread)
    answer = make.reply(opening, author=other, body="Kiitos, kokeilemme samaa.")
    own_reply = make.reply(answer, author=member, body="Ensimmäinen versio")
    edit_post(own_reply, by=member, body="Korjattu versio", expected_version=own_reply.version)
    flag_post(answer, by=member, reason="other", note="Väärä alue")
    return {
        "member": member,
        "other": other,
        "board": board,
        "thread": thread,
        "opening": opening,
        "answer": answer,
        "own_reply": own_reply,
        "make": make,
    }


def _sign_in(client, email: str) -> None:
    page = client.get("/login")
    client.post("/login", data={"csrf_token": form_token(page.text), "email": email,
                                "password": PASSWORD})  # fmt: skip


# The copy of one's data


def test_the_copy_holds_what_the_forum_keeps_about_the_member_and_nothing_of_others(world):
    data = export.collect(db.session.get(User, world["member"].id))
    assert data["profile"]["email"] == "jasen@example.fi"
    assert data["profile"]["display_name"] == "Maija Jäsen"
    texts = [post["text"] for post in data["messages"]]
    assert texts == ["Meillä työkokeilu kesti kolme kuukautta.", "Korjattu versio"]
    [edited] = [post for post in data["messages"] if post["earlier_versions"]]
    assert [v["text"] for v in edited["earlier_versions"]] == ["Ensimmäinen versio"]
    assert [(r["reason"], r["note"]) for r in data["reports_made"]] == [("other", "Väärä alue")]
    assert [n["kind"] for n in data["notifications"]] == ["reply"]
    assert len(data["sign_ins"]) == 0
    assert data["training_groups"] == []
    group = world["make"].group(members=[world["member"]], slug="kohortti")
    data = export.collect(db.session.get(User, world["member"].id))
    assert [(row["group"], row["status"]) for row in data["training_groups"]] == [
        ("kohortti", "joined")
    ]
    assert group.id
    assert "Kiitos, kokeilemme samaa." not in json.dumps(data, default=str, ensure_ascii=False)
    assert all("token" not in key for row in data["sign_ins"] for key in row)


def test_asked_for_prepared_by_the_worker_mailed_and_downloaded_by_its_owner_only(
    mail_app, smtp, database_url
):
    from tests.factories import Factories

    make = Factories()
    member = make.user(email="jasen@example.fi", name="Maija Jäsen", locale="fi")
    make.user(email="toinen@example.fi", name="Toinen")
    make.thread(make.board(), author=member, title="Oma ketju", body="Oma viesti")
    mail_app.test_client_class = IsolatedClient
    client = mail_app.test_client()
    _sign_in(client, "jasen@example.fi")
    page = client.get("/account/data")
    assert page.status_code == 200
    response = client.post("/account/data/export", data={"csrf_token": form_token(page.text)})
    assert response.status_code == 302
    client.post("/account/data/export", data={"csrf_token": form_token(page.text)})
    assert db.session.scalar(select(func.count()).select_from(DataExport)) == 1  # one waiting
    assert "valmisteilla" in client.get("/account/data").text  # in the member's language
    assert export.prepare_due() == 1
    assert export.prepare_due() == 0  # each copy once, one mail
    delivery.deliver_due()
    [message] = smtp[1]
    assert message["To"] == "jasen@example.fi"
    assert "Tietojesi kopio on valmis" in message["Subject"]
    assert link_in(message).endswith("/account/data")
    page = client.get("/account/data").text
    [download] = re.findall(r'href="(/account/data/exports/\d+)"', page)
    answer = client.get(download)
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "application/zip"
    assert "no-store" in answer.headers["Cache-Control"]
    archive = zipfile.ZipFile(io.BytesIO(answer.data))
    assert sorted(archive.namelist()) == ["data.json", "index.html"]
    data = json.loads(archive.read("data.json"))
    assert data["profile"]["email"] == "jasen@example.fi"
    assert [post["text"] for post in data["messages"]] == ["Oma viesti"]
    readable = archive.read("index.html").decode()
    assert '<html lang="fi">' in readable and "Oma viesti" in readable
    assert "Viestisi" in readable  # the headings in the member's language
    # Another member, or nobody, cannot have it.
    stranger = mail_app.test_client()
    _sign_in(stranger, "toinen@example.fi")
    assert stranger.get(download).status_code == 404
    assert mail_app.test_client().get(download).status_code == 302  # to sign in
    # After its time it is gone, and the nightly job removes it.
    db.session.execute(update(DataExport).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert client.get(download).status_code == 404
    assert "ei ole enää ladattavissa" in client.get("/account/data").text
    assert retention.remove_outlived()["exports"] == 1
    assert db.session.scalar(select(func.count()).select_from(DataExport)) == 0


# Erasing an account


def test_a_member_erases_their_account_keeping_their_messages(client, world):
    member = world["member"]
    group = world["make"].group(members=[member])
    _sign_in(client, "jasen@example.fi")
    page = client.get("/account/erase")
    assert page.status_code == 200
    form = {"csrf_token": form_token(page.text), "messages": "keep"}
    wrong = client.post("/account/erase",
                        data={**form, "current_password": "väärä", "confirm": "y"})  # fmt: skip
    assert wrong.status_code == 422 and "Salasana ei ole oikein." in wrong.text
    unconfirmed = client.post("/account/erase", data={**form, "current_password": PASSWORD})
    assert unconfirmed.status_code == 422 and "Vahvista valitsemalla ruutu." in unconfirmed.text
    done = client.post("/account/erase",
                       data={**form, "current_password": PASSWORD, "confirm": "y"})  # fmt: skip
    assert done.status_code == 302
    db.session.expire_all()
    erased = db.session.get(User, member.id)
    assert erased.email == f"erased-{member.id}@invalid" and erased.display_name == ""
    assert not erased.active and erased.erased_at is not None
    from forum.groups.models import GroupMember

    assert db.session.get(GroupMember, (group.id, member.id)) is None
    assert db.session.scalar(select(func.count()).select_from(UserSession)
                             .where(UserSession.user_id == member.id)) == 0  # fmt: skip
    assert db.session.scalar(select(func.count()).select_from(Notification)
                             .where(Notification.recipient_id == member.id)) == 0  # fmt: skip
    own = select(Post.id).where(Post.author_id == member.id)
    assert db.session.scalar(select(func.count()).select_from(PostRevision)
                             .where(PostRevision.post_id.in_(own))) == 0  # fmt: skip
    # The messages stay, under "Former member"; the address signs nobody in.
    _sign_in(client, "toinen@example.fi")
    thread_page = client.get(f"/threads/{world['thread'].id}").text
    assert "Korjattu versio" in thread_page and "Former member" in thread_page
    assert "Maija Jäsen" not in thread_page
    client.post("/logout", data={"csrf_token": form_token(thread_page)})
    _sign_in(client, "jasen@example.fi")
    assert client.get("/account").status_code == 302
    [entry] = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "member.erase"))
    assert entry.details == "messages: kept" and "jasen" not in entry.details


def test_erasing_with_the_messages_removes_them_from_view_and_search(client, world, make):
    """As when an author deletes them: a thread they started goes with its opening message;
    elsewhere, replies to their messages stay."""
    elsewhere = make.thread(world["board"], author=world["other"], title="Toisen ketju")
    theirs = make.reply(
        make.opening_post(elsewhere), author=world["member"], body="Vuorotteluvapaa"
    )
    make.reply(theirs, author=world["other"], body="Hyvä huomio vuorottelusta")
    member = db.session.get(User, world["member"].id)
    erasure.erase_account(member, by=member, remove_posts=True)
    assert client.get(f"/threads/{world['thread'].id}").status_code == 404
    page = client.get(f"/threads/{elsewhere.id}").text
    assert "Vuorotteluvapaa" not in page and "Hyvä huomio vuorottelusta" in page
    assert "A removed message" in page
    assert set(db.session.scalars(select(Post.body_source).where(Post.author_id == member.id))
               ) == {""}  # fmt: skip
    assert "Nothing matched." in client.get("/search?q=Vuorotteluvapaa").text
    assert "Nothing matched." not in client.get("/search?q=vuorottelusta").text


def test_an_administrator_erases_an_account_on_request_but_not_the_last_administrator(
    client, auth, world, make
):
    admin = make.user(role="admin", email="yllapito@example.fi", name="Ylläpito")
    auth.login("yllapito@example.fi")
    url = f"/staff/admin/members/{world['member'].id}/erase"
    page = client.get(url)
    assert page.status_code == 200
    token = form_token(page.text)
    refused = client.post(url, data={"csrf_token": token, "messages": "keep", "confirm": "y"})
    assert refused.status_code == 422
    assert "Say when and how the member asked for this." in refused.text
    done = client.post(url, data={"csrf_token": token, "messages": "keep", "confirm": "y",
                                  "reason": "Pyyntö sähköpostitse 3.12."})  # fmt: skip
    assert done.status_code == 302
    [entry] = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "member.erase"))
    assert entry.actor_id == admin.id and entry.reason == "Pyyntö sähköpostitse 3.12."
    with pytest.raises(erasure.LastAdministrator):
        erasure.erase_account(db.session.get(User, admin.id), by=admin, remove_posts=False)


def test_mail_to_an_erased_member_is_not_kept(world):
    member = db.session.get(User, world["member"].id)
    db.session.add(OutboxMessage(kind="x", recipient=member.email, subject="s", body_text="t",
                                 body_html="h"))  # fmt: skip
    db.session.commit()
    erasure.erase_account(member, by=member, remove_posts=False)
    left = select(func.count()).where(OutboxMessage.recipient == "jasen@example.fi")
    assert db.session.scalar(left) == 0


# The privacy notice and retention


@pytest.mark.parametrize(
    "language, heading, words",
    [("en", "Privacy notice", "Backups of the whole database"),
     ("fi", "Tietosuojaseloste", "Koko tietokannan varmuuskopiot"),
     ("sv", "Dataskyddsbeskrivning", "Säkerhetskopior av hela databasen")],
)  # fmt: skip
def test_the_privacy_notice_in_three_languages(client, language, heading, words):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = language
    page = client.get("/privacy")
    assert page.status_code == 200
    assert f"<h1>{heading}</h1>" in page.text and words in page.text
    assert "180" in page.text and "365" in page.text and "30" in page.text
    assert 'href="/privacy"' in client.get("/").text


def test_the_nightly_job_removes_old_notifications_and_sent_mail(world):
    old = utcnow() - timedelta(days=200)
    db.session.execute(update(Notification).values(created_at=old, read_at=old))
    db.session.add(OutboxMessage(kind="x", recipient="a@example.fi", subject="s", body_text="t",
                                 body_html="h", status="sent", sent_at=old))  # fmt: skip
    db.session.add(OutboxMessage(kind="x", recipient="b@example.fi", subject="s", body_text="t",
                                 body_html="h", status="sent", sent_at=utcnow()))  # fmt: skip
    db.session.commit()
    removed = retention.remove_outlived()
    assert removed["notifications"] >= 1 and removed["mail"] == 1
    assert db.session.scalar(select(func.count()).select_from(Notification)) == 0
    assert db.session.scalars(select(OutboxMessage.recipient)).all() == ["b@example.fi"]


def test_the_nightly_job_removes_sign_ups_of_events_long_over(world):
    from forum.events import actions as event_actions
    from forum.events.models import Event, Registration

    make = world["make"]
    admin = make.user(role="admin")
    events = []
    for days in (-200, 10):
        starts = utcnow() + timedelta(days=days)
        events.append(event_actions.schedule(event_actions.Details(
            title=f"Tilaisuus {days}", description="Kuvaus", language="fi", starts_at=starts,
            ends_at=starts + timedelta(hours=2), place="Tampere", online_url="", region_id=None,
            audience="public", group_id=None, capacity=None,
        ), by=admin, board=world["board"]))  # fmt: skip
    for event in events:
        db.session.add(Registration(event_id=event.id, user_id=world["member"].id,
                                    status="confirmed"))  # fmt: skip
    db.session.commit()
    assert retention.remove_outlived()["sign_ups"] == 1
    assert db.session.scalars(select(Registration.event_id)).all() == [events[1].id]
    assert db.session.get(Event, events[0].id) is not None  # the event itself stays
