"""A query as people type it into web search: words, "quoted phrases", OR, -excluded.

Words side by side must all be found; OR between two makes either do; a minus before a word or a
phrase leaves out what has it. Nothing here is an error: an unmatched quote is dropped, a lone
minus or OR is ignored, and a query that only excludes is searched for as plain words.
"""

import re
from dataclasses import dataclass

from forum.search.lexicon import fold
from forum.search.text import is_known, query_terms, words

# A word no dictionary knows, this long or longer, also finds the terms it begins: a name or a
# word cut short ("koordinaat").
MIN_PREFIX = 4
_TOKEN = re.compile(r'(-?)"([^"]*)"|(\S+)')


@dataclass(frozen=True)
class Word:
    """Found by any of its terms, or by a term that begins with its prefix."""

    terms: frozenset[str]
    prefix: str | None = None


@dataclass(frozen=True)
class Phrase:
    """Its words in this order, each as written (diacritics only where typed)."""

    words: tuple[str, ...]

    @property
    def folded(self) -> tuple[str, ...]:
        return tuple(fold(word) for word in self.words)


Item = Word | Phrase


@dataclass(frozen=True)
class Query:
    """Every clause must be found, by any one of its items; no excluded item may be."""

    clauses: tuple[tuple[Item, ...], ...]
    excluded: tuple[Item, ...] = ()

    def items(self):
        return [item for clause in self.clauses for item in clause]


def word(text: str) -> Word:
    prefix = None if len(text) < MIN_PREFIX or is_known(text) else text
    return Word(query_terms(text), prefix)


def _items(quoted: str | None, plain: str | None) -> list[Item]:
    if quoted is not None:
        found = words(quoted)
        return [Phrase(tuple(found))] if found else []
    return [word(text) for text in words(plain or "")]


def parse(text: str) -> Query | None:
    """The query in `text`, or None when it has no word to look for."""
    if text.count('"') % 2:
        last = text.rindex('"')
        text = text[:last] + " " + text[last + 1 :]
    clauses: list[list[Item]] = []
    excluded: list[Item] = []
    joined = False
    for match in _TOKEN.finditer(text):
        minus, quoted, plain = match.groups()
        if plain == "OR":
            joined = bool(clauses)
            continue
        if plain is not None and plain.startswith("-") and len(plain) > 1:
            excluded += _items(None, plain[1:])
            joined = False
            continue
        items = _items(quoted, plain)
        if minus:
            excluded += items
        elif items:
            if joined:
                clauses[-1].append(items.pop(0))
            clauses += [[item] for item in items]
        joined = False
    if not clauses:
        clauses, excluded = [[item] for item in excluded], []
    if not clauses:
        return None
    return Query(tuple(tuple(dict.fromkeys(clause)) for clause in clauses), tuple(excluded))
