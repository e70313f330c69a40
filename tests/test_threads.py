"""Boards, threads and threaded replies, through the pages a member uses."""

import re
import uuid

import pytest
from sqlalchemy import func, select

from forum.boards.models import Board
from forum.extensions import db
from forum.pagination import Page
from forum.threads.models import Post, Thread
from tests.conftest import Auth, form_token, post_form


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_member_starts_a_thread_and_replies_four_levels_deep(client, auth, make):
    board = make.board()
    member = make.user(email="aino@example.fi")
    auth.login("aino@example.fi")
    response = post_form(
        client,
        f"/boards/{board.slug}/new",
        {"title": "Työkokeilun seuranta", "body": "Miten **seuraatte**?", "language": "fi"},
    )
    assert response.status_code == 302
    thread_url = response.headers["Location"]
    thread = db.session.scalar(select(Thread))
    assert thread.author_id == member.id
    parent = make.opening_post(thread)
    for level in range(1, 5):
        response = post_form(
            client, f"/posts/{parent.id}/reply", {"body": f"Level {level}", "language": "en"}
        )
        assert response.status_code == 302
        parent = db.session.scalar(select(Post).where(Post.depth == level))
        assert parent.body_source == f"Level {level}"
    page = client.get(thread_url).text
    assert "<strong>seuraatte</strong>" in page
    positions = [page.index(f"Level {level}") for level in range(1, 5)]
    assert positions == sorted(positions)
    # Each level is a list nested inside the one above it.
    assert page.count('<ul class="replies"') == 4


def test_siblings_are_in_time_order_and_children_follow_their_parent(app, client, make):
    thread = make.thread(body="Opening")
    opening = make.opening_post(thread)
    first = make.reply(opening, body="First sibling")
    second = make.reply(opening, body="Second sibling")
    make.reply(first, body="Child of first")
    make.reply(second, body="Child of second")
    page = client.get(f"/threads/{thread.id}").text
    order = ["First sibling", "Child of first", "Second sibling", "Child of second"]
    positions = [page.index(text) for text in order]
    assert positions == sorted(positions)


def test_board_page_lists_pinned_first_then_latest_activity(client, make):
    board = make.board()
    old = make.thread(board, title="Old thread")
    pinned = make.thread(board, title="Pinned thread")
    recent = make.thread(board, title="Recent thread")
    make.reply(make.opening_post(old), body="Bump")
    db.session.execute(db.update(Thread).where(Thread.id == pinned.id).values(pinned=True))
    db.session.commit()
    page = client.get(f"/boards/{board.slug}").text
    positions = [page.index(t) for t in ("Pinned thread", "Old thread", "Recent thread")]
    assert positions == sorted(positions)
    assert recent.title in page


def _board_of_topics(app, make, *, threads: int, per_page: int) -> Board:
    app.config["THREADS_PER_PAGE"] = per_page
    board = make.board()
    author = make.user()
    for number in range(threads):
        make.thread(board, author=author, title=f"Topic number {number}")
    return board


def test_board_page_is_paginated(app, client, make):
    board = _board_of_topics(app, make, threads=7, per_page=3)
    first = client.get(f"/boards/{board.slug}").text
    third = client.get(f"/boards/{board.slug}?page=3").text
    assert first.count("Topic number") == 3 and third.count("Topic number") == 1
    assert 'aria-current="page"' in first
    assert client.get(f"/boards/{board.slug}?page=4").status_code == 404


def test_board_shows_reply_count_last_poster_and_activity(client, auth, make):
    make.user(email="reader@example.fi")
    auth.login("reader@example.fi")  # names are for members
    board = make.board()
    thread = make.thread(board, replies=2)
    late = make.user(name="Late Replier")
    make.reply(make.opening_post(thread), author=late)
    page = client.get(f"/boards/{board.slug}").text
    assert "Late Replier" in page
    row = page[page.index(thread.title) :]
    # The count, and its label for a phone, where the column headings are out of sight.
    assert '<td class="numeric">3<span class="thread-table__label"> replies</span></td>' in row
    assert "<time datetime=" in row


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": "", "body": "My careful text"}, "Give the thread a title."),
        ({"title": "Kept title", "body": "   "}, "Write a message."),
        ({"title": "x" * 201, "body": "My careful text"}, "at most 200 characters"),
        ({"title": "Kept title", "body": "y" * 20_001}, "at most 20000 characters"),
    ],
)
def test_bad_thread_input_keeps_the_text_and_stores_nothing(client, auth, make, data, message):
    board = make.board()
    make.user(email="writer@example.fi")
    auth.login("writer@example.fi")
    response = post_form(client, f"/boards/{board.slug}/new", {**data, "language": "en"})
    assert response.status_code == 422
    assert message in response.text
    assert response.text.count("There is a problem") == 1
    assert "<title>Error:" in response.text
    for value in data.values():
        if value.strip() and len(value) < 1000:
            assert value in response.text
    assert _count(Thread) == 0 and _count(Post) == 0


def test_bad_reply_keeps_the_text(client, auth, make):
    thread = make.thread()
    make.user(email="writer@example.fi")
    auth.login("writer@example.fi")
    opening = make.opening_post(thread)
    response = post_form(client, f"/posts/{opening.id}/reply", {"body": "z" * 20_001})
    assert response.status_code == 422
    assert "z" * 20_001 in response.text
    assert 'aria-describedby="body-hint body-error"' in response.text
    assert _count(Post) == 1


def _filled_reply_form(client, auth, make) -> tuple[str, dict, Thread]:
    """(the reply form's address, what a browser sends from it, the thread) for a signed-in
    member replying to a new thread's opening post."""
    from tests.conftest import form_token, hidden_value

    thread = make.thread()
    make.user(email="writer@example.fi")
    auth.login("writer@example.fi")
    reply_url = f"/posts/{make.opening_post(thread).id}/reply"
    form_page = client.get(reply_url).text
    data = {
        "csrf_token": form_token(form_page),
        "submission_id": hidden_value(form_page, "submission_id"),
        "body": "Only once, please",
        "language": "en",
    }
    return reply_url, data, thread


def test_double_submitted_reply_is_stored_once(client, auth, make):
    reply_url, data, thread = _filled_reply_form(client, auth, make)
    first = client.post(reply_url, data=data)
    again = client.post(reply_url, data=data)
    assert first.headers["Location"] == again.headers["Location"]
    assert _count(Post) == 2
    assert db.session.get(Thread, thread.id).reply_count == 1


def test_a_reply_reads_each_row_once(client, auth, make, count_queries):
    """A commit expires the session's objects: an id read from one after it loaded the whole
    row again (the post replied to when the write began, the new post for the redirect)."""
    reply_url, data, _thread = _filled_reply_form(client, auth, make)
    with count_queries() as queries:
        response = client.post(reply_url, data=data)
    assert response.status_code == 302
    reads = [s for s in queries.statements if s.lstrip().upper().startswith("SELECT")]
    # The signed-in user with the training groups they joined (one row), the post replied to,
    # the post replied to again inside the write transaction with the id of any post the same
    # form made before; the thread's tags, for the search index's tag facets; then where the new
    # post is shown (the branches before it), so that the reply redirects there at once, read
    # before the commit: after it, the new post's row was loaded again. Whether the authors to
    # tell muted the thread, and whether the replier watches what they take part in, are asked
    # by the statements that tell them and watch it.
    assert len(reads) == 5, reads
    assert "#post-" in response.headers["Location"]
    assert "/posts/" not in response.headers["Location"]


def test_a_reply_on_postgresql_reads_and_writes_in_one_transaction(
    client, auth, make, sent_to_postgresql
):
    """Read committed lets the write go on in the transaction that read the post replied to: a
    COMMIT and a BEGIN fewer than ending it first. The new post's search document is written
    without deleting one first (documents go with their posts there). Where the reply is
    shown is read before the commit, not in a transaction of its own after it."""
    reply_url, data, _thread = _filled_reply_form(client, auth, make)
    sent = sent_to_postgresql(lambda: client.post(reply_url, data=data))
    queries = [fields[1].strip() for fields in sent if fields[0] == "Query"]
    begin = '"BEGIN ISOLATION LEVEL READ COMMITTED"'  # whatever the server's default
    assert queries == [begin, '"COMMIT"'], sent
    statements = " ".join(fields[1] for fields in sent if fields[0] == "Parse")
    assert "INSERT INTO search_document" in statements
    assert "DELETE FROM search_document" not in statements
    assert _count(Post) == 2


def test_double_submitted_thread_is_stored_once(client, auth, make):
    board = make.board()
    make.user(email="writer@example.fi")
    auth.login("writer@example.fi")
    from tests.conftest import form_token, hidden_value

    form_page = client.get(f"/boards/{board.slug}/new").text
    data = {
        "csrf_token": form_token(form_page),
        "submission_id": hidden_value(form_page, "submission_id"),
        "title": "Once",
        "body": "Only one thread",
        "language": "en",
    }
    first = client.post(f"/boards/{board.slug}/new", data=data)
    again = client.post(f"/boards/{board.slug}/new", data=data)
    assert first.headers["Location"] == again.headers["Location"]
    assert _count(Thread) == 1
    assert db.session.get(Board, board.id).thread_count == 1


def test_counters_follow_every_write(make):
    board = make.board()
    thread = make.thread(board, replies=3)
    opening = make.opening_post(thread)
    child = make.reply(opening)
    make.reply(child)
    db.session.expire_all()
    board = db.session.get(Board, board.id)
    assert (board.thread_count, board.post_count) == (1, 6)
    assert db.session.get(Thread, thread.id).reply_count == 5
    assert db.session.get(Post, opening.id).reply_count == 4
    assert db.session.get(Post, child.id).reply_count == 1


def test_a_post_is_marked_with_its_language(client, make):
    thread = make.thread(body="Svenska texten", language="sv")
    opening = make.opening_post(thread)
    page = client.get(f"/threads/{thread.id}", headers={"Accept-Language": "en"}).text
    assert re.search(rf'<article[^>]*id="post-{opening.id}"[^>]*lang="sv"', page)


def test_post_language_defaults_to_the_ui_language(client, auth, make):
    board = make.board()
    make.user(email="sv@example.fi", locale="sv")
    auth.login("sv@example.fi")
    page = client.get(f"/boards/{board.slug}/new").text
    assert '<option selected value="sv">' in page


def test_reading_never_renders_markdown(client, make, monkeypatch):
    thread = make.thread(body="**stored**")

    def fail(source):
        raise AssertionError("Markdown rendered on read")

    monkeypatch.setattr("forum.markup.render", fail)
    monkeypatch.setattr("forum.threads.actions.render", fail)
    page = client.get(f"/threads/{thread.id}").text
    assert "<strong>stored</strong>" in page


def test_signed_out_reader_is_sent_to_sign_in_to_post(client, make):
    board = make.board()
    response = client.get(f"/boards/{board.slug}/new")
    assert response.status_code == 302
    assert "/login?next=" in response.headers["Location"]


def test_archived_board_refuses_new_threads(client, auth, make):
    board = make.board(archived=True)
    make.user(email="writer@example.fi")
    auth.login("writer@example.fi")
    assert client.get(f"/boards/{board.slug}/new").status_code == 403
    assert "archived" in client.get(f"/boards/{board.slug}").text


def test_locked_thread_refuses_replies(client, auth, make):
    thread = make.thread()
    db.session.execute(db.update(Thread).where(Thread.id == thread.id).values(locked=True))
    db.session.commit()
    make.user(email="writer@example.fi")
    auth.login("writer@example.fi")
    opening = make.opening_post(thread)
    assert client.get(f"/posts/{opening.id}/reply").status_code == 403
    page = client.get(f"/threads/{thread.id}").text
    assert "This thread is locked" in page and 'id="reply-form-heading"' not in page


def test_replies_posted_before_a_page_load_leave_one_notice(client, auth, make):
    thread = make.thread()
    opening = make.opening_post(thread)
    make.user(email="writer@example.fi")
    auth.login("writer@example.fi")
    token = form_token(client.get(f"/posts/{opening.id}/reply").text)
    for number in range(3):  # three posts before any page load, as two tabs or a script do
        response = client.post(f"/posts/{opening.id}/reply", data={
            "csrf_token": token, "submission_id": uuid.uuid4().hex, "body": f"Reply {number}",
            "language": "en"})  # fmt: skip
        assert response.status_code == 302
    page = client.get(f"/threads/{thread.id}", headers={"Accept-Language": "en"}).text
    assert page.count("Your reply is posted.") == 1


def test_board_page_offers_a_new_thread_to_those_who_may_start_one(client, auth, make):
    home, elsewhere = make.region(), make.region()
    regional = make.board(region=home, visibility="members")
    archived = make.board(archived=True)
    make.user(email="local@example.fi", region=home)
    make.user(email="visitor@example.fi", region=elsewhere)
    start = "Start a new thread"

    assert client.get(f"/boards/{regional.slug}").status_code == 404  # members only
    assert "Sign in to start a thread." in client.get(f"/boards/{make.board().slug}").text
    assert "This board is archived" in client.get(f"/boards/{archived.slug}").text

    auth.login("visitor@example.fi")
    assert start not in client.get(f"/boards/{regional.slug}").text  # reads, but not its region
    auth.logout()
    auth.login("local@example.fi")
    assert start in client.get(f"/boards/{regional.slug}").text
    page = client.get(f"/boards/{archived.slug}").text
    assert start not in page and "This board is archived" in page


@pytest.mark.parametrize("pages", [1, 2, 5, 9, 27, 400])
def test_pagination_bar_shows_ends_and_neighbours_with_gaps_marked(pages):
    for number in range(1, pages + 1):
        page = Page(number=number, per_page=10, total=pages * 10)
        expected = []
        for candidate in range(1, pages + 1):  # the bar's rule, page by page
            if candidate in (1, pages) or abs(candidate - number) <= 2:
                expected.append(candidate)
            elif abs(candidate - number) == 3:
                expected.append(None)
        assert page.shown_numbers == expected
        assert len(page.shown_numbers) <= 9


@pytest.mark.parametrize("number", [1, 2, 5, 30])
def test_a_listing_counted_only_so_far_shows_a_gap_where_its_end_would_be(number):
    page = Page(number=number, per_page=10, total=(number + 2) * 10, complete=False)
    shown = page.shown_numbers
    assert shown[-3:] == [number + 1, number + 2, None] and page.has_next
    assert shown[0] == 1 and number in shown and len(shown) <= 9


def test_pagination_bar_links_pages_around_the_current_one(app, client, make):
    board = _board_of_topics(app, make, threads=12, per_page=1)
    html = client.get(f"/boards/{board.slug}?page=6").text
    bar = html[html.index('class="pagination"') :]
    linked = [int(n) for n in re.findall(r"page=(\d+)\"", bar)]
    # previous, 1, 4-8, 12, next; a gap (…) either side of the neighbours
    assert linked == [5, 1, 4, 5, 6, 7, 8, 12, 7]
    assert bar.count("…") == 2
    assert re.search(r'page=6"\s*aria-current="page"', bar)


UNRENDERABLE_BODY = "[" * 19_000  # link-text scans from every bracket: refused, not rendered


def test_a_reply_too_dense_to_render_is_refused_with_the_text_kept(client, auth, make):
    thread = make.thread(body="Opening")
    opening = make.opening_post(thread)
    make.user(email="aino@example.fi")
    auth.login("aino@example.fi")
    posts = _count(Post)
    response = post_form(
        client, f"/posts/{opening.id}/reply", {"body": UNRENDERABLE_BODY, "language": "fi"}
    )
    assert response.status_code == 422
    assert "too complex a way to be shown" in response.text
    assert "[" * 1000 in response.text  # the text is back in the form
    assert _count(Post) == posts
    # The next reply renders as Markdown: nothing was left broken.
    response = post_form(client, f"/posts/{opening.id}/reply", {"body": "**ok**", "language": "fi"})
    assert response.status_code == 302
    assert db.session.scalar(select(Post).order_by(Post.id.desc())).body_html == (
        "<p><strong>ok</strong></p>"
    )


def test_a_new_thread_or_edit_too_dense_to_render_is_refused(client, auth, make):
    board = make.board()
    member = make.user(email="aino@example.fi")
    auth.login("aino@example.fi")
    response = post_form(
        client, f"/boards/{board.slug}/new",
        {"title": "Otsikko", "body": UNRENDERABLE_BODY, "language": "fi"},
    )  # fmt: skip
    assert response.status_code == 422 and _count(Thread) == 0
    thread = make.thread(board=board, author=member, body="Alkuperäinen")
    opening = make.opening_post(thread)
    response = post_form(
        client, f"/posts/{opening.id}/edit", {"body": UNRENDERABLE_BODY, "title": "Otsikko"}
    )
    assert response.status_code == 422
    db.session.expire_all()
    assert db.session.get(Post, opening.id).body_source == "Alkuperäinen"


def test_preview_of_text_too_dense_to_render_says_so(client, auth, make):
    make.user(email="aino@example.fi")
    auth.login("aino@example.fi")
    token = form_token(client.get("/").text)
    response = client.post("/preview", data={"csrf_token": token, "body": UNRENDERABLE_BODY})
    assert response.status_code == 422 and "too complex a way" in response.text


def test_another_members_form_token_finds_nothing_of_theirs(client, auth, make):
    reply_url, data, thread = _filled_reply_form(client, auth, make)
    assert client.post(reply_url, data=data).status_code == 302
    Auth(client).logout()
    make.user(email="other@example.fi")
    Auth(client).login("other@example.fi")
    from tests.conftest import form_token

    replayed = {**data, "csrf_token": form_token(client.get(reply_url).text), "body": "Mine"}
    response = client.post(reply_url, data=replayed)
    assert response.status_code == 302
    mine = db.session.scalar(select(Post).order_by(Post.id.desc()))
    assert mine.body_source == "Mine" and response.headers["Location"].endswith(f"#post-{mine.id}")
    assert db.session.get(Thread, thread.id).reply_count == 2


def test_an_edit_without_its_version_is_refused_not_saved_over(client, auth, make):
    member = make.user(email="aino@example.fi")
    thread = make.thread(author=member, body="Alkuperäinen")
    reply = make.reply(make.opening_post(thread), author=member, body="Ensimmäinen")
    auth.login("aino@example.fi")
    from tests.conftest import form_token

    token = form_token(client.get(f"/posts/{reply.id}/edit").text)
    response = client.post(f"/posts/{reply.id}/edit", data={"csrf_token": token, "body": "Uusi"})
    assert response.status_code == 422 and "Uusi</textarea>" in response.text
    db.session.expire_all()
    assert db.session.get(Post, reply.id).body_source == "Ensimmäinen"
