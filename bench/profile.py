"""Where one page spends its time: cProfile over many requests through Flask's test client.

    python -m bench.profile sqlite:////abs/forum.sqlite3 "5-post thread" [--signed-in]

Page names are those of bench.load; the data set must be the standard one.
"""

import argparse
import cProfile
import pstats
import sys
import time


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database")
    parser.add_argument("page")
    parser.add_argument("--signed-in", action="store_true")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--sort", default="tottime")
    parser.add_argument("--lines", type=int, default=40)
    args = parser.parse_args(argv)

    from bench.load import find_ids, in_process_client, pages

    ids = find_ids(args.database)
    path = next(path for name, path, _ in pages(ids, args.signed_in) if name == args.page)
    _app, client = in_process_client(args.database, signed_in=args.signed_in)
    for _ in range(20):
        assert client.get(path).status_code == 200
    started = time.perf_counter()
    for _ in range(args.requests):
        client.get(path)
    print(f"{args.page}: {(time.perf_counter() - started) / args.requests * 1000:.2f} ms a request")
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(args.requests):
        client.get(path)
    profiler.disable()
    pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.lines)
    return 0


if __name__ == "__main__":
    sys.exit(main())
