"""What is new to a member: "New" marks on board and tag pages, new messages marked in the
thread with a link to the first, the "New to you" page, and marking a board or everything read.
Kept per thread; never about a thread the reader may not see."""

import re

from sqlalchemy import select

from forum.extensions import db
from forum.tags.models import Tag
from forum.threads.models import ThreadReadMark
from tests.conftest import form_token

NEW_MARK = 'class="badge badge--new"'


def _world(make):
    region = make.region()
    reader = make.user(email="lukija@example.fi", name="Lukija", region=region)
    writer = make.user(email="kirjoittaja@example.fi", name="Kirjoittaja", region=region)
    board = make.board(visibility="members")
    thread = make.thread(board, author=writer, title="Työkokeilun seuranta")
    return reader, writer, board, thread


def _marked(html: str, thread) -> bool:
    return f'href="/threads/{thread.id}/unread"' in html


def test_a_thread_with_news_is_marked_until_read_and_again_after_a_new_reply(client, auth, make):
    reader, writer, board, thread = _world(make)
    auth.login("lukija@example.fi")
    assert _marked(client.get(f"/boards/{board.slug}").text, thread)

    client.get(f"/threads/{thread.id}")
    assert not _marked(client.get(f"/boards/{board.slug}").text, thread)

    make.reply(make.opening_post(thread), author=writer, body="Uutta tietoa")
    assert _marked(client.get(f"/boards/{board.slug}").text, thread)


def test_the_thread_page_marks_new_messages_and_leads_to_the_first(client, auth, make):
    reader, writer, board, thread = _world(make)
    opening = make.opening_post(thread)
    auth.login("lukija@example.fi")
    client.get(f"/threads/{thread.id}")  # read as it is: the opening post only
    first_new = make.reply(opening, author=writer, body="Ensimmäinen uusi")
    make.reply(opening, author=writer, body="Toinen uusi")
    make.reply(opening, author=reader, body="Oma vastaus")

    page = client.get(f"/threads/{thread.id}").text
    assert f'href="/posts/{first_new.id}">Go to the first message that is new to you' in page
    articles = re.findall(r'<article class="post[^"]*" id="post-(\d+)".*?</article>', page, re.S)
    assert len(articles) == 4
    marked = {
        post_id
        for post_id, html in re.findall(
            r'<article class="post[^"]*" id="post-(\d+)"(.*?)</article>', page, re.S
        )
        if NEW_MARK in html
    }
    # Two replies by someone else are new; the opening post and the reader's own reply are not.
    assert len(marked) == 2 and str(first_new.id) in marked and str(opening.id) not in marked

    again = client.get(f"/threads/{thread.id}").text
    assert NEW_MARK not in again and "Go to the first message" not in again


def test_new_leads_to_the_first_unread_message(client, auth, make):
    reader, writer, board, thread = _world(make)
    opening = make.opening_post(thread)
    auth.login("lukija@example.fi")
    client.get(f"/threads/{thread.id}")
    first_new = make.reply(opening, author=writer, body="Uusi")
    answer = client.get(f"/threads/{thread.id}/unread")
    assert answer.status_code == 302 and answer.headers["Location"].endswith(
        f"/posts/{first_new.id}"
    )
    client.get(f"/threads/{thread.id}")
    answer = client.get(f"/threads/{thread.id}/unread")
    assert answer.headers["Location"].endswith(f"/threads/{thread.id}")


def test_what_was_written_before_joining_or_by_the_reader_is_not_new(client, auth, make):
    region = make.region()
    writer = make.user(email="kirjoittaja@example.fi", region=region)
    board = make.board(visibility="members")
    older = make.thread(board, author=writer, title="Ennen liittymistä")
    reader = make.user(email="lukija@example.fi", region=region, new=True)  # joins now
    own = make.thread(board, author=reader, title="Oma ketju")
    auth.login("lukija@example.fi")
    page = client.get(f"/boards/{board.slug}").text
    assert not _marked(page, older) and not _marked(page, own)
    assert "Nothing new since your last visit." in client.get("/unread").text


def test_the_new_to_you_page_lists_only_threads_the_reader_may_see(client, auth, make):
    reader, writer, board, thread = _world(make)
    elsewhere = make.region()
    stranger = make.user(email="muualla@example.fi", region=elsewhere)
    private = make.board(visibility="region", region=elsewhere)
    hidden_thread = make.thread(private, author=stranger, title="Toisen alueen asia")
    auth.login("lukija@example.fi")
    page = client.get("/unread")
    assert page.status_code == 200
    assert "Työkokeilun seuranta" in page.text and _marked(page.text, thread)
    assert "Toisen alueen asia" not in page.text
    assert client.get(f"/threads/{hidden_thread.id}/unread").status_code == 404


def test_the_tag_page_marks_new_threads(client, auth, make):
    region = make.region()
    make.user(email="lukija@example.fi", region=region)
    writer = make.user(email="kirjoittaja@example.fi", region=region)
    tag = db.session.scalar(select(Tag).where(Tag.slug == "tyokokeilu"))
    thread = make.thread(make.board(), author=writer, tags=[tag])
    auth.login("lukija@example.fi")
    assert _marked(client.get("/tags/tyokokeilu").text, thread)
    client.get(f"/threads/{thread.id}")
    assert not _marked(client.get("/tags/tyokokeilu").text, thread)


def test_mark_a_board_read_and_mark_everything_read(client, auth, make):
    reader, writer, board, thread = _world(make)
    other_board = make.board()
    other = make.thread(other_board, author=writer)
    auth.login("lukija@example.fi")
    page = client.get(f"/boards/{board.slug}")
    answer = client.post(f"/boards/{board.slug}/read", data={"csrf_token": form_token(page.text)})
    assert answer.status_code == 302
    assert not _marked(client.get(f"/boards/{board.slug}").text, thread)
    assert _marked(client.get("/unread").text, other)

    page = client.get("/unread")
    client.post("/unread/read", data={"csrf_token": form_token(page.text)})
    assert "Nothing new since your last visit." in client.get("/unread").text
    # A reply after the mark is news again.
    make.reply(make.opening_post(other), author=writer)
    assert _marked(client.get("/unread").text, other)


def test_marks_only_move_forward(client, auth, make, app):
    """Two pages of the same thread answered out of order leave the later mark."""
    from datetime import timedelta

    from forum.threads import unread

    reader, writer, board, thread = _world(make)
    later = thread.last_activity_at
    unread.mark_thread_read(reader, thread.id, later)
    unread.mark_thread_read(reader, thread.id, later - timedelta(hours=1))
    mark = db.session.scalar(
        select(ThreadReadMark.read_up_to).where(ThreadReadMark.user_id == reader.id)
    )
    assert mark == later


def test_signed_out_readers_see_no_marks_and_no_page(client, make):
    reader, writer, board, thread = _world(make)
    board.visibility = "public"
    db.session.commit()
    assert NEW_MARK not in client.get(f"/boards/{board.slug}").text
    assert client.get("/unread").status_code == 302
    assert client.post("/unread/read").status_code in (302, 400)


def test_the_thread_page_reads_as_many_queries_with_news_as_without(
    client, auth, make, count_queries
):
    reader, writer, board, thread = _world(make)
    opening = make.opening_post(thread)
    auth.login("lukija@example.fi")
    client.get(f"/threads/{thread.id}")
    with count_queries() as quiet:
        client.get(f"/threads/{thread.id}")
    for number in range(20):
        make.reply(opening, author=writer, body=f"Uusi {number}")
    with count_queries() as busy:
        page = client.get(f"/threads/{thread.id}")
    assert NEW_MARK in page.text
    # With news: the first new message is looked up and the mark written, whatever their number.
    assert busy.count - quiet.count <= 3, (quiet.statements, busy.statements)


def test_the_thread_page_reads_the_members_marks_with_the_thread(client, auth, make, count_queries):
    """Both marks, the thread's and its board's, come in the row of the thread, not in a
    statement of their own (a round trip more on PostgreSQL, on every thread a member opens)."""
    reader, writer, board, thread = _world(make)
    opening = make.opening_post(thread)
    make.reply(opening, author=writer, body="Vanha")
    auth.login("lukija@example.fi")
    page = client.get(f"/boards/{board.slug}")
    client.post(f"/boards/{board.slug}/read", data={"csrf_token": form_token(page.text)})
    with count_queries() as statements:
        page = client.get(f"/threads/{thread.id}").text
    assert NEW_MARK not in page  # the board's mark: read up to now
    own = [sql for sql in statements.statements if sql.lstrip().startswith("SELECT (SELECT")]
    assert not own, own
    make.reply(opening, author=writer, body="Uusi")
    assert NEW_MARK in client.get(f"/threads/{thread.id}").text
    assert NEW_MARK not in client.get(f"/threads/{thread.id}").text  # the thread's mark now


def test_a_long_new_to_you_list_is_counted_only_as_far_as_its_pages_link(app, client, auth, make):
    """A member back after months has thousands of new threads: the page counts them two pages
    past its own, links no last page it has not counted, and every page is still reached."""
    _reader, writer, board, _thread = _world(make)
    for number in range(2, 13):
        make.thread(board, author=writer, title=f"Uutinen {number}")
    app.config["THREADS_PER_PAGE"] = 2  # 12 new threads: 6 pages
    auth.login("lukija@example.fi")

    def bar(number: int) -> list[int]:
        html = client.get(f"/unread?page={number}").text
        return [
            int(n) for n in re.findall(r'page=(\d+)"', html[html.index('class="pagination"') :])
        ]

    assert bar(1) == [1, 2, 3, 2]  # pages, then the next page: no link to page 6, a gap
    assert "…" in client.get("/unread").text
    assert bar(4) == [3, 1, 2, 3, 4, 5, 6, 5]  # counted to the end: the last page linked
    last = client.get("/unread?page=6").text
    assert "Työkokeilun seuranta" in last and 'rel="next"' not in last
    assert client.get("/unread?page=7").status_code == 404
    assert client.get("/unread?page=0").status_code == 404
