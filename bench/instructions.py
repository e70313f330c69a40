"""Instructions a request for each benchmark page, counted by valgrind's callgrind: unlike time,
the same for the same code and data whatever else the machine does, so two commits can be
compared on a machine whose speed drifts.

    python -m bench.instructions sqlite:////abs/forum.sqlite3 [--signed-in] [--rate-limits]
        [--page NAME ...]

FORUM_SPEEDUPS (forum/speedups) chooses the speed-ups measured; --rate-limits switches the
forum's rate limits on, counted in process, as production counts them in Redis.

Runs itself under callgrind (apt-get install valgrind): each page is requested ten times to warm
up, the counters are zeroed, and the next ten requests are counted. About a minute to start and
half a minute a page; search's first requests load the lemmatizer dictionaries, several minutes.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

REQUESTS = 10


def _measure_inside(database: str, names: list[str], signed_in: bool, rate_limits: bool) -> None:
    from bench.load import find_ids, in_process_client, pages

    ids = find_ids(database)
    _app, client = in_process_client(database, signed_in=signed_in, rate_limits=rate_limits)
    for number, (name, path, expected) in enumerate(pages(ids, signed_in)):
        if names and name not in names:
            continue
        for _ in range(REQUESTS):
            response = client.get(path)
        assert response.status_code == 200 and expected in response.text, path
        pid = str(os.getpid())
        subprocess.run(["callgrind_control", "--zero", pid], check=True, capture_output=True)
        for _ in range(REQUESTS):
            client.get(path)
        # The dump is named by the page's number: callgrind_control read a name such as
        # "5-post thread" as options and process names.
        dump = f"--dump=page{number}"
        subprocess.run(["callgrind_control", dump, pid], check=True, capture_output=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database")
    parser.add_argument("--signed-in", action="store_true")
    parser.add_argument("--rate-limits", action="store_true")
    parser.add_argument("--page", action="append", dest="names", default=[], metavar="NAME")
    parser.add_argument("--inside", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.inside:
        _measure_inside(args.database, args.names, args.signed_in, args.rate_limits)
        return 0

    from bench.load import find_ids, pages

    names = [name for name, _path, _text in pages(find_ids(args.database), args.signed_in)]
    with tempfile.TemporaryDirectory() as folder:
        command = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={folder}/cg.%p",
                   sys.executable, "-m", "bench.instructions", "--inside", args.database,
                   *(["--signed-in"] if args.signed_in else []),
                   *(["--rate-limits"] if args.rate_limits else []),
                   *(arg for name in args.names for arg in ("--page", name))]  # fmt: skip
        subprocess.run(command, check=True, capture_output=True)
        for dump in sorted(Path(folder).glob("cg.*.*"), key=lambda p: int(p.suffix[1:])):
            text = dump.read_text(errors="replace")
            page = re.search(r"^desc: Trigger: .*page(\d+)", text, re.M)
            total = re.search(r"^summary: (\d+)", text, re.M)
            if page and total:
                name = names[int(page.group(1))]
                print(f"{name:30} {int(total.group(1)) / REQUESTS / 1e6:7.2f} M instructions")
    return 0


if __name__ == "__main__":
    sys.exit(main())
