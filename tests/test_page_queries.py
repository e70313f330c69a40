"""Listings read the same number of queries however much there is to list (bench/ measures time)."""

import re

import pytest
from sqlalchemy import select

from forum.extensions import db
from forum.practices import actions as practice_actions
from forum.tags.models import Tag

SUMMARY = {"core_idea": "Mentors", "environment": "", "conditions": "", "results": ""}
PAGES = {
    "board index": "/",
    "board page": "/boards/{board}",
    "tag page": "/tags/tyokokeilu",
    "good-practice library": "/practices",
    "search": "/search?q=kuntoutus",
}


@pytest.fixture
def grow(make):
    """grow(n): n more threads on one board, tagged, each a good practice with a reply."""
    board = make.board()
    staff = make.user(role="admin")
    tags = db.session.scalars(select(Tag).where(Tag.slug.in_(("tyokokeilu", "seuranta")))).all()

    def more(count: int) -> str:
        for _ in range(count):
            thread = make.thread(board, body="kuntoutus", tags=tags, replies=1)
            practice_actions.curate(
                thread, by=staff, maturity="piloted", language="en", summary=SUMMARY
            )
        return board.slug

    return more


@pytest.mark.parametrize("signed_in", [False, True], ids=["signed out", "signed in"])
@pytest.mark.parametrize("page", PAGES)
def test_listing_queries_stay_constant_as_the_forum_grows(
    client, auth, make, grow, count_queries, page, signed_in
):
    if signed_in:
        make.user(email="reader@example.fi")
        auth.login("reader@example.fi")
    url = PAGES[page].format(board=grow(2))
    with count_queries() as few:
        assert client.get(url).status_code == 200
    grow(30)
    with count_queries() as many:
        assert client.get(url).status_code == 200
    assert many.count == few.count, (page, few.statements, many.statements)


def test_threads_bring_their_tags_in_their_rows(client, auth, make, count_queries):
    """The board page, what is new to a member, the thread page and the good-practice library:
    a thread's tag links come in its row (tags.queries.THREAD_TAGS), in the taxonomy's order
    and the reader's language, and no statement of their own asks for them."""
    earlier, later = db.session.scalars(select(Tag).order_by(Tag.position, Tag.id).limit(2))
    board = make.board()
    tagged = make.thread(board, title="Tagged", tags=[later, earlier])
    make.thread(board, title="Untagged")
    practice_actions.curate(tagged, by=make.user(role="admin"), maturity="piloted",
                            language="en", summary=SUMMARY)  # fmt: skip
    make.user(email="reader@example.fi", locale="sv")
    auth.login("reader@example.fi")
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "sv"
    pages = (f"/boards/{board.slug}", "/unread", f"/threads/{tagged.id}", "/practices")
    for url in pages:
        with count_queries() as queries:
            page = client.get(url).text
        assert "Tagged" in page
        assert page.index(earlier.name_sv) < page.index(later.name_sv), url
        assert earlier.name_en not in page or earlier.name_en == earlier.name_sv
        tags_read = [statement for statement in queries.statements if "thread_tag" in statement]
        assert len(tags_read) == 1, (url, tags_read)
        assert re.search(r"(group_concat|string_agg)\(", tags_read[0]), (url, tags_read)


def test_staff_member_pages_read_a_constant_number_of_queries(client, auth, make, count_queries):
    """The membership requests and the invitations waiting, in every region and organisation."""
    from forum.auth import invitations
    from forum.auth.models import Membership
    from forum.database import begin_write

    admin = make.user(role="admin", email="admin@example.fi")
    auth.login("admin@example.fi")

    def more(count: int) -> None:
        for _ in range(count):
            organisation = make.organisation(region=make.region())
            person = make.user(organisation=organisation)
            begin_write()
            person.membership = Membership.PENDING
            db.session.commit()
            invitations.invite(email=f"kutsuttu{person.id}@example.fi", organisation=organisation,
                               locale="fi", by=admin)  # fmt: skip

    for url in ("/staff/members/requests", "/staff/members/invitations"):
        more(2)
        with count_queries() as few:
            assert client.get(url).status_code == 200
        more(10)
        with count_queries() as many:
            assert client.get(url).status_code == 200
        assert many.count == few.count, (url, few.statements, many.statements)


def test_programme_pages_read_a_constant_number_of_queries(client, auth, make, count_queries):
    """Events, goals and an organisation's page, however many events and goals there are."""
    from datetime import timedelta

    from forum.database import utcnow
    from forum.events import actions as event_actions
    from forum.goals import actions as goal_actions

    organisation = make.organisation()
    coordinator = make.user(email="koordinaattori@example.fi", organisation=organisation)
    admin = make.user(role="admin")
    board = make.board()
    auth.login("koordinaattori@example.fi")

    def more(count: int) -> None:
        for number in range(count):
            starts = utcnow() + timedelta(days=number + 1)
            event = event_actions.schedule(event_actions.Details(
                title=f"Tapahtuma {number}", description="Kuvaus", language="fi",
                starts_at=starts, ends_at=starts + timedelta(hours=2), place="Tampere",
                online_url="", region_id=None, audience="public", group_id=None, capacity=5,
            ), by=admin, board=board)  # fmt: skip
            event_actions.sign_up(event, by=coordinator)
            goal = goal_actions.set_goal(
                organisation,
                by=coordinator,
                title=f"Tavoite {number}",
                description="",
                language="fi",
                target_date=None,
            )
            goal_actions.tell_progress(goal, by=coordinator, body="Eteni.", language="fi",
                                       status="in_progress")  # fmt: skip

    urls = ("/events/", "/events/1", "/goals", "/goals/1", f"/organisations/{organisation.id}")
    more(2)
    few = {}
    for url in urls:
        with count_queries() as counted:
            assert client.get(url).status_code == 200, url
        few[url] = counted.count
    more(40)
    for url in urls:
        with count_queries() as counted:
            assert client.get(url).status_code == 200, url
        assert counted.count == few[url], (url, counted.statements)


def test_a_goals_page_reads_its_updates_authors_with_them(client, auth, make, count_queries):
    """Progress told by many coordinators: one query for the updates and their authors."""
    from forum.goals import actions as goal_actions

    organisation = make.organisation()
    people = [make.user(email=f"koordinaattori{n}@example.fi", organisation=organisation)
              for n in range(12)]  # fmt: skip
    goal = goal_actions.set_goal(organisation, by=people[0], title="Tavoite", description="",
                                 language="fi", target_date=None)  # fmt: skip
    auth.login("koordinaattori0@example.fi")

    def told_by(authors) -> int:
        for person in authors:
            goal_actions.tell_progress(goal, by=person, body="Eteni.", language="fi",
                                       status="in_progress")  # fmt: skip
        with count_queries() as counted:
            assert client.get(f"/goals/{goal.id}").status_code == 200
        return counted.count

    assert told_by(people[:2]) == told_by(people[2:])


def test_postgresql_keeps_a_listings_statements_prepared_and_planned_once(client, make):
    """psycopg prepares a statement a connection runs often, but forgets them all at a
    ROLLBACK: a request that wrote nothing ends with COMMIT, and a listing's page is written
    into its statement, so that PostgreSQL plans it once for any parameters (the signed-in tag
    page's listing took 5.7 ms to plan and 0.9 ms to run)."""
    from sqlalchemy import event

    if db.engine.dialect.name != "postgresql":
        pytest.skip("psycopg's prepared statements")
    board = make.board(slug="prepared")
    for number in range(3):
        make.thread(board, title=f"Thread {number}")
    used = []
    event.listen(db.engine, "checkout", lambda connection, *_: used.append(connection))
    # Prepared at its sixth run on a connection, then planned for its parameters five times.
    for _ in range(30):
        assert client.get("/boards/prepared").status_code == 200
    plans = {}
    for connection in {id(c): c for c in used}.values():
        rows = connection.execute(
            "SELECT statement, generic_plans FROM pg_prepared_statements"
        ).fetchall()
        connection.commit()
        for statement, generic in rows:
            plans[statement] = plans.get(statement, 0) + generic
    listing = [generic for statement, generic in plans.items() if "LIMIT 25 OFFSET 0" in statement]
    assert listing and listing[0] > 0, plans


def test_a_page_on_postgresql_costs_a_round_trip_a_statement_and_no_more(
    client, auth, make, count_queries, sent_to_postgresql
):
    """What a page sends PostgreSQL, message by message: one round trip for each statement.
    It reads in autocommit (forum.database): the BEGIN that pinged a connection taken from the
    pool and the COMMIT that ended the page were two more round trips a request, and
    SQLAlchemy's pre-ping and psycopg's own BEGIN two more before them."""
    board = make.board(slug="round-trips")
    make.thread(board)
    make.user(email="reader@example.fi")
    auth.login("reader@example.fi")
    client.get("/boards/round-trips")  # the pool's connection made, and the reader's session
    with count_queries() as statements:
        sent = sent_to_postgresql(lambda: client.get("/boards/round-trips"))
    queries = [fields[1].strip() for fields in sent if fields[0] == "Query"]
    syncs = [fields for fields in sent if fields[0] == "Sync"]
    assert queries == [], sent
    assert len(syncs) == statements.count, (statements.statements, sent)


def test_a_request_that_wrote_and_did_not_commit_stores_nothing(app, client, make):
    """Requests that only read leave no transaction to end (above); one that wrote and stopped
    before its commit (a check that failed after the first write, answered with a 4xx) is
    rolled back."""
    from flask import abort
    from sqlalchemy import update

    from forum.boards.models import Board

    board = make.board(slug="untouched")
    original = board.name_en

    def half_written():
        db.session.execute(update(Board).where(Board.id == board.id).values(name_en="Half"))
        abort(409)

    def only_read():
        return db.session.scalar(select(Board.name_en).where(Board.id == board.id))

    app.add_url_rule("/half-written", view_func=half_written)
    app.add_url_rule("/only-read", view_func=only_read)
    assert client.get("/half-written").status_code == 409
    assert client.get("/only-read").text == original
    db.session.expire_all()
    assert db.session.get(Board, board.id).name_en == original


def test_a_members_training_groups_come_with_the_member_in_one_statement(
    client, auth, make, count_queries
):
    """Every signed-in request needs both who the member is and which closed boards are theirs;
    on PostgreSQL each statement is a round trip, so the groups ride in the member's row."""
    member = make.user(email="member@example.fi")
    other = make.user()
    both = [make.group(members=[member]) for _ in range(2)]
    make.group(invited=[member], members=[other])  # an invitation opens nothing
    closed = [make.board(visibility="group", group=group) for group in both]
    not_theirs = make.board(visibility="group", group=make.group(members=[other]))
    auth.login("member@example.fi")

    with count_queries() as signed_in:
        page = client.get("/").text
    assert all(board.name_en in page for board in closed)
    assert not_theirs.name_en not in page
    assert not [
        sql for sql in signed_in.statements if sql.lstrip().startswith("SELECT group_member")
    ]
    auth.logout()
    with count_queries() as signed_out:
        client.get("/")
    # The member's one row is the only statement a signed-in board index adds.
    assert signed_in.count == signed_out.count + 1, signed_in.statements
