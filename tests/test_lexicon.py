"""Search's dictionaries: built once per host into tries that every process maps, and answering
only for the words they know."""

import marisa_trie

from forum.search import lexicon
from forum.search.text import compound_parts, known_lemma, query_terms


def test_the_tries_are_built_once_and_read_through_a_map(tmp_path, monkeypatch):
    built = []

    def entries(language):
        built.append(language)
        return {"työkyvyn": "työkyky", "tyokyvyn": "työkyky"}

    monkeypatch.setenv("FORUM_LEXICON_DIR", str(tmp_path))
    monkeypatch.setattr(lexicon, "_entries", entries)
    target = lexicon.ensure_built()
    assert target.parent == tmp_path and sorted(built) == ["en", "fi", "sv"]
    assert lexicon.ensure_built() == target and len(built) == 3
    assert not list(target.glob("*.partial"))
    trie = marisa_trie.BytesTrie()
    trie.mmap(str(target / "fi.marisa"))
    assert lexicon.Lexicon(trie).lemma("tyokyvyn") == "työkyky"
    assert lexicon.Lexicon(trie).lemma("työ") is None


def test_only_known_words_have_a_lemma_and_never_an_unrelated_one():
    assert known_lemma("työkyvyn", "fi") == "työkyky"
    assert known_lemma("tyokyvyn", "fi") == "työkyky"  # typed without ä and ö
    assert known_lemma("työ", "fi") == "työ"  # simplemma lists it under "sinä"
    assert known_lemma("se", "en") == "se"  # and this under "southeast"
    assert known_lemma("kunde", "fi") is None
    assert "sinä" not in query_terms("työ") and "kunta" not in query_terms("kunde")


def test_compounds_split_into_known_words_and_known_words_stay_whole():
    assert compound_parts("työhönvalmentajalle", "fi") == ("työhön", "valmentajalle")
    assert compound_parts("sjukersättningen", "sv") == ("sjuk", "ersättningen")
    assert compound_parts("asiakas", "fi") == ()
    assert compound_parts("ammatillisen", "fi") == ()
    assert compound_parts("adjustments", "en") == ()
