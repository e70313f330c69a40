"""Watching threads, boards, tags and tag groups at four levels: who is told of a new post, by the
job worker from a row the post's transaction wrote, only where they may read it, once."""

import re

from sqlalchemy import func, insert, select

from forum.auth.models import User
from forum.database import utcnow
from forum.extensions import db
from forum.moderation.actions import moderate_post, move_thread
from forum.notifications import watching
from forum.notifications.models import (
    NewPostFanout,
    Notification,
    Watch,
    WatchLevel,
    WatchTarget,
)
from forum.tags.models import Tag
from tests.conftest import form_token


def _told(post) -> dict[int, str]:
    return dict(
        db.session.execute(
            select(Notification.recipient_id, Notification.kind).where(
                Notification.post_id == post.id
            )
        ).all()
    )


def _watch(user, target, target_id, level):
    watching.set_level(user, target, target_id, level)


def _world(make):
    region = make.region()
    author = make.user(email="aloittaja@example.fi", region=region)
    watcher = make.user(email="seuraaja@example.fi", region=region)
    board = make.board(visibility="members")
    return region, author, watcher, board


def test_starting_or_replying_watches_the_thread_unless_turned_off(make):
    region, author, watcher, board = _world(make)
    thread = make.thread(board, author=author)
    replier = make.user(region=region)
    make.reply(make.opening_post(thread), author=replier)
    assert watching.level_of(author, WatchTarget.THREAD, thread.id) == WatchLevel.WATCHING
    assert watching.level_of(replier, WatchTarget.THREAD, thread.id) == WatchLevel.WATCHING

    quiet = make.user(region=region)
    watching.set_watches_participated(quiet, False)
    make.reply(make.opening_post(thread), author=quiet)
    assert watching.level_of(quiet, WatchTarget.THREAD, thread.id) == WatchLevel.NORMAL


def test_a_thread_watcher_hears_of_every_reply_from_the_worker(make):
    region, author, watcher, board = _world(make)
    thread = make.thread(board, author=author)
    _watch(watcher, WatchTarget.THREAD, thread.id, WatchLevel.WATCHING)
    reply = make.reply(make.opening_post(thread), author=make.user(region=region))
    assert watcher.id not in _told(reply)  # not in the request: the worker tells watchers
    assert watching.tell_watchers_due() >= 1
    assert _told(reply)[watcher.id] == "reply"
    # The author was told in the reply's transaction, and only once.
    assert list(_told(reply)).count(author.id) == 1
    assert watching.tell_watchers_due() == 0  # each post once
    assert db.session.scalar(select(func.count()).where(NewPostFanout.done_at.is_(None))) == 0


def test_board_levels_first_post_and_watching(make):
    region, author, watcher, board = _world(make)
    every = make.user(region=region)
    _watch(watcher, WatchTarget.BOARD, board.id, WatchLevel.FIRST_POST)
    _watch(every, WatchTarget.BOARD, board.id, WatchLevel.WATCHING)
    thread = make.thread(board, author=author)
    opening = make.opening_post(thread)
    reply = make.reply(opening, author=make.user(region=region))
    watching.tell_watchers_due()
    assert _told(opening) == {watcher.id: "thread", every.id: "thread"}
    assert watcher.id not in _told(reply) and _told(reply)[every.id] == "reply"


def test_tag_and_tag_group_watchers_hear_of_new_threads(make):
    region, author, watcher, board = _world(make)
    group_watcher = make.user(region=region)
    tag = db.session.scalar(select(Tag).where(Tag.slug == "tyokokeilu"))
    _watch(watcher, WatchTarget.TAG, tag.id, WatchLevel.FIRST_POST)
    _watch(group_watcher, WatchTarget.TAG_GROUP, tag.group_id, WatchLevel.FIRST_POST)
    untagged = make.opening_post(make.thread(board, author=author))
    tagged = make.opening_post(make.thread(board, author=author, tags=[tag]))
    watching.tell_watchers_due()
    assert _told(untagged) == {}
    assert _told(tagged) == {watcher.id: "thread", group_watcher.id: "thread"}


def test_muting(make):
    """A muted thread silences even replies to you; a muted board outweighs a watched tag; a
    thread's own level outweighs both."""
    region, author, watcher, board = _world(make)
    tag = db.session.scalar(select(Tag).where(Tag.slug == "tyokokeilu"))
    thread = make.thread(board, author=author, tags=[tag])
    _watch(author, WatchTarget.THREAD, thread.id, WatchLevel.MUTED)
    _watch(watcher, WatchTarget.TAG, tag.id, WatchLevel.WATCHING)
    _watch(watcher, WatchTarget.BOARD, board.id, WatchLevel.MUTED)
    first = make.user(region=region)
    reply = make.reply(make.opening_post(thread), author=first)
    watching.tell_watchers_due()
    assert _told(reply) == {}
    _watch(watcher, WatchTarget.THREAD, thread.id, WatchLevel.WATCHING)
    again = make.reply(make.opening_post(thread), author=make.user(region=region))
    watching.tell_watchers_due()
    # The first replier watches what they took part in; the author muted it.
    assert _told(again) == {watcher.id: "reply", first.id: "reply"}


def test_nobody_is_told_of_what_they_may_not_read(make):
    region, author, watcher, board = _world(make)
    elsewhere = make.region()
    private = make.board(visibility="region", region=elsewhere)
    outsider = make.user(region=make.region())
    _watch(outsider, WatchTarget.BOARD, private.id, WatchLevel.WATCHING)
    local = make.user(region=elsewhere)
    opening = make.opening_post(make.thread(private, author=local))
    watching.tell_watchers_due()
    assert _told(opening) == {}

    # A thread moved to a board the watcher cannot read before the worker ran.
    thread = make.thread(board, author=author)
    _watch(watcher, WatchTarget.THREAD, thread.id, WatchLevel.WATCHING)
    reply = make.reply(make.opening_post(thread), author=make.user(region=region))
    admin = make.user(role="admin")
    move_thread(thread, by=admin, to=private, reason="Alueen asia")
    watching.tell_watchers_due()
    assert watcher.id not in _told(reply)


def test_nothing_about_hidden_posts_and_nothing_to_unconfirmed_accounts(make):
    region, author, watcher, board = _world(make)
    thread = make.thread(board, author=author)
    _watch(watcher, WatchTarget.THREAD, thread.id, WatchLevel.WATCHING)
    unconfirmed = make.user(region=region)
    unconfirmed.email_confirmed_at = None
    db.session.commit()
    _watch(unconfirmed, WatchTarget.THREAD, thread.id, WatchLevel.WATCHING)
    reply = make.reply(make.opening_post(thread), author=make.user(region=region))
    moderate_post(reply, "hide", by=make.user(role="admin"), reason="Terveystieto")
    watching.tell_watchers_due()
    assert watcher.id not in _told(reply)
    visible = make.reply(make.opening_post(thread), author=make.user(region=region))
    watching.tell_watchers_due()
    assert watcher.id in _told(visible) and unconfirmed.id not in _told(visible)


def test_a_reply_costs_the_same_with_a_thousand_watchers(make, count_queries):
    region, author, watcher, board = _world(make)
    thread = make.thread(board, author=author)
    opening = make.opening_post(thread)
    replier = make.user(region=region)
    make.reply(opening, author=replier)  # the replier's first reply watches the thread
    with count_queries() as quiet:
        make.reply(opening, author=replier)
    organisation_id = author.organisation_id
    db.session.execute(
        insert(User),
        [{"email": f"many{n}@example.fi", "display_name": f"Seuraaja {n}",
          "password_hash": "x", "organisation_id": organisation_id, "locale": "fi",
          "email_confirmed_at": utcnow()} for n in range(1000)],
    )  # fmt: skip
    ids = db.session.scalars(select(User.id).where(User.email.like("many%"))).all()
    db.session.execute(
        insert(Watch),
        [{"user_id": user_id, "target": WatchTarget.THREAD, "target_id": thread.id,
          "level": WatchLevel.WATCHING} for user_id in ids],
    )  # fmt: skip
    db.session.commit()
    with count_queries() as busy:
        reply = make.reply(opening, author=replier)
    assert busy.count == quiet.count, (quiet.statements, busy.statements)
    watching.tell_watchers_due()
    told = _told(reply)
    assert len([user_id for user_id in told if user_id in set(ids)]) == 1000


def test_the_watch_page_saves_a_level_and_refuses_a_made_up_one(client, auth, make):
    region, author, watcher, board = _world(make)
    thread = make.thread(board, author=author)
    auth.login("seuraaja@example.fi")
    page = client.get(f"/threads/{thread.id}/watch")
    assert page.status_code == 200 and re.search(r'<input checked[^>]*value="normal"', page.text)
    assert 'value="first_post"' not in page.text  # a thread has no first post to come
    refused = client.post(f"/threads/{thread.id}/watch",
                          data={"csrf_token": form_token(page.text), "level": "loud"})  # fmt: skip
    assert refused.status_code == 422 and "Not a valid choice" in refused.text
    saved = client.post(f"/threads/{thread.id}/watch",
                        data={"csrf_token": form_token(page.text), "level": "muted"})  # fmt: skip
    assert saved.status_code == 302
    assert watching.level_of(watcher, WatchTarget.THREAD, thread.id) == WatchLevel.MUTED
    settings = client.get("/account/notifications")
    assert thread.title in settings.text and "Muted" in settings.text

    for path in (f"/boards/{board.slug}/watch", "/tags/tyokokeilu/watch"):
        page = client.get(path)
        assert page.status_code == 200 and 'value="first_post"' in page.text
    tag = db.session.scalar(select(Tag).where(Tag.slug == "tyokokeilu"))
    assert client.get(f"/tag-groups/{tag.group.slug}/watch").status_code == 200


def test_the_settings_list_what_is_watched_a_page_at_a_time_boards_first(
    client, auth, make, monkeypatch, count_queries
):
    """An active member watches hundreds of threads: the board they chose comes first, then the
    threads by title, a page at a time; threads they may no longer read are neither listed nor
    counted, and a page reads as many queries as another however many there are."""
    from forum.notifications import views

    monkeypatch.setattr(views, "WATCHES_PER_PAGE", 3)
    region, author, watcher, board = _world(make)
    _watch(watcher, WatchTarget.BOARD, board.id, WatchLevel.FIRST_POST)
    for letter in "EDCBA":
        thread = make.thread(board, author=author, title=f"Ketju {letter}")
        _watch(watcher, WatchTarget.THREAD, thread.id, WatchLevel.MUTED)
    elsewhere = make.board(visibility="region", region=make.region())
    hidden = make.thread(elsewhere, author=make.user(region=elsewhere.region), title="Ketju 0")
    _watch(watcher, WatchTarget.THREAD, hidden.id, WatchLevel.MUTED)
    auth.login("seuraaja@example.fi")

    def listed(number: int) -> list[str]:
        html = client.get(f"/account/notifications?page={number}").text
        table = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
        return re.findall(r'<a href="[^"]*">([^<]*)</a>', table)

    assert listed(1) == [board.name_en, "Ketju A", "Ketju B"]
    with count_queries() as first:
        client.get("/account/notifications")
    with count_queries() as second:
        assert listed(2) == ["Ketju C", "Ketju D", "Ketju E"]
    assert first.count == second.count
    assert client.get("/account/notifications?page=3").status_code == 404


def test_watch_pages_of_what_the_reader_may_not_see_are_not_found(client, auth, make):
    region, author, watcher, board = _world(make)
    private = make.board(visibility="region", region=make.region())
    thread = make.thread(private, author=make.user(region=private.region))
    auth.login("seuraaja@example.fi")
    assert client.get(f"/threads/{thread.id}/watch").status_code == 404
    assert client.get(f"/boards/{private.slug}/watch").status_code == 404
    assert client.get("/tags/no-such-tag/watch").status_code == 404


def test_turn_off_watching_what_you_take_part_in(client, auth, make):
    region, author, watcher, board = _world(make)
    auth.login("seuraaja@example.fi")
    page = client.get("/account/notifications")
    assert 'name="watch_participated"' in page.text and "checked" in page.text
    answer = client.post("/account/notifications", data={
        "csrf_token": form_token(page.text), "mail_posts": "off", "mail_staff": "off",
        "digest_every": "daily"})  # fmt: skip
    assert answer.status_code == 302
    assert watching.watches_participated(watcher) is False


def test_the_notifications_page_names_a_new_thread(client, auth, make):
    region, author, watcher, board = _world(make)
    _watch(watcher, WatchTarget.BOARD, board.id, WatchLevel.FIRST_POST)
    thread = make.thread(board, author=author, title="Uusi käytäntö")
    watching.tell_watchers_due()
    auth.login("seuraaja@example.fi")
    page = client.get("/notifications")
    assert "New thread “Uusi käytäntö”" in page.text
    opened = client.get(f"/notifications/threads/{thread.id}")
    assert opened.headers["Location"].endswith(f"/posts/{make.opening_post(thread).id}")
