"""Recall and precision of search on the pair set (tests/search_pairs.py), on both databases."""

import re

from tests.search_pairs import KNOWN_FALSE_MATCHES, PAIRS, Pair


def _found_titles(client, query: str) -> set[str]:
    page = client.get("/search", query_string={"q": query}).text
    return set(re.findall(r'class="search-results__title"><a [^>]*>([^<]*)</a>', page))


def test_the_pair_set_finds_what_it_should_and_nothing_else(client, make, capsys):
    assert len(PAIRS) >= 60
    for number, pair in enumerate(PAIRS):
        make.thread(title=f"Pair {number}", body=pair.text, language=pair.language)
    results = [
        (pair, f"Pair {number}" in _found_titles(client, pair.query))
        for number, pair in enumerate(PAIRS)
    ]
    true_positives = sum(1 for pair, found in results if found and pair.found)
    false_positives = [pair for pair, found in results if found and not pair.found]
    missed = [pair for pair, found in results if pair.found and not found]
    recall = true_positives / sum(1 for pair in PAIRS if pair.found)
    precision = true_positives / (true_positives + len(false_positives))
    with capsys.disabled():
        print(f"\nsearch pairs: {len(PAIRS)}, recall {recall:.3f}, precision {precision:.3f}")
        for pair in missed + false_positives:
            print(f"  {'missed' if pair.found else 'false match'}: {pair.query!r} / {pair.text!r}")
    assert missed == []
    assert false_positives == [Pair(*pair, False) for pair in KNOWN_FALSE_MATCHES]
