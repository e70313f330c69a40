"""The words each language knows, with their lemmas: simplemma's dictionaries as mapped tries.

simplemma holds a language's dictionary as a Python dict: Finnish alone made a process 418 MB
larger and took seconds to load, in every worker. The same forms and lemmas in a marisa trie are
18 MB on disk, mapped into memory and so shared through the page cache by every process on the
host, and open in a millisecond. The tries are built from simplemma's data the first time any
process needs them (one builds under a file lock while the others wait) into a directory named
after simplemma's version, so that an upgrade builds them again.

Only what the dictionary knows is answered: simplemma's own lemmatize() guesses a lemma for an
unknown word by its ending, and those guesses made unrelated words meet ("työ" found "sinä").
"""

import fcntl
import os
import re
import unicodedata
from functools import cache
from pathlib import Path

import marisa_trie
import simplemma
from simplemma.strategies.dictionaries.dictionary_factory import DefaultDictionaryFactory

from forum.config import PROJECT_ROOT, SUPPORTED_LOCALES

# Changed whenever what build() writes changes, so that every host builds the new tries.
FORMAT = 1
# Letters and digits only: what the index keeps as one term (forum.search.text).
_PLAIN_WORD = re.compile(r"[^\W_]+")


def fold(word: str) -> str:
    """The word without its diacritics: "työkyky" as typed on a keyboard without ä and ö."""
    decomposed = unicodedata.normalize("NFD", word)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def directory() -> Path:
    base = os.environ.get("FORUM_LEXICON_DIR") or PROJECT_ROOT / "instance" / "lexicon"
    return Path(base) / f"simplemma-{simplemma.__version__}-{FORMAT}"


def _entries(language: str) -> dict[str, str]:
    """Lower-case form to lower-case lemma; a form's own lower-case entry wins over a capitalised
    one's, and a form without diacritics (fi and sv) stands for the form it folds from when no
    real form is spelt so."""
    entries: dict[str, str] = {}
    capitalised: dict[str, str] = {}
    for form, found in DefaultDictionaryFactory().get_dictionary(language).items():
        lowered = form.lower()
        if not _PLAIN_WORD.fullmatch(lowered):
            continue
        lemma = found.lower() if _PLAIN_WORD.fullmatch(found.lower()) else lowered
        (entries if form == lowered else capitalised).setdefault(lowered, lemma)
    for form, lemma in capitalised.items():
        entries.setdefault(form, lemma)
    if language != "en":
        for form, lemma in list(entries.items()):
            entries.setdefault(fold(form), lemma)
    return entries


def build(target: Path) -> None:
    """Write every language's trie into target (each file whole, by a rename)."""
    target.mkdir(parents=True, exist_ok=True)
    for language in SUPPORTED_LOCALES:
        trie = marisa_trie.BytesTrie(
            (form, lemma.encode()) for form, lemma in _entries(language).items()
        )
        partial = target / f"{language}.marisa.partial"
        trie.save(str(partial))
        os.replace(partial, target / f"{language}.marisa")


def ensure_built() -> Path:
    target = directory()
    if all((target / f"{language}.marisa").exists() for language in SUPPORTED_LOCALES):
        return target
    target.mkdir(parents=True, exist_ok=True)
    with open(target / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not all((target / f"{language}.marisa").exists() for language in SUPPORTED_LOCALES):
            build(target)
    return target


class Lexicon:
    def __init__(self, trie: marisa_trie.BytesTrie):
        self._trie = trie

    def lemma(self, word: str) -> str | None:
        """The lemma of a lower-case word, or None for a word this language does not know."""
        found = self._trie.get(word)
        return found[0].decode() if found else None


@cache
def lexicon(language: str) -> Lexicon:
    trie = marisa_trie.BytesTrie()
    trie.mmap(str(ensure_built() / f"{language}.marisa"))
    return Lexicon(trie)


if __name__ == "__main__":
    print(ensure_built())
