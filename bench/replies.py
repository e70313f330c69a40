"""A reply's own cost, in process: replies posted through the real form by the test client on a
copy of the data set, one after another; for each database the wall time a reply, the CPU the
app's process spent on it and PostgreSQL's server processes on theirs, and (PostgreSQL) the
round trips one reply makes. No HTTP, no gunicorn: what `bench.load`'s sequential replies are
made of.

    python -m bench.replies sqlite:////tmp/bench/standard.db postgresql://.../bench [--replies 300]

Each database is measured on a copy (`bench.load.working_copy`); the databases are measured in
turns, `--rounds` times, and the median round shown (the machine's speed drifts). The replies'
tasks go to a SQLite queue of the run's own, or to `--jobs` (production's Redis).
"""

import argparse
import os
import statistics
import sys
import time
import uuid

from bench.load import (
    database_cpu,
    find_ids,
    form_token,
    in_process_client,
    job_queue,
    working_copy,
)
from bench.round_trips import sent_messages

WARM_UP = 20  # psycopg prepares a statement at its sixth run on a connection


class Replier:
    def __init__(self, database: str):
        self.database = database
        self.copy = working_copy(database)
        self.app, self.client = in_process_client(self.copy, signed_in=True)
        self.path = f"/posts/{find_ids(self.copy)['small_post_id']}/reply"
        self.token = form_token(self.client.get(self.path).text)
        self.sent = 0
        for _ in range(WARM_UP):
            self.reply()

    def reply(self) -> None:
        self.sent += 1
        form = {"csrf_token": self.token, "submission_id": uuid.uuid4().hex, "language": "fi",
                "body": f"Vastaus numero {self.sent}: kokeilimme samaa ja se toimi."}  # fmt: skip
        response = self.client.post(self.path, data=form)
        if response.status_code != 302:
            raise RuntimeError(f"reply failed: {response.status_code}")

    def round_trips(self) -> int | None:
        if not self.database.startswith("postgresql"):
            return None
        from forum.extensions import db

        with self.app.app_context():
            engine = db.engine
        sent = sent_messages(engine, self.reply)
        # A statement ends with Sync (extended protocol); BEGIN and COMMIT are simple Queries.
        return sum(fields[0] in ("Sync", "Query") for fields in sent)

    def measure(self, replies: int) -> dict:
        walls = []
        cpu, server_cpu = time.process_time(), database_cpu()
        for _ in range(replies):
            started = time.perf_counter()
            self.reply()
            walls.append(time.perf_counter() - started)
        return {
            "wall_p50": statistics.median(walls) * 1000,
            "wall_mean": statistics.mean(walls) * 1000,
            "app_cpu": (time.process_time() - cpu) / replies * 1000,
            "database_cpu": (database_cpu() - server_cpu) / replies * 1000,
        }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("databases", nargs="+")
    parser.add_argument("--replies", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--jobs", metavar="URL", help="the job queue, as bench.load's --jobs")
    args = parser.parse_args(argv)
    with job_queue(args.jobs) as jobs:
        # Read when the forum's job module is first imported, which making the apps does.
        os.environ["FORUM_JOBS_URL"] = jobs
        _measure(args)
    return 0


def _measure(args) -> None:
    repliers = [Replier(database) for database in args.databases]
    rounds = {replier.database: [] for replier in repliers}
    for _ in range(args.rounds):
        for replier in repliers:
            rounds[replier.database].append(replier.measure(args.replies))
    print("| database | round trips | wall ms p50 / mean | app CPU ms | database CPU ms |")
    print("|---|---|---|---|---|")
    for replier in repliers:
        median = sorted(rounds[replier.database], key=lambda r: r["wall_mean"])[args.rounds // 2]
        trips = replier.round_trips()
        print(f"| {replier.database.split(':')[0]} | {trips if trips is not None else '-'} "
              f"| {median['wall_p50']:.2f} / {median['wall_mean']:.2f} "
              f"| {median['app_cpu']:.2f} | {median['database_cpu']:.2f} |")  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
