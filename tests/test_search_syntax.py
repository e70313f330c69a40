"""Search as people type it into web search: phrases, OR, exclusions, typing without diacritics;
results ranked by relevance, one entry a thread; both databases."""

import re

import pytest

from forum.search.syntax import Phrase, Word, parse


def _titles(client, query: str, **args) -> list[str]:
    page = client.get("/search", query_string={"q": query, **args}).text
    return re.findall(r'class="search-results__title"><a [^>]*>([^<]*)</a>', page)


def test_a_quoted_phrase_needs_its_words_in_order(client, make):
    make.thread(title="In order", body="Haimme työkyvyn tukea ajoissa.", language="fi")
    make.thread(title="Apart", body="Tukea saatiin, ja työkyvyn arvio tehtiin.", language="fi")
    assert _titles(client, '"työkyvyn tukea"') == ["In order"]
    assert _titles(client, '"tyokyvyn tukea"') == ["In order"]
    assert sorted(_titles(client, "työkyvyn tukea")) == ["Apart", "In order"]
    assert _titles(client, '"tukea työkyvyn"') == []


def test_a_phrase_typed_with_diacritics_keeps_them(client, make):
    make.thread(title="Typed without", body="Tyon tuki oli hyva.", language="fi")
    make.thread(title="Typed with", body="Työn tuki oli hyvä.", language="fi")
    assert _titles(client, '"työn tuki"') == ["Typed with"]
    assert sorted(_titles(client, '"tyon tuki"')) == ["Typed with", "Typed without"]


def test_or_finds_either_and_words_side_by_side_find_both(client, make):
    make.thread(title="Wage", body="Palkkatuki haettiin.", language="fi")
    make.thread(title="Try-out", body="Työkokeilu alkoi.", language="fi")
    make.thread(title="Both", body="Palkkatuki ja työkokeilu yhdessä.", language="fi")
    assert sorted(_titles(client, "palkkatuki OR työkokeilu")) == ["Both", "Try-out", "Wage"]
    assert _titles(client, "palkkatuki työkokeilu") == ["Both"]
    # Lower-case "or" is a word like any other, which no post here has.
    assert _titles(client, "palkkatuki or työkokeilu") == []


def test_a_minus_leaves_out_what_has_the_word_or_phrase(client, make):
    make.thread(title="Money", body="Kuntoutusrahaa haettiin.", language="fi")
    make.thread(title="Plan", body="Kuntoutus eteni suunnitelman mukaan.", language="fi")
    assert _titles(client, "kuntoutus -raha") == ["Plan"]
    assert _titles(client, 'kuntoutus -"suunnitelman mukaan"') == ["Money"]


@pytest.mark.parametrize(
    "query", ['"', "-", "OR", '"työkyky', "työkyky -", "-työkyky", "OR työkyky OR"]
)
def test_bad_syntax_gets_a_plain_search(client, make, query):
    make.thread(title="Plain", body="Työkyky parani.", language="fi")
    response = client.get("/search", query_string={"q": query})
    assert response.status_code == 200
    expected = ["Plain"] if "työkyky" in query else []
    assert _titles(client, query) == expected


def test_the_parser_reads_what_web_search_reads():
    query = parse('palkkatuki OR "työkyvyn tuki" -raha kuntoutus')
    assert query.clauses[0][0] == Word(frozenset({"palkkatuki"}))
    assert query.clauses[0][1] == Phrase(("työkyvyn", "tuki"))
    assert len(query.clauses) == 2 and len(query.excluded) == 1
    assert parse('"') is None and parse("-") is None and parse("OR") is None
    assert parse("-työ").clauses == parse("työ").clauses
    assert parse("koordinaat").clauses[0][0].prefix == "koordinaat"
    assert parse("työ").clauses[0][0].prefix is None


def test_a_thread_about_the_word_comes_before_passing_mentions(client, make):
    make.thread(title="Palkkatuki", body="Palkkatuki: miten palkkatukea haetaan?", language="fi")
    make.thread(
        title="Kahvitauko", body="Puhuimme lomista ja sivumennen palkkatuesta.", language="fi"
    )
    make.thread(title="Kokous", body="Esityslistalla oli paljon, myös palkkatuki.", language="fi")
    assert _titles(client, "palkkatuki")[0] == "Palkkatuki"
    assert _titles(client, "palkkatuki", order="newest") == ["Kokous", "Kahvitauko", "Palkkatuki"]


def test_a_filtered_search_is_ranked_as_well(client, make):
    # PostgreSQL's score of a query that named a filter's facet was 0 for every post.
    board = make.board(slug="ranked")
    author = make.user()
    make.thread(board, title="Palkkatuki", body="Palkkatuki: miten palkkatukea haetaan?",
                language="fi", author=author)  # fmt: skip
    make.thread(board, title="Kokous", body="Esityslistalla oli paljon, myös palkkatuki.",
                language="fi", author=author)  # fmt: skip
    for filters in ({"board": "ranked"}, {"language": "fi"}, {"author": author.id}):
        assert _titles(client, "palkkatuki", **filters) == ["Palkkatuki", "Kokous"], filters
        assert _titles(client, "palkkatuki -lomat", **filters) == ["Palkkatuki", "Kokous"]


def test_one_entry_a_thread_with_its_best_posts_beneath(client, make):
    thread = make.thread(title="Long one", body="Työkokeilu alkaa.", language="fi")
    opening = make.opening_post(thread)
    for number in range(5):
        make.reply(opening, body=f"Työkokeilu jatkuu, viikko {number}.", language="fi")
    make.thread(title="Short one", body="Työkokeilu päättyi.", language="fi")
    page = client.get("/search", query_string={"q": "työkokeilu"}).text
    assert sorted(_titles(client, "työkokeilu")) == ["Long one", "Short one"]
    assert "6 matching messages" in page and "1 matching message" in page
    entry = page[page.index("Long one") : page.index("</ol>")].split("</ul>")[0]
    assert entry.count("<mark>") == 3
    assert "2 threads found" in page


def test_the_count_is_of_threads(client, make):
    for number in range(3):
        thread = make.thread(title=f"Counted {number}", body="Työkokeilu.", language="fi")
        make.reply(make.opening_post(thread), body="Työkokeilu taas.", language="fi")
    assert "3 threads found" in client.get("/search", query_string={"q": "työkokeilu"}).text


@pytest.fixture
def few_candidates(monkeypatch):
    from forum.search import query

    monkeypatch.setattr(query, "CANDIDATES", 3)
    query._statements.cache_clear()
    yield
    query._statements.cache_clear()


def test_a_word_in_very_many_posts_is_ranked_among_its_newest_matches(client, make, few_candidates):
    for number in range(5):
        make.thread(title=f"Many {number}", body="Työkokeilu jatkuu.", language="fi")
    page = client.get("/search", query_string={"q": "työkokeilu"}).text
    assert "3 threads found" in page and "the newest 3 matching messages" in page
    assert sorted(_titles(client, "työkokeilu")) == ["Many 2", "Many 3", "Many 4"]
    narrowed = client.get("/search", query_string={"q": "työkokeilu", "until": "2000-01-01"}).text
    assert "newest 3 matching" not in narrowed


def test_a_page_past_the_last_is_not_found(client, make):
    make.thread(title="Only", body="Työkokeilu.", language="fi")
    assert client.get("/search", query_string={"q": "työkokeilu", "page": 2}).status_code == 404
    assert client.get("/search", query_string={"q": "työkokeilu", "page": 0}).status_code == 404
    assert client.get("/search", query_string={"q": "lomautus", "page": 1}).status_code == 200
