"""Big threads: constant queries, pages of whole branches, deep branches, permalinks."""

import re

from sqlalchemy import select

from forum.auth.models import User
from forum.extensions import db
from forum.threads.models import Post


def _post_ids(html: str) -> list[int]:
    return [int(found) for found in re.findall(r'<article class="post" id="post-(\d+)"', html)]


def _build_thread(make, *, branches: int, per_branch: int, depth: int = 3):
    """A thread of `branches` top-level replies, each with a chain and siblings below it."""
    thread = make.thread(title="Big thread")
    author = make.user()
    opening = make.opening_post(thread)
    for branch in range(branches):
        top = make.reply(opening, author=author, body=f"Branch {branch}")
        parent = top
        for number in range(per_branch):
            child = make.reply(parent, author=author, body=f"Branch {branch} post {number}")
            if child.depth < depth:
                parent = child
    return thread


def test_thread_page_queries_stay_constant_as_the_thread_grows(app, client, make, count_queries):
    app.config["BRANCHES_PER_PAGE"] = 100
    app.config["POSTS_PER_BRANCH"] = 100
    small = _build_thread(make, branches=2, per_branch=2)
    big = _build_thread(make, branches=50, per_branch=9)
    assert db.session.scalar(select(db.func.count()).where(Post.thread_id == big.id)) == 501
    small_url, big_url = f"/threads/{small.id}", f"/threads/{big.id}"
    with count_queries() as small_queries:
        small_page = client.get(small_url)
    with count_queries() as big_queries:
        big_page = client.get(big_url)
    assert small_page.status_code == big_page.status_code == 200
    assert len(_post_ids(big_page.text)) == 501
    assert big_queries.count == small_queries.count
    assert big_queries.count <= 6


def test_signed_in_thread_page_queries_are_constant_too(app, client, auth, make, count_queries):
    small = _build_thread(make, branches=2, per_branch=2)
    big = _build_thread(make, branches=10, per_branch=20)
    make.user(email="reader@example.fi")
    auth.login("reader@example.fi")
    small_url, big_url = f"/threads/{small.id}", f"/threads/{big.id}"
    with count_queries() as small_queries:
        client.get(small_url)
    with count_queries() as big_queries:
        client.get(big_url)
    assert big_queries.count == small_queries.count


def test_pages_hold_whole_branches(app, client, make):
    app.config["BRANCHES_PER_PAGE"] = 3
    thread = _build_thread(make, branches=7, per_branch=4)
    seen: list[int] = []
    for page_number in (1, 2, 3):
        html = client.get(f"/threads/{thread.id}?page={page_number}").text
        ids = _post_ids(html)
        seen.extend(ids[1:])  # the opening post heads every page
        branches = re.findall(r"<p>Branch (\d+)</p>", html)
        expected = list(range((page_number - 1) * 3, min(page_number * 3, 7)))
        assert [int(b) for b in branches] == expected
        for branch in expected:
            assert html.count(f"Branch {branch} post") == 4  # no branch is cut
    all_replies = db.session.scalars(
        select(Post.id).where(Post.thread_id == thread.id, Post.depth > 0)
    ).all()
    assert sorted(seen) == sorted(all_replies)
    assert client.get(f"/threads/{thread.id}?page=4").status_code == 404


def test_a_long_branch_shows_its_first_posts_and_links_to_the_rest(app, client, make):
    app.config["POSTS_PER_BRANCH"] = 3
    thread = make.thread()
    opening = make.opening_post(thread)
    short = make.reply(opening, body="Short branch")
    make.reply(short, body="Short reply")
    top = make.reply(opening, body="Long branch")
    first = make.reply(top, body="Long 1")
    make.reply(first, body="Long 1.1")
    make.reply(first, body="Long 1.2")
    make.reply(top, body="Long 2")
    make.reply(top, body="Long 3")
    page = client.get(f"/threads/{thread.id}", headers={"Accept-Language": "en"}).text
    # Reading order is depth first: the branch's first three posts hang together.
    assert "Long branch" in page and "Long 1</p>" in page and "Long 1.1" in page
    assert "Long 1.2" not in page and "Long 2" not in page and "Long 3" not in page
    assert "Short reply" in page
    assert "Open this branch on its own page (5 replies)" in page
    assert f'<a href="/posts/{top.id}/branch">3 more replies in this branch</a>' in page
    assert "more repl" not in page.split("Long branch")[0]  # the short branch is whole
    branch = client.get(f"/posts/{top.id}/branch").text
    assert all(text in branch for text in ("Long 1.2", "Long 2", "Long 3"))
    fi_page = client.get(f"/threads/{thread.id}", headers={"Accept-Language": "fi"}).text
    assert "3 vastausta lisää tässä haarassa" in fi_page


def test_a_page_stays_short_however_long_its_branches(app, client, make):
    thread = make.thread()
    parent = top = make.reply(make.opening_post(thread), body="Busy branch")
    for number in range(60):
        parent = make.reply(parent if number % 3 else top, body=f"Busy {number}")
    ids = _post_ids(client.get(f"/threads/{thread.id}").text)
    assert len(ids) == 1 + app.config["POSTS_PER_BRANCH"]


def test_permalink_beyond_the_shown_posts_goes_to_the_branch_page(app, client, make):
    app.config["POSTS_PER_BRANCH"] = 2
    thread = make.thread()
    top = make.reply(make.opening_post(thread), body="Top")
    shown = make.reply(top, body="Shown")
    later = make.reply(top, body="Later")
    assert (
        client.get(f"/posts/{shown.id}")
        .headers["Location"]
        .endswith(f"/threads/{thread.id}#post-{shown.id}")
    )
    location = client.get(f"/posts/{later.id}").headers["Location"]
    assert location.endswith(f"/posts/{top.id}/branch#post-{later.id}")
    assert f'id="post-{later.id}"' in client.get(location.split("#")[0]).text


def test_deep_branches_continue_on_their_own_page(app, client, make):
    app.config["INLINE_DEPTH"] = 4
    thread = make.thread()
    parent = make.opening_post(thread)
    chain = []
    for level in range(1, 9):
        parent = make.reply(parent, body=f"Depth {level}")
        chain.append(parent)
    page = client.get(f"/threads/{thread.id}").text
    assert "Depth 4" in page and "Depth 5" not in page
    assert "Continue this branch (1 reply)" in page
    link = f"/posts/{chain[3].id}/branch"
    assert link in page
    branch = client.get(link).text
    # The branch page shows the way back up, the branch, and its replies below.
    assert all(f"Depth {level}" in branch for level in range(1, 9))
    assert branch.index("Depth 3") < branch.index("Depth 4") < branch.index("Depth 8")


def test_permalinks_find_the_page_and_the_post(app, client, make):
    app.config["BRANCHES_PER_PAGE"] = 2
    app.config["INLINE_DEPTH"] = 3
    thread = make.thread()
    opening = make.opening_post(thread)
    tops = [make.reply(opening, body=f"Top {n}") for n in range(5)]
    child = make.reply(tops[4], body="Child of the last")
    deep = make.reply(make.reply(make.reply(child)), body="Very deep")
    response = client.get(f"/posts/{child.id}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/threads/{thread.id}?page=3#post-{child.id}")
    assert (
        client.get(f"/posts/{tops[0].id}")
        .headers["Location"]
        .endswith(f"/threads/{thread.id}#post-{tops[0].id}")
    )
    assert client.get(f"/posts/{deep.id}").headers["Location"].endswith(f"/posts/{deep.id}/branch")
    page = client.get(response.headers["Location"].split("#")[0]).text
    assert f'id="post-{child.id}"' in page


def test_a_reply_is_sent_where_its_permalink_leads(app, client, auth, make):
    """Where a new reply is shown is read in its own write's transaction: the thread's page it
    is on, its branch's page when past the branch's first posts, or its own when deeper than a
    thread page shows."""
    from tests.conftest import form_token, hidden_value

    app.config.update(BRANCHES_PER_PAGE=2, INLINE_DEPTH=3, POSTS_PER_BRANCH=3)
    thread = make.thread()
    opening = make.opening_post(thread)
    tops = [make.reply(opening, body=f"Top {n}") for n in range(4)]
    chain = make.reply(make.reply(tops[1]))
    make.user(email="writer@example.fi")
    auth.login("writer@example.fi")

    def reply_to(parent: Post) -> str:
        form_page = client.get(f"/posts/{parent.id}/reply").text
        response = client.post(f"/posts/{parent.id}/reply", data={
            "csrf_token": form_token(form_page), "body": f"To {parent.id}", "language": "en",
            "submission_id": hidden_value(form_page, "submission_id")})  # fmt: skip
        assert response.status_code == 302
        return response.headers["Location"]

    for parent in (opening, tops[3], tops[1], chain, tops[1]):
        sent_to = reply_to(parent)
        newest = db.session.scalar(select(Post).order_by(Post.id.desc()).limit(1))
        assert newest.parent_id == parent.id
        assert sent_to == client.get(f"/posts/{newest.id}").headers["Location"]
        # The opening's reply is the fifth branch (third page), the deep one on its own page,
        # the last reply to tops[1] the fourth post of its branch.
        if parent is opening:
            assert sent_to.endswith(f"/threads/{thread.id}?page=3#post-{newest.id}")
        if parent is chain:
            assert sent_to.endswith(f"/posts/{newest.id}/branch")
    assert sent_to.endswith(f"/posts/{tops[1].id}/branch#post-{newest.id}")


def test_reply_headings_name_who_answered_whom(client, auth, make):
    thread = make.thread(author=make.user(name="Matti"))
    anna = make.user(name="Anna")
    make.reply(make.opening_post(thread), author=anna)
    # Who wrote what, and from which organisation, is for members.
    visitor = client.get(f"/threads/{thread.id}", headers={"Accept-Language": "en"}).text
    assert re.search(r"<h3[^>]*>\s*A forum member replied to A forum member\s*</h3>", visitor)
    assert "Anna" not in visitor and "Matti" not in visitor
    assert anna.organisation.name not in visitor
    make.user(email="reader@example.fi", locale="en")
    auth.login("reader@example.fi")
    page = client.get(f"/threads/{thread.id}", headers={"Accept-Language": "en"}).text
    assert re.search(r"<h3[^>]*>\s*Anna replied to Matti\s*</h3>", page)
    assert anna.organisation.name in page
    db.session.execute(db.update(User).where(User.email == "reader@example.fi").values(locale="fi"))
    db.session.commit()
    fi_page = client.get(f"/threads/{thread.id}").text
    assert "Anna vastasi käyttäjälle Matti" in fi_page


def test_reply_form_speaks_each_readers_language(client, auth, make):
    """Its labels are translated once a language: one process serves all three in turn."""
    thread = make.thread()
    make.user(email="reader@example.fi")
    auth.login("reader@example.fi")
    expected = {"fi": ("Viesti", "Viestin kieli"), "sv": ("Meddelande", "Meddelandets språk"),
                "en": ("Message", "Language of the message")}  # fmt: skip
    for language in ("fi", "sv", "en", "fi"):
        client.get(f"/language/{language}")
        page = client.get(f"/threads/{thread.id}").text
        body, language_label = expected[language]
        assert f'<label class="field__label" for="body">{body}</label>' in page
        assert f'<label class="field__label" for="language">{language_label}</label>' in page
