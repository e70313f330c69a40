"""Listings read the same number of queries however much there is to list (bench/ measures time)."""

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
