"""Posting text that holds personal data: the form comes back with the text and what was found;
removed, the message is posted; confirmed, it waits for a moderator under a personal-data flag,
and nobody else sees it or finds it."""

from sqlalchemy import select

from forum.extensions import db
from forum.moderation.models import Flag
from forum.threads.models import Post, Thread
from tests.conftest import form_token, hidden_value

TEXT = "Matti Meikäläinen (hetu 131052-308T) on masennuksen vuoksi poissa."


def _new_thread_form(client, board):
    page = client.get(f"/boards/{board.slug}/new").text
    return {"csrf_token": form_token(page), "submission_id": hidden_value(page, "submission_id"),
            "title": "Poissaolo", "body": TEXT, "language": "fi"}  # fmt: skip


def test_the_form_comes_back_with_the_text_and_what_was_found(client, auth, make):
    board = make.board()
    make.user(email="aino@example.fi")
    auth.login("aino@example.fi")
    answer = client.post(f"/boards/{board.slug}/new", data=_new_thread_form(client, board))
    assert answer.status_code == 422
    assert "a personal identity code “131052-308T” on line 1" in answer.text
    assert "masennuksen vuoksi poissa.</textarea>" in answer.text
    assert 'name="personal_data_checked"' in answer.text
    assert db.session.scalar(select(Thread.id)) is None  # nothing half-written


def test_removed_it_is_posted(client, auth, make):
    board = make.board()
    make.user(email="aino@example.fi")
    auth.login("aino@example.fi")
    form = {**_new_thread_form(client, board), "body": "Työntekijä on poissa."}
    assert client.post(f"/boards/{board.slug}/new", data=form).status_code == 302
    assert db.session.scalar(select(Post.status)) == "visible"


def test_confirmed_it_waits_for_a_moderator_under_a_flag(client, auth, make):
    board = make.board(visibility="public")
    make.user(email="aino@example.fi")
    auth.login("aino@example.fi")
    form = {**_new_thread_form(client, board), "personal_data_checked": "y"}
    assert client.post(f"/boards/{board.slug}/new", data=form).status_code == 302
    post = db.session.scalar(select(Post))
    assert post.status == "pending"
    flag = db.session.scalar(select(Flag))
    assert flag.reason == "personal_data" and flag.status == "open" and flag.post_id == post.id
    assert "131052-308T" not in flag.note  # the note says what was found, not the text
    assert "found a personal identity code" in flag.note
    auth.logout()
    assert "Poissaolo" not in client.get(f"/boards/{board.slug}").text
    assert "masennuksen" not in client.get("/search?q=masennus").text


def test_a_reply_is_checked_too(client, auth, make):
    thread = make.thread(make.board())
    make.user(email="aino@example.fi")
    auth.login("aino@example.fi")
    path = f"/posts/{make.opening_post(thread).id}/reply"
    page = client.get(path).text
    form = {"csrf_token": form_token(page), "submission_id": hidden_value(page, "submission_id"),
            "body": "Soita hänelle: 040 123 4567", "language": "fi"}  # fmt: skip
    answer = client.post(path, data=form)
    assert answer.status_code == 422 and "a phone number “040 123 4567” on line 1" in answer.text
    answer = client.post(path, data={**form, "personal_data_checked": "y"})
    assert answer.status_code == 302
    reply = db.session.scalar(select(Post).where(Post.depth == 1))
    assert reply.status == "pending"
    assert db.session.get(Thread, thread.id).reply_count == 0  # counters count what members see


def test_the_authors_edits_are_checked_and_held_again_without_a_second_flag(client, auth, make):
    author = make.user(email="aino@example.fi")
    thread = make.thread(make.board())
    mine = make.reply(make.opening_post(thread), author=author, body="Kysyn lisää")
    auth.login("aino@example.fi")
    path = f"/posts/{mine.id}/edit"

    def save(body, **extra):
        page = client.get(path).text
        form = {"csrf_token": form_token(page), "version": hidden_value(page, "version"),
                "body": body, "reason": "", **extra}  # fmt: skip
        return client.post(path, data=form)

    answer = save("Yhteys anna@example.com")
    assert answer.status_code == 422 and "an e-mail address “anna@example.com”" in answer.text
    assert save("Yhteys anna@example.com", personal_data_checked="y").status_code == 302
    assert db.session.get(Post, mine.id).status == "pending"  # its author still sees it
    assert save("Yhteys anna@example.com ja 040 123 4567",
                personal_data_checked="y").status_code == 302  # fmt: skip
    assert len(db.session.scalars(select(Flag).where(Flag.status == "open")).all()) == 1


def test_staff_editing_someones_message_are_not_stopped(client, auth, make):
    thread = make.thread(make.board())
    opening = make.opening_post(thread)
    make.user(email="admin@example.fi", role="admin")
    auth.login("admin@example.fi")
    path = f"/posts/{opening.id}/edit"
    page = client.get(path).text
    form = {"csrf_token": form_token(page), "version": hidden_value(page, "version"),
            "title": thread.title, "body": "Yhteys: toimisto@example.fi",
            "reason": "Korjaus"}  # fmt: skip
    assert client.post(path, data=form).status_code == 302


def test_the_early_warning_asks_the_same_check_while_a_member_types(client, auth, make):
    make.user(email="aino@example.fi")
    assert client.post("/personal-data/check", data={"text": TEXT}).status_code in (302, 400)
    auth.login("aino@example.fi")
    token = form_token(client.get("/").text)
    found = client.post("/personal-data/check", data={"text": TEXT, "csrf_token": token})
    assert found.status_code == 200
    assert "a personal identity code “131052-308T” on line 1" in found.json["warning"]
    ordinary = {"text": "Maksettiin 1 250 € 12.3.2024.", "csrf_token": token}
    clean = client.post("/personal-data/check", data=ordinary)
    assert clean.json == {"warning": ""}
    assert client.post("/personal-data/check", data={"text": TEXT}).status_code == 400  # no CSRF


def test_the_preview_button_works_without_javascript_and_warns_early(client, auth, make):
    board = make.board()
    make.user(email="aino@example.fi")
    auth.login("aino@example.fi")
    form = {**_new_thread_form(client, board), "body": "Meillä **toimi** kokeilu.", "preview": "1"}
    shown = client.post(f"/boards/{board.slug}/new", data=form)
    assert shown.status_code == 200
    assert "Meillä <strong>toimi</strong> kokeilu." in shown.text  # the preview
    assert "Meillä **toimi** kokeilu.</textarea>" in shown.text  # the text, kept to edit
    warned = client.post(f"/boards/{board.slug}/new", data={**form, "body": TEXT})
    assert warned.status_code == 422
    assert "a personal identity code “131052-308T” on line 1" in warned.text
    assert db.session.scalar(select(Thread.id)) is None  # a preview stores nothing
