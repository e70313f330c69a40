"""Search in the database: a fixed query set of every kind, p50 and p95 per kind.

    python -m bench.search sqlite:////abs/forum.sqlite3 [--rounds 20]
    python -m bench.search postgresql://postgres@127.0.0.1:5432/bench

Each search is timed from parsing the query to the last row of its page: the statements that
name a prefix's terms and a tag's label, and the page of threads with their posts and count,
as a signed-in member of the first region reads them (the policy's widest filter). Rendering is
not included (bench.load and bench.instructions measure the page). The database must hold the
standard or large data set (python -m bench.dataset), whose texts are drawn from 23 words: every
word query matches most posts, the worst case for ranking.
"""

import argparse
import statistics
import sys
import time
from datetime import date

QUERIES = [
    ("one word", "työkyky", {}),
    ("one word", "palkkatuki", {}),
    ("one word", "rehabilitering", {}),
    ("one word", "workplace", {}),
    ("inflected", "työkyvyn", {}),
    ("compound part", "kokeilu", {}),
    ("no diacritics", "tyokyky", {}),
    ("two words", "työkyky kuntoutus", {}),
    ("two words", "palkkatuki seuranta", {}),
    ("phrase", '"työkyky kuntoutus"', {}),
    ("phrase", '"tuki plan"', {}),
    ("or", "palkkatuki OR arbetsprövning", {}),
    ("excluded", "työkyky -sopimus", {}),
    ("prefix", "koordinaat", {}),
    ("tag label", "työkokeilu", {}),
    ("no match", "lomautus", {}),
    ("filter: board", "työkyky", {"board": "BOARD"}),
    ("filter: region", "työkyky", {"region": "REGION"}),
    ("filter: tag", "työkyky", {"tag": "tyokokeilu"}),
    ("filter: author", "työkyky", {"author": "AUTHOR"}),
    ("filter: language", "työkyky", {"language": "sv"}),
    ("filter: dates", "työkyky", {"since": "SINCE", "until": "UNTIL"}),
    ("filter: old dates", "työkyky", {"since": "MIDDLE", "until": "MIDDLE"}),
    ("newest first", "työkyky", {"order": "newest"}),
]


def _values(session) -> dict:
    from sqlalchemy import func, select

    from forum.auth.models import User
    from forum.boards.models import Board
    from forum.regions.models import Region
    from forum.threads.models import Post

    newest = session.scalar(select(func.max(Post.created_at)))
    middle_id = session.scalar(select(func.max(Post.id))) // 2
    middle = session.scalar(select(Post.created_at).where(Post.id >= middle_id).limit(1))
    return {
        "BOARD": session.scalar(select(Board.slug).order_by(Board.position).limit(1)),
        "REGION": session.scalar(select(Region.id).order_by(Region.position).limit(1)),
        "AUTHOR": session.scalar(select(User.id).where(User.email == "author0@example.fi")),
        "SINCE": newest.date(),
        "UNTIL": newest.date(),
        "MIDDLE": middle.date(),
    }


def _filters(wanted: dict, values: dict):
    from forum.search.query import Filters

    given = {name: values.get(value, value) for name, value in wanted.items() if name != "order"}
    for name in ("since", "until"):
        if isinstance(given.get(name), str):
            given[name] = date.fromisoformat(given[name])
    return Filters(**given), wanted.get("order", "relevance")


def run_once(session, user, text: str, filters, order: str) -> tuple[float, int]:
    from forum.search.query import search

    started = time.perf_counter()
    prepared = search(session, user, text, filters, locale="fi", order=order)
    rows = session.execute(prepared.page, {**prepared.parameters, "offset": 0, "limit": 20}).all()
    total = rows[0].threads_found if rows else 0
    return (time.perf_counter() - started) * 1000, total


def explain(session, user, text: str, filters, order: str) -> str:
    """The plan of a query's page, as the database ran it."""
    from sqlalchemy import event

    from forum.search.query import search

    connection = session.connection()
    prefix = (
        "EXPLAIN QUERY PLAN "
        if connection.dialect.name == "sqlite"
        else ("EXPLAIN (ANALYZE, BUFFERS) ")
    )

    def explained(_conn, _cursor, statement, parameters, _context, _many):
        return prefix + statement, parameters

    prepared = search(session, user, text, filters, locale="fi", order=order)
    event.listen(connection, "before_cursor_execute", explained, retval=True)
    try:
        rows = session.execute(prepared.page, {**prepared.parameters, "offset": 0, "limit": 20})
        return "\n".join(" | ".join(str(value) for value in row) for row in rows)
    finally:
        event.remove(connection, "before_cursor_execute", explained)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument(
        "--explain", metavar="KIND", help="print the database's plan of this kind's queries, run"
    )
    args = parser.parse_args(argv)

    from sqlalchemy import func, select

    from bench.dataset import bench_app
    from forum.auth.models import User
    from forum.extensions import db
    from forum.threads.models import Post

    app = bench_app(args.database)
    with app.app_context():
        session = db.session
        user = session.scalar(select(User).where(User.email == "author0@example.fi"))
        values = _values(session)
        posts = session.scalar(select(func.count()).select_from(Post))
        by_kind: dict[str, list[float]] = {}
        threads: dict[str, int] = {}
        for kind, text, wanted in QUERIES:
            filters, order = _filters(wanted, values)
            if args.explain:
                if kind == args.explain:
                    print(explain(session, user, text, filters, order))
                continue
            for _ in range(2):
                run_once(session, user, text, filters, order)
            for _ in range(args.rounds):
                took, found = run_once(session, user, text, filters, order)
                by_kind.setdefault(kind, []).append(took)
            threads[kind] = max(threads.get(kind, 0), found)
        if args.explain:
            return 0
        dialect = db.engine.dialect.name
        print(f"{dialect}, {posts:,} posts, {args.rounds} rounds a query")
        print(f"{'kind':18} {'p50 ms':>8} {'p95 ms':>8} {'threads':>8}")
        for kind, times in by_kind.items():
            p95 = statistics.quantiles(times, n=20)[-1] if len(times) > 1 else times[0]
            print(f"{kind:18} {statistics.median(times):8.1f} {p95:8.1f} {threads[kind]:8}")
        everything = [took for times in by_kind.values() for took in times]
        print(f"{'all':18} {statistics.median(everything):8.1f} "
              f"{statistics.quantiles(everything, n=20)[-1]:8.1f}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
