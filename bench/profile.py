"""Where one page spends its time: cProfile over many requests through Flask's test client.

    python -m bench.profile sqlite:////abs/forum.sqlite3 "5-post thread" [--signed-in]

Page names are those of bench.load; the data set must be the standard one.
"""

import argparse
import cProfile
import os
import pstats
import re
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

    os.environ.setdefault("SECRET_KEY", "benchmark")
    from bench.load import PASSWORD, find_ids, pages
    from forum import create_app

    ids = find_ids(args.database)
    path = next(path for name, path, _ in pages(ids) if name == args.page)
    app = create_app({"SQLALCHEMY_DATABASE_URI": args.database, "RATELIMIT_ENABLED": False})
    client = app.test_client()
    if args.signed_in:
        html = client.get("/login").text
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
        client.post("/login", data={"csrf_token": token, "email": "author0@example.fi",
                                    "password": PASSWORD})  # fmt: skip
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
