"""@mentions: "@Name" in a message tells that member once, in the message's transaction, only if
they may read it; the picker finds members by the start of their name."""

from sqlalchemy import select

from forum.extensions import db
from forum.notifications import mentions, watching
from forum.notifications.models import Notification, WatchLevel, WatchTarget


def _told(post) -> dict[int, str]:
    rows = select(Notification.recipient_id, Notification.kind).where(
        Notification.post_id == post.id
    )
    return dict(db.session.execute(rows).all())


def _world(make):
    region = make.region()
    aino = make.user(email="aino@example.fi", name="Aino Virtanen", region=region)
    writer = make.user(email="kirjoittaja@example.fi", name="Kirjoittaja", region=region)
    board = make.board(visibility="members")
    return region, aino, writer, board


def test_a_mention_tells_the_member_by_their_whole_name(make):
    region, aino, writer, board = _world(make)
    make.user(name="Aino", region=region)  # a shorter name: the longest one wins
    thread = make.thread(board, author=writer, body="Kysytään @Aino Virtanen, hän tietää.")
    assert _told(make.opening_post(thread)) == {aino.id: "mention"}


def test_a_reply_that_mentions_the_author_replied_to_tells_them_once(make):
    region, aino, writer, board = _world(make)
    thread = make.thread(board, author=aino)
    reply = make.reply(make.opening_post(thread), author=writer, body="Kiitos @Aino Virtanen!")
    assert _told(reply) == {aino.id: "mention"}
    watching.tell_watchers_due()  # she watches her thread: still one
    assert _told(reply) == {aino.id: "mention"}


def test_no_mention_of_oneself_of_a_shared_name_or_in_an_address(make):
    region, aino, writer, board = _world(make)
    make.user(name="Sama Nimi", region=region)
    make.user(name="Sama Nimi", region=region)
    body = "@Kirjoittaja ja @Sama Nimi; posti aino@Aino Virtanen ei ole maininta."
    thread = make.thread(board, author=writer, body=body)
    assert _told(make.opening_post(thread)) == {}


def test_no_mention_reaches_who_may_not_read_it_or_muted_the_thread(make):
    region, aino, writer, board = _world(make)
    elsewhere = make.region()
    outsider = make.user(name="Ulla Ulkona", region=elsewhere)
    private = make.board(visibility="region", region=region)
    thread = make.thread(private, author=writer, body="@Ulla Ulkona katso tätä")
    assert _told(make.opening_post(thread)) == {}
    watching.set_level(aino, WatchTarget.THREAD, thread.id, WatchLevel.MUTED)
    reply = make.reply(make.opening_post(thread), author=writer, body="@Aino Virtanen?")
    assert _told(reply) == {} and outsider.id not in _told(reply)


def test_the_picker_finds_members_by_the_start_of_their_name(client, auth, make):
    region, aino, writer, board = _world(make)
    make.user(name="Ainomaija Ahonen", region=region)
    assert mentions.names_starting("a") == []
    assert client.get("/mentions/names?q=ai").status_code == 302  # members only
    auth.login("kirjoittaja@example.fi")
    answer = client.get("/mentions/names?q=ai")
    assert answer.json == {"names": ["Aino Virtanen", "Ainomaija Ahonen"]}
    assert client.get("/mentions/names?q=%25").json == {"names": []}
    page = client.get(f"/boards/{board.slug}/new").text
    assert 'data-mention-url="/mentions/names"' in page


def test_the_notifications_page_says_who_was_mentioned(client, auth, make):
    region, aino, writer, board = _world(make)
    make.thread(board, author=writer, title="Työkokeilu", body="@Aino Virtanen tiedätkö?")
    auth.login("aino@example.fi")
    assert "You are mentioned in “Työkokeilu”" in client.get("/notifications").text
