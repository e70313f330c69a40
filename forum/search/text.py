"""Words to index terms: lemmas per language, so that inflected forms meet.

Finnish defeats a stemmer (työkyky / työkyvyn, palkkatuki / palkkatuen), so words are reduced to
their lemma with simplemma's bundled dictionaries, in the language a post is written in. A query's
language is unknown, so each of its words stands for its lemma in every one of the three.
"""

import re
from functools import lru_cache

import simplemma

from forum.config import SUPPORTED_LOCALES

# Letters and digits: the characters SQLite's unicode61 tokenizer keeps in a token (an underscore
# splits a word there), so each term is one token of the index, as search_term lists them.
_WORD = re.compile(r"[^\W_]+")
# Shorter words than this are not worth indexing or looking up.
MIN_LENGTH = 2


def words(text: str) -> list[str]:
    return [word for word in _WORD.findall(text.lower()) if len(word) >= MIN_LENGTH]


@lru_cache(maxsize=100_000)
def lemma(word: str, language: str) -> str:
    """The word's lemma, or the word itself when the lemma is not one plain word (index and
    query syntax then never meet a quote, colon or space)."""
    found = simplemma.lemmatize(word, lang=language).lower()
    return found if _WORD.fullmatch(found) else word


def document_terms(text: str, language: str) -> str:
    """The index terms of a text written in `language`: each word and its lemma."""
    terms: dict[str, None] = {}
    for word in words(text):
        terms[word] = None
        terms[lemma(word, language)] = None
    return " ".join(terms)


def query_alternatives(query: str) -> list[set[str]]:
    """One set of alternatives a query word: the word and its lemmas in every language."""
    return [
        {word} | {lemma(word, language) for language in SUPPORTED_LOCALES}
        for word in dict.fromkeys(words(query))
    ]


def load_dictionaries() -> None:
    """Load every language's dictionary now rather than on its first word (gunicorn.conf.py)."""
    for language in SUPPORTED_LOCALES:
        simplemma.lemmatize("a", lang=language)
