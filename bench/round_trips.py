"""Round trips to PostgreSQL a request for each benchmark page, read from libpq's trace of the
messages the app sent: each statement is one, and so are a transaction's BEGIN and COMMIT.
On PostgreSQL a round trip costs the app's process more than its statement's own work (the
kernel, and switching to the server's process and back), so this is the count to keep low.

    python -m bench.round_trips postgresql://... [--signed-in] [--page NAME ...] [--verbose]
"""

import argparse
import sys
import tempfile
from functools import partial
from pathlib import Path

WARM_UP = 8  # psycopg prepares a statement at its sixth run on a connection


def sent_messages(engine, action) -> list[list[str]]:
    """The messages the engine's pooled connections sent PostgreSQL while action() ran, from
    libpq's trace: [message type, its fields...] each. A connection opened meanwhile is not
    traced: run action() once before, so that the pool holds the one it will use."""
    pooled = [record.dbapi_connection for record in list(engine.pool._pool.queue)]
    with tempfile.TemporaryDirectory() as folder:
        trace_file = Path(folder) / "trace"
        with trace_file.open("w") as trace:
            for connection in pooled:
                connection.pgconn.trace(trace.fileno())
            try:
                action()
            finally:
                for connection in pooled:
                    connection.pgconn.untrace()
        lines = (line.split("\t") for line in trace_file.read_text().splitlines())
        return [fields[3:] for fields in lines if len(fields) > 3 and fields[1] == "F"]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database")
    parser.add_argument("--signed-in", action="store_true")
    parser.add_argument("--page", action="append", dest="names", default=[], metavar="NAME")
    parser.add_argument("--verbose", action="store_true", help="print each message sent")
    args = parser.parse_args(argv)
    if not args.database.startswith("postgresql"):
        parser.error("round trips are PostgreSQL's: give a postgresql:// URL")

    from bench.load import find_ids, in_process_client, pages
    from forum.extensions import db

    app, client = in_process_client(args.database, signed_in=args.signed_in)
    with app.app_context():
        engine = db.engine
    for name, path, expected in pages(find_ids(args.database), args.signed_in):
        if args.names and name not in args.names:
            continue
        for _ in range(WARM_UP):
            response = client.get(path)
        assert response.status_code == 200 and expected in response.text, path
        sent = sent_messages(engine, partial(client.get, path))
        # A statement ends with Sync (extended protocol); BEGIN and COMMIT are simple Queries.
        trips = sum(1 for message in sent if message[0] in ("Sync", "Query"))
        commands = [message[1].strip() for message in sent if message[0] == "Query"]
        besides = f" ({', '.join(commands)} and the statements)" if commands else ""
        print(f"{name:30} {trips:3} round trips{besides}")
        if args.verbose:
            for message in sent:
                print("    " + " ".join(message)[:160])
    return 0


if __name__ == "__main__":
    sys.exit(main())
