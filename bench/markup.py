"""Render time of the pathological Markdown corpus (tests/markup_corpus.py), each input at the
length limit: the best of a few renders, processor time, and whether it was rendered or refused
by the render time limit.

    python -m bench.markup [--repeat 5]

The worst time printed last is the number that matters: no input may hold a worker longer than
markup.RENDER_TIME_LIMIT.
"""

import argparse
import time

from forum import markup
from tests.markup_corpus import CORPUS

# A long post as people write them (headings, lists, links, emphasis): the time a real post
# takes, beside the limit.
_ORDINARY = """## Kokemuksia työkykykoordinaattorin työstä

Meillä **alkukartoitus** tehtiin keväällä, ja sen pohjalta asetettiin *kolme tavoitetta*:

1. Työkokeilut osaksi **uudelleensijoitusprosessia**
2. Esihenkilöiden koulutus, ks. https://example.fi/koulutus
3. `Työkykyneuvottelu` -mallin käyttöönotto

- **Mikä toimii:** säännölliset tapaamiset [työterveyshuollon](https://tth.example.fi) kanssa
- **Haasteet:** tiedonkulku, *erityisesti* vuorotyössä
> Kannattaa aloittaa pienestä.

"""


def _measure(source: str, repeat: int) -> tuple[float, float, str]:
    best_cpu = best_wall = float("inf")
    outcome = "rendered"
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            markup.render(source)
        except markup.Unrenderable:
            outcome = "refused"
        best_cpu = min(best_cpu, time.process_time() - cpu)
        best_wall = min(best_wall, time.perf_counter() - wall)
    return best_wall, best_cpu, outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    arguments = parser.parse_args()
    inputs = {"ordinary long post": (_ORDINARY * 40)[:20_000], **CORPUS}
    rows = [(name, *_measure(source, arguments.repeat)) for name, source in inputs.items()]
    print(f"{'input':32} {'chars':>6} {'wall ms':>8} {'cpu ms':>8}  outcome")
    for name, wall, cpu, outcome in rows:
        print(f"{name:32} {len(inputs[name]):6d} {wall * 1000:8.1f} {cpu * 1000:8.1f}  {outcome}")
    worst = max(rows, key=lambda row: row[1])
    print(f"\nworst: {worst[0]}, {worst[1] * 1000:.1f} ms wall "
          f"(limit {markup.RENDER_TIME_LIMIT * 1000:.0f} ms of processor time)")  # fmt: skip


if __name__ == "__main__":
    main()
