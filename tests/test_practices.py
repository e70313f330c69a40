"""Good practices: curation by staff, adoptions, the library's filters and counts, feeds."""

import re
import xml.etree.ElementTree as ET

import pytest
from sqlalchemy import select

from forum.extensions import db
from forum.practices import actions
from forum.practices.models import GoodPractice
from forum.tags.models import Tag
from forum.threads.actions import NotAllowed
from tests.conftest import Auth, post_form

SUMMARY = {"core_idea": "Mentors for newcomers", "environment": "", "conditions": "",
           "results": "Everyone stayed"}  # fmt: skip


def _tags(*slugs):
    return db.session.scalars(select(Tag).where(Tag.slug.in_(slugs))).all()


@pytest.fixture
def staff(make):
    return make.user(role="admin", email="staff@example.fi")


def _practice(make, staff, *, board=None, title="Practice", tags=(), region=None,
              language="en", summary=None):  # fmt: skip
    author = make.user(region=region) if region else make.user()
    thread = make.thread(board, author=author, title=title, tags=_tags(*tags))
    actions.curate(thread, by=staff, maturity="piloted", language=language,
                   summary=summary or SUMMARY)  # fmt: skip
    return thread


def test_staff_mark_a_thread_through_the_form(client, make, staff):
    thread = make.thread(title="Mentoring")
    Auth(client).login("staff@example.fi")
    response = post_form(client, f"/staff/threads/{thread.id}/practice",
                         {"maturity": "established", "language": "en", **SUMMARY})  # fmt: skip
    assert response.status_code == 302
    page = client.get(f"/threads/{thread.id}").text
    assert "Established" in page and "Mentors for newcomers" in page


def test_a_summary_holding_personal_data_is_kept_back_until_staff_confirm_it(client, make, staff):
    thread = make.thread(title="Mentoring")
    Auth(client).login("staff@example.fi")
    url = f"/staff/threads/{thread.id}/practice"
    summary = {**SUMMARY, "results": "Ask Maija, 040 123 4567, how it went."}
    warned = post_form(client, url, {"maturity": "idea", "language": "en", **summary})
    assert warned.status_code == 422
    assert "a phone number “040 123 4567” on line 1" in warned.text
    assert "how it went.</textarea>" in warned.text  # the text kept
    assert 'name="personal_data_checked"' in warned.text
    assert db.session.scalar(select(GoodPractice)) is None
    confirmed = post_form(client, url, {"maturity": "idea", "language": "en", **summary,
                                        "personal_data_checked": "y"})  # fmt: skip
    assert confirmed.status_code == 302 and db.session.scalar(select(GoodPractice)) is not None


def test_members_cannot_curate(client, make):
    thread = make.thread()
    make.user(email="member@example.fi")
    Auth(client).login("member@example.fi")
    assert client.get(f"/staff/threads/{thread.id}/practice").status_code == 403
    with pytest.raises(NotAllowed):
        actions.curate(thread, by=make.user(), maturity="idea", language="en", summary=SUMMARY)


def test_missing_core_idea_keeps_the_rest(client, make, staff):
    thread = make.thread()
    Auth(client).login("staff@example.fi")
    response = post_form(client, f"/staff/threads/{thread.id}/practice",
                         {"maturity": "idea", "language": "fi", "core_idea": "",
                          "results": "Kept results text"})  # fmt: skip
    assert response.status_code == 422 and "Kept results text" in response.text
    assert db.session.scalar(select(GoodPractice)) is None


def test_other_organisations_adopt_once(client, make, staff):
    thread = _practice(make, staff)
    practice = db.session.scalar(select(GoodPractice))
    adopter = make.user(email="adopter@example.fi")
    Auth(client).login("adopter@example.fi")
    page = client.get(f"/threads/{thread.id}")
    from tests.conftest import form_token

    for _ in range(2):
        form = {"csrf_token": form_token(page.text), "comment": "Worked for us"}
        client.post(f"/practices/{practice.id}/adopt", data=form)
    db.session.refresh(practice)
    assert practice.adoption_count == 1
    with pytest.raises(NotAllowed):  # the practice's own organisation
        actions.adopt(practice, by=thread.author, comment="")
    assert adopter.organisation_id != practice.organisation_id


def test_library_filters_combine_and_count(client, make, staff):
    north, south = make.region(), make.region()
    _practice(make, staff, title="Both tags north", tags=("tyokokeilu", "seuranta"), region=north)
    _practice(make, staff, title="One tag south", tags=("tyokokeilu",), region=south)
    _practice(make, staff, title="Swedish summary", tags=("seuranta",), region=north,
              language="sv")  # fmt: skip
    page = client.get("/practices", query_string={"tag": ["tyokokeilu", "seuranta"]}).text
    assert "Both tags north" in page and "One tag south" not in page
    assert "1 good practice" in page
    page = client.get("/practices", query_string={"tag": "tyokokeilu"}).text
    assert "Work try-out (2)" in page and "Follow up (1)" in page
    # Every facet counts within the current filter: regions, organisations, summary languages.
    assert f"{north.name_en} (1)" in page and f"{south.name_en} (1)" in page
    assert ">English (2)</option>" in page and ">Svenska (0)</option>" in page
    page = client.get("/practices").text
    assert f"{north.name_en} (2)" in page and ">Svenska (1)</option>" in page
    for region in (north.id, north.slug):  # by id, or as people write it: ?region=pirkanmaa
        page = client.get("/practices", query_string={"region": region}).text
        assert "One tag south" not in page and "Swedish summary" in page, region
    page = client.get("/practices", query_string={"region": "no-such-region"}).text
    assert "One tag south" in page  # an unknown region filters nothing, and fails nothing
    page = client.get("/practices", query_string={"language": "sv"}).text
    assert "Swedish summary" in page and "Both tags north" not in page
    discussed = client.get("/practices", query_string={"sort": "discussed"})
    assert discussed.status_code == 200


def test_private_practices_stay_private(client, make, staff):
    region = make.region()
    private = make.board(visibility="region", region=region)
    _practice(make, staff, board=private, title="Private practice", region=region,
              tags=("kuntoutus",))  # fmt: skip
    _practice(make, staff, title="Open practice", tags=("kuntoutus",))
    for url in ("/practices", "/practices.atom", "/tags/kuntoutus.atom", "/tags/kuntoutus"):
        text = client.get(url).text
        assert "Private practice" not in text, url
        assert "Open practice" in text, url


def test_feeds_are_atom(client, make, staff):
    _practice(make, staff, title="Feed & <practice>", tags=("koulutus",))
    for url in ("/practices.atom", "/tags/koulutus.atom"):
        response = client.get(url)
        assert response.mimetype == "application/atom+xml"
        root = ET.fromstring(response.data)  # noqa: S314 - our own feed
        titles = [e.text for e in root.iter("{http://www.w3.org/2005/Atom}title")]
        assert "Feed & <practice>" in titles


def test_maturity_is_shown_in_each_readers_language(client, make, staff):
    """Labels are translated once a language: one process serves all three in turn."""
    thread = _practice(make, staff)
    for language, label in [("fi", "Pilotoitu"), ("sv", "Pilotad"), ("en", "Piloted"),
                             ("fi", "Pilotoitu")]:  # fmt: skip
        headers = {"Accept-Language": language}
        assert label in client.get("/practices", headers=headers).text
        assert label in client.get(f"/threads/{thread.id}", headers=headers).text


def test_library_pages_keep_their_filters(client, make, staff):
    from forum.practices.views import PER_PAGE

    for n in range(PER_PAGE + 1):
        _practice(make, staff, title=f"Practice {n}", tags=("tyokokeilu",))
    query = {"tag": "tyokokeilu", "sort": "discussed"}
    first = client.get("/practices", query_string=query).text
    assert "page=2" in first and "tag=tyokokeilu" in first
    second = client.get("/practices", query_string={**query, "page": 2})
    assert second.status_code == 200
    assert second.text.count('class="search-results__title"') == 1
    # Its links lead back with the same filters, and name the page only once.
    previous = re.search(r'href="([^"]*)" rel="prev"', second.text).group(1)
    assert "tag=tyokokeilu" in previous and "sort=discussed" in previous
    assert previous.count("page=") == 1


def test_library_shows_the_summary_in_the_readers_language_else_the_first(client, make, staff):
    thread = _practice(make, staff, language="sv",
                       summary={**SUMMARY, "core_idea": "Mentorer för nya"})  # fmt: skip
    actions.curate(thread, by=staff, maturity="piloted", language="en",
                   summary={**SUMMARY, "core_idea": "Mentors for the new"})  # fmt: skip
    shown = {
        language: client.get("/practices", headers={"Accept-Language": language}).text
        for language in ("sv", "en", "fi")
    }
    assert '<p lang="sv">Mentorer för nya</p>' in shown["sv"]
    assert '<p lang="en">Mentors for the new</p>' in shown["en"]
    # No Finnish summary: the first by language, marked as English.
    assert '<p lang="en">Mentors for the new</p>' in shown["fi"]
    assert "Mentorer" not in shown["fi"]


def test_the_tag_page_links_its_feed(client, make):
    page = client.get("/tags/tyokokeilu").text
    assert '<link rel="alternate" type="application/atom+xml" href="/tags/tyokokeilu.atom"' in page
    assert '<a href="/tags/tyokokeilu.atom">Atom feed</a>' in page
    assert client.get("/tags/tyokokeilu.atom").status_code == 200
