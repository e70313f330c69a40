"""Search: inflected forms in three languages on both databases, visibility, and an index
that follows every change."""

import pytest
from sqlalchemy import select, text

from forum.extensions import db
from forum.moderation import actions as moderation
from forum.tags.models import Tag
from forum.threads.actions import edit_post
from tests.conftest import Auth


def _titles(client, query: str, **filters) -> list[str]:
    import re

    page = client.get("/search", query_string={"q": query, **filters}).text
    return re.findall(r'class="search-results__title"><a [^>]*>([^<]*)</a>', page)


@pytest.mark.parametrize(
    ("query", "language", "text"),
    [
        ("työkyky", "fi", "Arvioimme työkyvyn yhdessä."),
        ("työkyky", "fi", "Hänen työkykyä tuetaan."),
        ("työkokeilu", "fi", "Pääsy työkokeiluun sovittiin."),
        ("palkkatuki", "fi", "Haimme palkkatuen heti."),
        ("kuntoutus", "fi", "Ammatillisen kuntoutuksen suunnitelma."),
        ("työkyky", "fi", "Meillä aloitti uusi työkykykoordinaattori."),
        ("arbetsprövning", "sv", "Arbetsprövningen började i maj."),
        ("adjustment", "en", "We made several adjustments to the desk."),
        ("työkyvyn", "fi", "Työkyky parani selvästi."),
    ],
)
def test_inflected_and_compound_forms_are_found(client, make, query, language, text):
    make.thread(title="Kokemuksia", body=text, language=language)
    make.thread(title="Something else entirely", body="Nothing relevant here.")
    assert _titles(client, query) == ["Kokemuksia"]


def test_queries_in_any_language_whatever_the_ui(client, make):
    make.thread(title="Ruotsiksi", body="Arbetsprövningen gick bra.", language="sv")
    page = client.get("/search", query_string={"q": "arbetsprövning"},
                      headers={"Accept-Language": "fi"}).text  # fmt: skip
    assert "Ruotsiksi" in page and "<mark>Arbetsprövningen</mark>" in page


def test_titles_are_searched(client, make):
    make.thread(title="Palkkatuen hakeminen", body="Kysymys lomakkeesta.", language="fi")
    assert _titles(client, "palkkatuki") == ["Palkkatuen hakeminen"]


def test_tag_labels_are_synonyms(client, make):
    tag = db.session.scalar(select(Tag).where(Tag.slug == "tyokokeilu"))
    make.thread(title="Tagged thread", body="Ei hakusanoja tekstissä.", tags=[tag])
    assert _titles(client, "work try-out") == ["Tagged thread"]
    assert _titles(client, "arbetsprövning") == ["Tagged thread"]


def test_private_and_hidden_posts_never_appear(client, make):
    region = make.region()
    private = make.board(visibility="region", region=region)
    make.thread(private, title="Private kuntoutus", body="kuntoutus",
                author=make.user(region=region))  # fmt: skip
    hidden = make.thread(title="Hidden kuntoutus", body="kuntoutus")
    make.thread(title="Public kuntoutus", body="kuntoutus")
    moderation.moderate_post(make.opening_post(hidden), "hide", by=make.user(role="admin"),
                             reason="x")  # fmt: skip
    assert _titles(client, "kuntoutus") == ["Public kuntoutus"]
    Auth(client).login(make.user(region=region, email="insider@example.fi").email)
    assert sorted(_titles(client, "kuntoutus")) == ["Private kuntoutus", "Public kuntoutus"]


def test_index_follows_edits_deletes_and_restores(client, make):
    author = make.user()
    thread = make.thread(
        author=author, title="Muuttuva", body="Alkuperäinen palkkatuki", language="fi"
    )
    post = make.opening_post(thread)
    edit_post(post, by=author, body="Nyt puhutaan kuntoutuksesta", expected_version=1)
    assert _titles(client, "palkkatuki") == []
    assert _titles(client, "kuntoutus") == ["Muuttuva"]
    admin = make.user(role="admin")
    reply = make.reply(post, body="Vastaus työkokeilusta", language="fi")
    moderation.moderate_post(reply, "delete", by=admin, reason="x")
    assert _titles(client, "työkokeilu") == []
    moderation.moderate_post(reply, "restore", by=admin, reason="x")
    assert _titles(client, "työkokeilu") == ["Muuttuva"]


def test_filters_combine(client, make):
    board, other = make.board(slug="first"), make.board(slug="second")
    tag = db.session.scalar(select(Tag).where(Tag.slug == "nuoret"))
    make.thread(board, title="Finnish tagged", body="kuntoutus", language="fi", tags=[tag])
    make.thread(board, title="Finnish plain", body="kuntoutus", language="fi")
    make.thread(other, title="Elsewhere", body="kuntoutus", language="fi", tags=[tag])
    make.thread(board, title="Swedish", body="kuntoutus", language="sv")
    assert sorted(_titles(client, "kuntoutus", board="first", language="fi")) == [
        "Finnish plain", "Finnish tagged"
    ]  # fmt: skip
    assert _titles(client, "kuntoutus", board="first", tag="nuoret") == ["Finnish tagged"]
    assert _titles(client, "kuntoutus", until="2000-01-01") == []


def test_filters_follow_a_thread_moved_to_another_board(client, make):
    first, second = make.board(slug="first"), make.board(slug="second")
    staff = make.user(role="admin")
    thread = make.thread(first, title="Moving", body="kuntoutus", language="fi")
    make.reply(make.opening_post(thread), body="Kuntoutus jatkuu.", language="fi")
    moderation.move_thread(thread, by=staff, to=second)
    assert _titles(client, "kuntoutus", board="first") == []
    assert _titles(client, "kuntoutus", board="second") == ["Moving"]
    page = client.get("/search", query_string={"q": "kuntoutus", "board": "second"}).text
    assert "2 matching messages" in page


def test_tag_filter_follows_a_thread_retagged_and_tags_merged(client, make):
    from forum.tags import actions as tag_actions

    admin = make.user(role="admin")
    nuoret, tyokokeilu, palkkatuki = (
        db.session.scalar(select(Tag).where(Tag.slug == slug))
        for slug in ("nuoret", "tyokokeilu", "palkkatuki")
    )
    thread = make.thread(title="Retagged", body="kuntoutus", language="fi", tags=[nuoret])
    make.reply(make.opening_post(thread), body="Kuntoutus jatkuu.", language="fi")
    make.thread(title="Untagged", body="kuntoutus", language="fi")
    assert _titles(client, "kuntoutus", tag="nuoret") == ["Retagged"]

    tag_actions.set_thread_tags(thread, [tyokokeilu], by=admin)
    assert _titles(client, "kuntoutus", tag="nuoret") == []
    assert _titles(client, "kuntoutus", tag="tyokokeilu") == ["Retagged"]
    page = client.get("/search", query_string={"q": "kuntoutus", "tag": "tyokokeilu"}).text
    assert "2 matching messages" in page

    tag_actions.merge_tag(tyokokeilu, palkkatuki, by=admin, reason="One practice")
    assert _titles(client, "kuntoutus", tag="palkkatuki") == ["Retagged"]
    assert _titles(client, "kuntoutus", tag="tyokokeilu") == []
    assert _titles(client, "kuntoutus", tag="no-such-tag") == []


def test_rebuild_command_restores_a_lost_index(app, client, make):
    from sqlalchemy import text

    make.thread(title="Rebuilt", body="kuntoutus")
    table = "search_index" if db.engine.dialect.name == "sqlite" else "search_document"
    db.session.execute(text(f"DELETE FROM {table}"))  # noqa: S608 - a constant name
    db.session.commit()
    assert _titles(client, "kuntoutus") == []
    if db.engine.dialect.name == "sqlite":
        db.session.execute(text("DELETE FROM search_term"))
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["search-rebuild"])
    assert result.exit_code == 0 and "1 posts indexed" in result.output
    assert _titles(client, "kuntoutus") == ["Rebuilt"]
    if db.engine.dialect.name == "sqlite":
        assert db.session.scalar(text("SELECT count(*) FROM search_term WHERE term = 'rebuilt'"))


@pytest.mark.parametrize("most_terms", [32, 2])
def test_a_word_no_dictionary_knows_finds_the_terms_it_begins(
    client, make, monkeypatch, most_terms
):
    """SQLite names the terms of a prefix that begins few of them and keeps the prefix for one
    that begins many: the same posts either way."""
    from forum.search import query

    monkeypatch.setattr(query, "MOST_TERMS_A_PREFIX", most_terms)
    for word in ("koordinaattori", "koordinaattorin", "koordinaatio"):
        make.thread(title=f"About {word}", body=f"Tänään {word} puheeksi.", language="fi")
    make.thread(title="Unrelated", body="Koordinoitu työ.", language="fi")
    assert sorted(_titles(client, "koordinaat")) == [
        "About koordinaatio", "About koordinaattori", "About koordinaattorin",
    ]  # fmt: skip
    found = sorted(_titles(client, "koordinaattori"))
    assert found == ["About koordinaattori", "About koordinaattorin"]


def test_compound_parts_find_the_whole_and_its_own_parts_nothing_else(client, make):
    for word in ("kuntoutusohjaaja", "kuntoutusraha", "kuntoutussuunnitelma", "kuntoutus"):
        make.thread(title=f"About {word}", body=f"Tänään {word} puheeksi.", language="fi")
    make.thread(title="Unrelated", body="Kuntouttava työtoiminta.", language="fi")
    assert sorted(_titles(client, "kuntoutus")) == [
        "About kuntoutus", "About kuntoutusohjaaja", "About kuntoutusraha",
        "About kuntoutussuunnitelma",
    ]  # fmt: skip
    assert _titles(client, "suunnitelma") == ["About kuntoutussuunnitelma"]
    assert _titles(client, "kuntoutussuunnitelma") == ["About kuntoutussuunnitelma"]
    assert _titles(client, "kuntoutuskurssi") == []


def test_words_joined_by_an_underscore_are_found_by_each_part(client, make):
    make.thread(title="Joined", body="Katso tiedosto hanke_raportti.", language="fi")
    assert _titles(client, "raportti") == ["Joined"]
    assert _titles(client, "hanke") == ["Joined"]


def test_match_names_the_terms_of_few_and_keeps_the_prefix_of_many_or_none():
    from forum.search.query import _fts5_query
    from forum.search.syntax import Phrase, Query, Word

    indexed = {"koordinaat": ["koordinaatio", "koordinaattori"], "kuntou": None, "arbe": []}
    query = Query(
        (
            (Word(frozenset({"koordinaat"}), "koordinaat"),),
            (Word(frozenset({"kuntou"}), "kuntou"), Word(frozenset({"arbe"}), "arbe")),
            (Phrase(("työkyvyn", "tuki")),),
        ),
        (Word(frozenset({"työkyky", "työkyvyn"})),),
    )
    assert _fts5_query(query, indexed) == (
        '(({title body} : ("koordinaat" OR "koordinaatio" OR "koordinaattori"))'
        ' AND ({title body} : ("kuntou" OR "kuntou"*) OR {title body} : ("arbe"))'
        ' AND ((words : "tyokyvyn tuki" AND {title body} : "työkyvyn")))'
        ' NOT {title body} : ("työkyky" OR "työkyvyn")'
    )


def test_search_queries_stay_constant(client, make, count_queries):
    for number in range(30):
        make.thread(title=f"Thread {number}", body="kuntoutus ja työkyky")
    with count_queries() as few:
        client.get("/search", query_string={"q": "kuntoutus"})
    for number in range(30):
        make.thread(title=f"More {number}", body="kuntoutus ja työkyky")
    with count_queries() as many:
        client.get("/search", query_string={"q": "kuntoutus"})
    assert many.count == few.count


@pytest.mark.parametrize("query", ['"', "a:b", "työ-kyky", "NOT AND OR", "'; DROP", "* ^ NEAR(x)"])
def test_odd_queries_never_break_the_page(client, make, query):
    make.thread(title="Anything", body="työkyky kuntoutus")
    assert client.get("/search", query_string={"q": query}).status_code == 200


def test_snippet_marks_whole_words_in_its_window_and_escapes_the_rest():
    from forum.search.query import snippet

    text = ("alku " * 40) + "<b>Työkokeilu</b> ja työkyky, sitten työkokeilun " + ("loppu " * 60)
    shown = str(snippet(text, "työkokeilu", "fi"))
    assert shown.startswith("…") and shown.endswith("…")
    assert "&lt;b&gt;<mark>Työkokeilu</mark>&lt;/b&gt;" in shown
    assert "<mark>työkokeilun</mark>" in shown and "työkyky" in shown
    assert "<mark>työkyky</mark>" not in shown
    assert str(snippet("ei osumia tässä", "työkokeilu", "fi")) == "ei osumia tässä"


def test_a_pages_snippets_judge_each_word_in_its_own_posts_language():
    from forum.search.query import Snippets, parse

    # One page's snippets remember their verdicts: a word marked in a Swedish post is judged
    # again in a Finnish one, where no dictionary takes it to the word searched for.
    snippets = Snippets(parse("arbetsprövning"))
    text = "Arbetsprövningen gick bra"
    assert str(snippets(text, "sv")) == "<mark>Arbetsprövningen</mark> gick bra"
    assert str(snippets(text, "fi")) == text
    assert str(snippets(text, "sv")) == "<mark>Arbetsprövningen</mark> gick bra"
    # A match past the window that the first one opens is not looked for.
    far = "työkokeilu " + "sana " * 60 + "työkokeilu"
    assert str(Snippets(parse("työkokeilu"))(far, "fi")).count("<mark>") == 1


def test_the_region_filter_takes_a_regions_slug_as_well_as_its_id(client, make):
    north, south = make.region(), make.region()
    for region, title in ((north, "North kuntoutus"), (south, "South kuntoutus")):
        board = make.board(region=region, visibility="public")
        make.thread(board, title=title, body="kuntoutus", author=make.user(region=region))
    for region in (north.id, north.slug):
        assert _titles(client, "kuntoutus", region=region) == ["North kuntoutus"], region


def test_postgresql_plans_a_search_for_its_parameters_on_one_core(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's plan cache")
    from forum.policy.filters import SIGNED_OUT
    from forum.search.query import Filters, search

    def settings() -> tuple[str, str]:
        return (
            db.session.execute(text("SHOW plan_cache_mode")).scalar(),
            db.session.execute(text("SHOW max_parallel_workers_per_gather")).scalar(),
        )

    # A generic plan, made once for any parameters, read every match of a search; parallel
    # workers cost a search more to start than they saved. The other pages keep the plans
    # psycopg prepares for them, and the server's own parallel setting.
    default = settings()
    assert default[0] == "auto"
    prepared = search(db.session, SIGNED_OUT, "kuntoutus", Filters(), locale="fi")
    assert settings() == ("force_custom_plan", "0")
    db.session.execute(prepared.page, {**prepared.parameters, "offset": 0, "limit": 20}).all()
    db.session.rollback()
    assert settings() == default
