"""The taxonomy: seeded groups, tagging, required groups, tag pages, proposals and merges."""

import re

import pytest
from sqlalchemy import select

from forum.audit.models import AuditEntry
from forum.extensions import db
from forum.tags import actions
from forum.tags.models import Tag, TagGroup
from forum.threads.models import Thread
from tests.conftest import Auth, post_form


def _tag(slug: str) -> Tag:
    return db.session.scalar(select(Tag).where(Tag.slug == slug))


def test_programme_taxonomy_is_seeded_in_three_languages(app):
    groups = {g.slug: g for g in db.session.scalars(select(TagGroup))}
    assert {"tool-category", "target-group", "process-phase"} <= set(groups)
    categories = [t.name_en for t in groups["tool-category"].tags]
    assert categories == ["The workplace", "Health and social services", "Rehabilitation",
                          "Education", "Employment services", "Social security"]  # fmt: skip
    phases = [t.name_fi for t in groups["process-phase"].tags]
    assert phases == ["Tunnistaminen", "Suunnittelu", "Toteutus", "Seuranta"]
    assert _tag("tyokokeilu").name_sv == "Arbetsprövning"


def test_tag_links_are_the_tag_pages_addresses(app, make):
    """Listings append the slug to the tag pages' path: every slug, seeded, proposed or edited
    by an administrator, is made of characters a URL keeps as they are."""
    from flask import url_for
    from flask_login import current_user

    from forum import policy
    from forum.admin.forms import SLUG
    from forum.tags.queries import thread_tag_links
    from forum.tags.views import _slug_for

    tags = list(db.session.scalars(select(Tag)))
    assert all(re.fullmatch(SLUG.regex, tag.slug) for tag in tags)
    assert re.fullmatch(SLUG.regex, _slug_for("Työkyky & kuntoutus / 2026?"))
    thread = make.thread(tags=tags)
    with app.test_request_context():
        links = thread_tag_links(policy.get_thread_row_or_404(thread.id, current_user))
        assert sorted(link.url for link in links) == sorted(
            url_for("tags.show", slug=tag.slug) for tag in tags
        )


def test_author_tags_a_new_thread(client, make):
    board = make.board()
    make.user(email="aino@example.fi")
    Auth(client).login("aino@example.fi")
    tags = [str(_tag("tyokokeilu").id), str(_tag("seuranta").id)]
    response = post_form(
        client,
        f"/boards/{board.slug}/new",
        {"title": "Seuranta", "body": "Teksti", "language": "fi", "tags": tags},
    )
    assert response.status_code == 302
    thread = db.session.scalar(select(Thread))
    assert {t.slug for t in thread.tags} == {"tyokokeilu", "seuranta"}
    page = client.get(f"/threads/{thread.id}").text
    assert "/tags/tyokokeilu" in page and "Work try-out" in page


def test_required_group_is_enforced_with_the_text_kept(client, make):
    group = db.session.scalar(select(TagGroup).where(TagGroup.slug == "tool-category"))
    group.required = True
    db.session.commit()
    board = make.board()
    make.user(email="aino@example.fi")
    Auth(client).login("aino@example.fi")
    response = post_form(
        client,
        f"/boards/{board.slug}/new",
        {"title": "Kept title", "body": "Kept body", "language": "en",
         "tags": [str(_tag("seuranta").id)]},
    )  # fmt: skip
    assert response.status_code == 422
    assert "Choose at least one tag from each required group: Tool category." in response.text
    assert "Kept body" in response.text and "checked" in response.text
    assert db.session.scalar(select(Thread)) is None


def test_tag_page_lists_only_threads_the_reader_may_see(client, make):
    region = make.region()
    public, private = make.board(), make.board(visibility="region", region=region)
    tag = _tag("palkkatuki")
    make.thread(public, title="Public pay subsidy thread", tags=[tag])
    make.thread(private, title="Private pay subsidy thread", tags=[tag],
                author=make.user(region=region))  # fmt: skip
    page = client.get("/tags/palkkatuki").text
    assert "Public pay subsidy thread" in page and "Private pay subsidy thread" not in page
    assert "1 thread" in page
    index = client.get("/tags").text
    assert "Pay subsidy</a> · 1 thread" in index


def test_common_and_rare_tags_list_the_same_threads_newest_first(app, client, make, monkeypatch):
    from forum.tags import views

    region = make.region()
    public, private = make.board(), make.board(visibility="region", region=region)
    tag, other = _tag("palkkatuki"), _tag("kuntoutus")
    for number in range(5):
        make.thread(public, title=f"Tagged {number}", tags=[tag])
        make.thread(public, title=f"Other {number}", tags=[other])
    make.thread(private, title="Private tagged", tags=[tag], author=make.user(region=region))
    app.config["THREADS_PER_PAGE"] = 3
    pages = {}
    for walk_from in (10_000, 0):  # the tag's own list, then the walk over recent threads
        monkeypatch.setattr(views, "WALK_RECENT_THREADS_FROM", walk_from)
        pages[walk_from] = [client.get(f"/tags/palkkatuki?page={n}").text for n in (1, 2)]
    for listed in pages.values():
        titles = [re.findall(r">(Tagged \d|Other \d|Private tagged)</a>", page) for page in listed]
        assert titles == [["Tagged 4", "Tagged 3", "Tagged 2"], ["Tagged 1", "Tagged 0"]]
        assert "5 threads" in listed[0]


def test_hidden_thread_leaves_the_tag_page_at_once(client, make):
    from forum.moderation import actions as moderation

    thread = make.thread(title="Soon hidden", tags=[_tag("kuntoutus")])
    moderator = make.user(role="admin")
    moderation.moderate_post(make.opening_post(thread), "hide", by=moderator, reason="x")
    assert "Soon hidden" not in client.get("/tags/kuntoutus").text


def test_author_and_moderators_change_tags_others_cannot(client, make):
    author = make.user(email="author@example.fi")
    thread = make.thread(author=author, tags=[_tag("nuoret")])
    make.user(email="other@example.fi")
    Auth(client).login("other@example.fi")
    assert client.get(f"/threads/{thread.id}/tags").status_code == 403
    Auth(client).logout()
    Auth(client).login("author@example.fi")
    response = post_form(client, f"/threads/{thread.id}/tags", {"tags": [str(_tag("koulutus").id)]})
    assert response.status_code == 302
    assert [t.slug for t in db.session.get(Thread, thread.id).tags] == ["koulutus"]
    title = db.session.get(Thread, thread.id).title
    assert title not in client.get("/tags/nuoret").text  # re-tagged: gone at once
    assert title in client.get("/tags/koulutus").text


def test_member_proposes_and_admin_merges(client, make):
    make.user(email="aino@example.fi")
    Auth(client).login("aino@example.fi")
    group = db.session.scalar(select(TagGroup).where(TagGroup.slug == "tool"))
    proposal = {"group": str(group.id), "name": "Työkokeilu kotona", "description": ""}
    response = post_form(client, "/tags/propose", proposal)
    assert response.status_code == 302
    proposed = _tag("tyokokeilu-kotona")
    assert proposed.status == "proposed"
    assert "Työkokeilu kotona" not in client.get("/tags").text  # not before approval
    thread = make.thread(tags=[])
    thread.tags = [proposed]
    db.session.commit()
    admin = make.user(role="admin")
    actions.merge_tag(proposed, _tag("tyokokeilu"), by=admin, reason="Same thing")
    assert [t.slug for t in db.session.get(Thread, thread.id).tags] == ["tyokokeilu"]
    assert _tag("tyokokeilu-kotona") is None
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "tag.merge"))


@pytest.mark.parametrize("kind", ["tags", "tag-groups"])
def test_admin_manages_the_taxonomy(client, make, kind):
    make.user(role="admin", email="admin@example.fi")
    Auth(client).login("admin@example.fi")
    assert client.get(f"/staff/admin/{kind}").status_code == 200
    assert client.get(f"/staff/admin/{kind}/1").status_code == 200
