"""Python function calls per request for each benchmark page: a measure of work that, unlike
time, does not change with what else the machine is doing. Use it to compare two versions of
the code on the same data set; bench.load gives the real throughput.

    python -m bench.calls sqlite:////abs/forum.sqlite3 [--signed-in]
"""

import argparse
import cProfile
import pstats
import sys


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database")
    parser.add_argument("--signed-in", action="store_true")
    args = parser.parse_args(argv)

    from bench.load import find_ids, in_process_client, pages

    ids = find_ids(args.database)
    _app, client = in_process_client(args.database, signed_in=args.signed_in)
    for name, path, expected in pages(ids):
        for _ in range(3):
            response = client.get(path)
        assert response.status_code == 200 and expected in response.text, path
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(10):
            client.get(path)
        profiler.disable()
        calls = pstats.Stats(profiler).total_calls / 10
        print(f"{name:30} {calls:9,.0f} calls")
    return 0


if __name__ == "__main__":
    sys.exit(main())
