"""Words to index terms: lemmas, compound parts and spellings without diacritics.

Finnish defeats a stemmer (työkyky / työkyvyn, palkkatuki / palkkatuen), so a word is reduced to
its lemma by the dictionary of the language its post is written in (forum.search.lexicon), and
only when that dictionary knows the word. Finnish and Swedish compounds are split into the
dictionary's words, so that any part finds the whole: "työhönvalmentajalle" is indexed by
"valmentaja" and "työ", and by its own lemma "työhönvalmentaja", which no dictionary lists. Every
term is indexed without its diacritics as well, so that "tyokyky" typed on a keyboard without ä
and ö finds "työkyky"; a query word with diacritics keeps them, and finds only what has them.

A query's language is unknown, so each of its words stands for its lemma in each language that
knows the word (query_terms).
"""

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import NamedTuple

from forum.config import SUPPORTED_LOCALES
from forum.search.lexicon import fold, lexicon

# Letters and digits: the characters SQLite's unicode61 tokenizer keeps in a token (an underscore
# splits a word there), so each term is one token of the index.
_WORD = re.compile(r"[^\W_]+")
# Shorter words than this are not worth indexing or looking up.
MIN_LENGTH = 2
# A compound's parts are at least this long ("työ", "osa"), so that a word is not cut into
# endings and syllables; words shorter than two parts and a letter are never split.
MIN_PART = 3
# Languages that write compounds as one word.
COMPOUNDING = ("fi", "sv")


def words(text: str) -> list[str]:
    return [word for word in _WORD.findall(text.lower()) if len(word) >= MIN_LENGTH]


def known_lemma(word: str, language: str) -> str | None:
    """The dictionary's lemma of a lower-case word, or None where the language does not know it.

    A known word whose listed lemma begins with another letter, or, for a word of three letters
    or fewer, not with its first two, stands for itself: the dictionaries list a few forms under
    unrelated words (simplemma's Finnish gives "työ" as a form of "sinä", its English expands
    "se" into "southeast"), and a short word is the easiest to lead astray.
    """
    found = lexicon(language).lemma(word)
    if found is None:
        return None
    if found[:1] != word[:1] or (len(word) <= 3 and found[:2] != word[:2]):
        return word
    return found


def _is_part(part: str, language: str, *, last: bool) -> bool:
    """Whether a piece of a compound is a known word that can stand where it stands: a Finnish
    compound's leading parts are lemmas or end in -n (genitive "työkyvyn-", illative "työhön-"),
    which keeps a word's syllables from reading as words of their own."""
    if len(part) < MIN_PART:
        return False
    found = known_lemma(part, language)
    if found is None:
        return False
    return last or language != "fi" or found == part or part.endswith("n")


def _compound_lemma(parts: tuple[str, ...], language: str) -> str | None:
    """A compound's lemma: its leading parts as written and its last one's lemma."""
    head = known_lemma(parts[-1], language)
    return "".join(parts[:-1]) + head if head else None


@lru_cache(maxsize=20_000)
def compound_parts(word: str, language: str) -> tuple[str, ...]:
    """The dictionary words a compound is made of; () for a word that is not a compound of
    known words.

    A word the dictionary knows is split in two only where the parts give back its own lemma
    ("työkyvyn" is "työ" and "kyvyn", lemma "työkyky"), which keeps known words whole that
    happen to end in another word ("ammatillisen" is not "ammatilli" and "sen"); deeper parts
    come from splitting the parts. A word it does not know is split into the fewest known words,
    the most even among as few.
    """
    if language not in COMPOUNDING or len(word) < 2 * MIN_PART + 1:
        return ()
    whole = known_lemma(word, language)
    if whole is not None:
        # A known word's last part is a word of four letters or more, so that a base form ending
        # in a short word keeps it ("asiakas" is not "asia" and "kas").
        shortest_last = MIN_PART if whole != word else MIN_PART + 1
        splits = [
            (word[:cut], word[cut:])
            for cut in range(MIN_PART, len(word) - shortest_last + 1)
            if _is_part(word[:cut], language, last=False)
            and _is_part(word[cut:], language, last=True)
            and _compound_lemma((word[:cut], word[cut:]), language) == whole
        ]
        return max(splits, key=lambda parts: min(map(len, parts)), default=())
    # best[i]: the best split of word[i:] into known words, as (parts, -shortest part, parts).
    best: dict[int, tuple[int, int, tuple[str, ...]]] = {len(word): (0, 0, ())}
    for start in range(len(word) - MIN_PART, -1, -1):
        options = []
        for end in range(start + MIN_PART, len(word) + 1):
            rest = best.get(end)
            part = word[start:end]
            if (
                rest is None
                or (start == 0 and end == len(word))
                or not _is_part(part, language, last=end == len(word))
            ):
                continue
            shortest = min(len(part), -rest[1]) if rest[2] else len(part)
            options.append((rest[0] + 1, -shortest, (part, *rest[2])))
        if options:
            best[start] = min(options)
    return best[0][2] if 0 in best else ()


@lru_cache(maxsize=100_000)
def word_terms(word: str, language: str) -> tuple[str, ...]:
    """A lower-case word's index terms in a text written in `language`."""
    terms = {word: None}
    found = known_lemma(word, language)
    if found:
        terms[found] = None
    parts = compound_parts(word, language)
    if parts:
        if not found:
            terms[_compound_lemma(parts, language)] = None
        for part in parts:
            terms.update(dict.fromkeys(word_terms(part, language)))
    for term in list(terms):
        terms[fold(term)] = None
    return tuple(terms)


def document_terms(text: str, language: str) -> str:
    """The index terms of a text written in `language`, space-separated."""
    terms: dict[str, None] = {}
    for word in words(text):
        terms.update(dict.fromkeys(word_terms(word, language)))
    return " ".join(terms)


class Document(NamedTuple):
    """What the index holds of a post: its thread's title's terms (opening posts only), its
    text's terms, its words as written, in order and without diacritics, for phrases, and its
    facets: the language, author, board and tags a search may be filtered by (facet())."""

    title: str
    body: str
    words: str
    facets: str


def facet(kind: str, value) -> str:
    """One facet's token: "lsv" for the language sv, "a42" for author 42, "b3" for board 3, "t7"
    for tag 7."""
    return f"{kind}{value}"


def document(
    title: str | None,
    body: str,
    language: str,
    *,
    author_id: int,
    board_id: int,
    tag_ids: Iterable[int] = (),
) -> Document:
    facets = [facet("l", language), facet("a", author_id), facet("b", board_id)]
    return Document(
        document_terms(title, language) if title else "",
        document_terms(body, language),
        " ".join(fold(word) for word in words(f"{title}\n{body}" if title else body)),
        " ".join(facets + [facet("t", tag) for tag in sorted(tag_ids)]),
    )


@lru_cache(maxsize=10_000)
def query_terms(word: str) -> frozenset[str]:
    """The terms a lower-case query word finds: itself and its lemma in each language that
    knows it (or, for a compound no dictionary lists, the compound's lemma), without diacritics
    where the word has none."""
    terms = {word}
    for language in SUPPORTED_LOCALES:
        found = known_lemma(word, language)
        if found is None:
            parts = compound_parts(word, language)
            found = _compound_lemma(parts, language) if parts else None
        if found:
            terms.add(found)
    if fold(word) == word:
        terms = {fold(term) for term in terms}
    return frozenset(terms)


def is_known(word: str) -> bool:
    """Whether any language's dictionary knows the word (a word none knows may be the beginning
    of a longer one, and is looked for as a prefix)."""
    return any(known_lemma(word, language) for language in SUPPORTED_LOCALES) or any(
        compound_parts(word, language) for language in COMPOUNDING
    )


def load_dictionaries() -> None:
    """Map every language's dictionary now rather than on its first word (gunicorn.conf.py)."""
    for language in SUPPORTED_LOCALES:
        lexicon(language)
