"""The Finnish pairs of tests/search_pairs.py through Voikko instead of the forum's dictionaries:
the measure by which the forum's compound splitter was chosen (bench/README.md, "Search").

    apt-get install libvoikko1 voikko-fi && pip install libvoikko  # not the forum's dependencies
    python -m bench.compare_voikko

Voikko's analysis stands where the forum's tries and splitter stand: a word's terms are itself,
its base forms and the bases of its compound parts, each also without diacritics.
"""

import re
import resource
import sys
import time

import libvoikko

from forum.search.lexicon import fold
from forum.search.text import words
from tests.search_pairs import PAIRS


def main() -> int:
    started = time.perf_counter()
    voikko = libvoikko.Voikko("fi")
    opened = time.perf_counter() - started

    def terms(word: str) -> set[str]:
        found = {word}
        for analysis in voikko.analyze(word):
            found.add(analysis.get("BASEFORM", word).lower())
            for base in re.findall(r"\(([^)]*)\)", analysis.get("WORDBASES", "")):
                if len(base) >= 3 and not base.startswith("+"):
                    found.add(base.lower())
        return found | {fold(term) for term in found}

    def query_terms(query: str) -> set[str]:
        found = {query} | {a["BASEFORM"].lower() for a in voikko.analyze(query) if "BASEFORM" in a}
        return found if fold(query) != query else {fold(term) for term in found}

    finnish = [pair for pair in PAIRS if pair.language == "fi"]
    found = [any(query_terms(p.query) & terms(w) for w in words(p.text)) for p in finnish]
    true = sum(1 for pair, hit in zip(finnish, found, strict=True) if hit and pair.found)
    false = sum(1 for pair, hit in zip(finnish, found, strict=True) if hit and not pair.found)
    missed = [pair for pair, hit in zip(finnish, found, strict=True) if pair.found and not hit]
    memory = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(f"Voikko, {len(finnish)} Finnish pairs: recall {true / (true + len(missed)):.3f}, "
          f"precision {true / (true + false):.3f}; opened in {opened * 1000:.0f} ms; "
          f"peak memory of this process {memory} MB")  # fmt: skip
    for pair in missed:
        print(f"  missed: {pair.query!r} / {pair.text!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
