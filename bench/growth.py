"""Growth: queries and in-process latency per page on data sets of different sizes.

    python -m bench.growth sqlite:////abs/standard.sqlite3 sqlite:////abs/large.sqlite3
        [--signed-in]

--signed-in measures the pages as a member (an author of the data set), the members' own pages
(what is new to them, goals, an organisation) among them.

A page whose query count or latency grows with the data set is a bug. Latency here is the best
of several batches through Flask's test client (no HTTP, no worker processes), so it isolates
the page's own work.
"""

import argparse
import sys
import time

from sqlalchemy import event


def measure(database: str, signed_in: bool = False) -> dict[str, tuple[int, float]]:
    from bench.load import find_ids, in_process_client, pages
    from forum.extensions import db

    ids = find_ids(database)
    app, client = in_process_client(database, signed_in=signed_in)
    results = {"posts": (ids["posts"], 0.0)}
    with app.app_context():
        engine = db.engine
    for name, path, expected in pages(ids, signed_in):
        statements = []

        def count(*_args, statements=statements):
            statements.append(1)

        response = client.get(path)
        assert response.status_code == 200 and expected in response.text, path
        event.listen(engine, "before_cursor_execute", count)
        client.get(path)
        event.remove(engine, "before_cursor_execute", count)
        best = float("inf")
        for _ in range(5):
            started = time.perf_counter()
            for _ in range(20):
                client.get(path)
            best = min(best, (time.perf_counter() - started) / 20)
        results[name] = (len(statements), best * 1000)
    with app.app_context():
        db.engine.dispose()
    return results


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("databases", nargs="+")
    parser.add_argument("--signed-in", action="store_true")
    args = parser.parse_args(argv)
    measured = [measure(database, args.signed_in) for database in args.databases]
    header = " | ".join(f"{m['posts'][0]:,} posts: queries, ms" for m in measured)
    print(f"| page | {header} |")
    print("|---|" + "---|" * len(measured))
    for name in (name for name in measured[0] if name != "posts"):
        cells = " | ".join(f"{m[name][0]}, {m[name][1]:.1f}" for m in measured)
        print(f"| {name} | {cells} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
