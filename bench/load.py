"""Load benchmark: the forum and a bare-Flask ceiling under gunicorn (2 sync workers, or
--workers), measured with wrk, each page reported as a fraction of the ceiling; then replies
through the real form.

    python -m bench.load --database sqlite:////abs/path/forum.sqlite3 [--duration 4 --rounds 3]
    python -m bench.load --database postgresql://postgres@127.0.0.1:5432/bench --workers 4

The machine's speed drifts (a shared VM: by a third within minutes), so the ceiling and a page
are measured in turns, a few seconds each, and a page's fraction is the median of the rounds'.

The database must hold the standard data set (python -m bench.dataset). Run from the repository
root with the project's virtualenv; needs wrk (apt-get install wrk).
"""

import argparse
import http.cookiejar
import json
import os
import re
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from contextlib import ExitStack, contextmanager
from pathlib import Path

from bench.dataset import MARKER, bench_app

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
CONNECTIONS = (16, 64)
PASSWORD = "bench-password-123"
# Sent by every client here, wrk included, as a browser sends its own on every request:
# Flask-Login's session protection compares it with the one the session signed in with, and a
# mismatch marks the session non-fresh, so that every response would set a new session cookie.
USER_AGENT = "forum-bench"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(app: str, env: dict, workers: int = 2, *, started: list | None = None):
    """Serves `app` until the block ends, yielding its address; the master's pid is appended
    to `started` when given."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--worker-class", "sync",
         "--bind", f"127.0.0.1:{port}", "--timeout", "60", "--log-level", "warning", app],
        cwd=ROOT, env={**os.environ, **env},
    )  # fmt: skip
    if started is not None:
        started.append(process.pid)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(base + "/", timeout=2)  # noqa: S310 - loopback only
            break
        except urllib.error.HTTPError:
            break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise RuntimeError(f"{app} did not start") from None
            time.sleep(0.2)
    try:
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Session:
    """A browser-like client: cookies, CSRF tokens from forms; `location` is where the last
    POST redirected to."""

    def __init__(self, base: str, timeout: float = 30):
        self.base = base
        self.timeout = timeout
        self.location = ""
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )
        self.opener.addheaders = [("User-Agent", USER_AGENT)]

    def get(self, path: str) -> tuple[int, str]:
        try:
            with self.opener.open(self.base + path, timeout=self.timeout) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, ""

    def post(self, path: str, data: dict) -> int:
        body = urllib.parse.urlencode(data).encode()
        self.location = ""
        try:
            with self.opener.open(self.base + path, data=body, timeout=self.timeout) as response:
                return response.status
        except urllib.error.HTTPError as error:
            self.location = error.headers.get("Location", "")
            return error.code

    def token(self, path: str) -> str:
        _status, html = self.get(path)
        return form_token(html)

    def sign_in(self, email: str, password: str = PASSWORD) -> None:
        status = self.post("/login", {"csrf_token": self.token("/login"), "email": email,
                                      "password": password})  # fmt: skip
        if status != 302:
            raise RuntimeError(f"sign-in failed: {status}")

    def cookie_header(self) -> str:
        return "; ".join(f"{cookie.name}={cookie.value}" for cookie in self.jar)


def form_token(html: str) -> str:
    tag = re.search(r'<input[^>]*name="csrf_token"[^>]*>', html).group(0)
    return re.search(r'value="([^"]+)"', tag).group(1)


def in_process_client(database: str, *, signed_in: bool = False, rate_limits: bool = False):
    """(app, Flask test client) on the data set, signed in as an author if asked: for the
    benchmarks that measure a page's own work, without HTTP or worker processes."""
    # Limits counted in this process, which the forum refuses outside tests (TESTING).
    app = bench_app(database, RATELIMIT_ENABLED=rate_limits, TESTING=rate_limits)
    client = app.test_client()
    if signed_in:
        token = form_token(client.get("/login").text)
        answer = client.post("/login", data={"csrf_token": token, "email": "author0@example.fi",
                                             "password": PASSWORD})  # fmt: skip
        if answer.status_code != 302:  # else every page would be measured signed out
            raise RuntimeError(f"sign-in failed: {answer.status_code}")
    return app, client


def wrk(url: str, connections: int, duration: int, cookie: str | None = None) -> dict:
    command = ["wrk", "--threads", "2", "--connections", str(connections),
               "--duration", f"{duration}s", "--latency", "--header", f"User-Agent: {USER_AGENT}",
               url]  # fmt: skip
    if cookie:
        command[1:1] = ["--header", f"Cookie: {cookie}"]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    latency = dict(re.findall(r"^\s+(50|99)%\s+([\d.]+\w+)", output, re.M))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "p50": latency.get("50"),
        "p99": latency.get("99"),
        "bad_responses": int(errors.group(1)) if errors else 0,
        "socket_errors": socket_errors.group(1) if socket_errors else "",
    }


_TICK = os.sysconf("SC_CLK_TCK")


def _processes() -> list[tuple[int, int, str, float]]:
    """(pid, parent pid, command, CPU seconds used) of every process that can be read."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        command = text[text.index("(") + 1 : text.rindex(")")]
        fields = text[text.rindex(")") + 2 :].split()
        # Fields from the third of proc(5): state, ppid, ..., utime (14th), stime (15th).
        found.append((int(stat.parent.name), int(fields[1]), command,
                      (int(fields[11]) + int(fields[12])) / _TICK))  # fmt: skip
    return found


def cpu_used(master: int) -> dict[str, float]:
    """CPU seconds so far of the app (gunicorn's master and workers) and of PostgreSQL's
    server processes: a request's cost where a database server shares the cores."""
    processes = _processes()
    app = sum(cpu for pid, parent, _c, cpu in processes if master in (pid, parent))
    return {"app": app, "database": database_cpu(processes)}


def database_cpu(processes=None) -> float:
    """CPU seconds so far of PostgreSQL's server processes."""
    processes = _processes() if processes is None else processes
    return sum(cpu for _p, _parent, command, cpu in processes if command == "postgres")


def pages(ids: dict, signed_in: bool = False) -> list[tuple[str, str, str]]:
    """(name, path, text the page must contain); with `signed_in`, the members' own pages too."""
    members_only = [
        ("new to you", "/unread", "Ketju"),
        ("organisation page", f"/organisations/{ids['organisation_id']}", "Tavoite"),
        ("goals", "/goals", "Tavoite"),
        ("goal page", f"/goals/{ids['goal_id']}", MARKER),
    ] if signed_in else []  # fmt: skip
    return [
        ("board index", "/", f"/boards/{ids['board_slug']}"),
        ("board page", f"/boards/{ids['board_slug']}", "Ketju"),
        ("5-post thread", f"/threads/{ids['small_thread_id']}", MARKER),
        ("1,000-post thread, page 1", f"/threads/{ids['big_thread_id']}", MARKER),
        ("deep-branch page", f"/posts/{ids['deep_post_id']}/branch", MARKER),
        ("good-practice library", "/practices", MARKER),
        ("tag page", "/tags/tyokokeilu", "Ketju"),
        ("search", "/search?q=ty%C3%B6kyky+kuntoutus", "<mark>"),
        ("events", "/events/", "Tapahtuma"),
        ("event page", f"/events/{ids['event_id']}", MARKER),
        *members_only,
    ]


def find_ids(database: str) -> dict:
    from sqlalchemy import func, select

    from forum.boards.models import Board
    from forum.database import utcnow
    from forum.events.models import Event
    from forum.extensions import db
    from forum.goals.models import Goal
    from forum.threads.models import Post, Thread

    app = bench_app(database)
    with app.app_context():
        big = db.session.scalar(select(Thread).order_by(Thread.reply_count.desc()).limit(1))
        small = db.session.scalar(
            select(Thread).where(Thread.reply_count == 4).order_by(Thread.id).limit(1)
        )
        small_opening = db.session.scalar(
            select(Post.id).where(Post.thread_id == small.id, Post.depth == 0)
        )
        deep = db.session.scalar(
            select(Post.id).where(Post.thread_id == big.id, Post.depth == 3).order_by(Post.id)
        )
        board = db.session.scalar(select(Board).order_by(Board.position).limit(1))
        posts = db.session.scalar(select(func.count()).select_from(Post))
        event = db.session.scalar(
            select(Event.id).where(Event.starts_at > utcnow()).order_by(Event.starts_at).limit(1)
        )
        goal = db.session.scalar(select(Goal).order_by(Goal.id).limit(1))
        ids = {"board_slug": board.slug, "big_thread_id": big.id, "small_thread_id": small.id,
               "small_post_id": small_opening,
               "deep_post_id": deep, "posts": posts, "event_id": event, "goal_id": goal.id,
               "organisation_id": goal.organisation_id}  # fmt: skip
        db.engine.dispose()
    return ids


def write_benchmark(
    base: str, ids: dict, *, rounds: int, sequential: int, writers: int, each: int
) -> dict:
    """Replies through the real form: `sequential` from one client, one after another, then
    `each` from every one of `writers` clients at once; `rounds` times, the median round's
    rates kept (the machine's speed drifts as it does for the pages)."""
    path = f"/posts/{ids['small_post_id']}/reply"

    def writer(email: str) -> tuple[Session, str]:
        session = Session(base)
        session.sign_in(email)
        return session, session.token(path)

    def reply(client: Session, token: str, text: str) -> int:
        form = {"csrf_token": token, "submission_id": uuid.uuid4().hex, "body": text,
                "language": "fi"}  # fmt: skip
        return client.post(path, form)

    def one_after_another(client: Session, token: str) -> tuple[float, int]:
        started = time.perf_counter()
        statuses = [reply(client, token, f"Sequential reply {n}") for n in range(sequential)]
        rate = sequential / (time.perf_counter() - started)
        return rate, sum(status != 302 for status in statuses)

    def all_at_once(clients: list[tuple[Session, str]]) -> tuple[float, int]:
        results: list[int] = []
        lock = threading.Lock()
        barrier = threading.Barrier(writers)

        def run(client: Session, client_token: str) -> None:
            barrier.wait()
            for n in range(each):
                status = reply(client, client_token, f"Concurrent reply {n}")
                with lock:
                    results.append(status)

        started = time.perf_counter()
        threads = [threading.Thread(target=run, args=client) for client in clients]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        rate = len(results) / (time.perf_counter() - started)
        return rate, sum(status != 302 for status in results)

    single = writer("author1@example.fi")
    clients = [writer(f"author{n + 2}@example.fi") for n in range(writers)]
    sequential_rounds = [one_after_another(*single) for _ in range(rounds)]
    concurrent_rounds = [all_at_once(clients) for _ in range(rounds)]

    def rates(measured: list[tuple[float, int]]) -> list[float]:
        return sorted(round(rate, 1) for rate, _errors in measured)

    return {
        "sequential_per_second": rates(sequential_rounds)[rounds // 2],
        "sequential_rounds": rates(sequential_rounds),
        "sequential_errors": sum(errors for _rate, errors in sequential_rounds),
        "concurrent_writers": writers,
        "concurrent_per_second": rates(concurrent_rounds)[rounds // 2],
        "concurrent_rounds": rates(concurrent_rounds),
        "concurrent_errors": sum(errors for _rate, errors in concurrent_rounds),
    }


@contextmanager
def job_queue(url: str | None):
    """The job queue a run's replies send their tasks to: `url` (FORUM_JOBS_URL's form), or a
    SQLite queue of the run's own, removed after it (not the instance's, whose worker would be
    sent the run's tasks)."""
    if url:
        yield url
        return
    with tempfile.TemporaryDirectory(prefix="bench-jobs-") as folder:
        yield f"sqlite:///{folder}/jobs.sqlite3"


def working_copy(database: str) -> str:
    """A data set is measured on a copy: the write benchmark adds hundreds of replies, and the
    next run must find the data set as it was generated. PostgreSQL copies a database from
    another as its template (nobody may be connected to it meanwhile)."""
    if database.startswith("postgresql"):
        from sqlalchemy import create_engine, make_url, text

        url = make_url(database)
        copy = f"{url.database}_load_run"
        server = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{copy}"'))
            connection.execute(text(f'CREATE DATABASE "{copy}" TEMPLATE "{url.database}"'))
        server.dispose()
        return url.set(database=copy).render_as_string(hide_password=False)
    if not database.startswith("sqlite:///"):
        return database
    source = Path(database.removeprefix("sqlite:///"))
    copy = source.with_name(f"{source.stem}-load-run{source.suffix}")
    source_db, copy_db = sqlite3.connect(source), sqlite3.connect(copy)
    with copy_db:
        source_db.backup(copy_db)
    source_db.close()
    copy_db.close()
    return f"sqlite:///{copy}"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True)
    parser.add_argument("--duration", type=int, default=4, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=3, help="turns of ceiling and page")
    parser.add_argument("--skip-writes", action="store_true")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn's, for both servers")
    parser.add_argument(
        "--jobs", metavar="URL",
        help="the job queue the replies' tasks go to, as FORUM_JOBS_URL (production's Redis, "
        "redis://127.0.0.1:6379/15); by default a SQLite queue of the run's own (job_queue)",
    )  # fmt: skip
    parser.add_argument(
        "--page", action="append", dest="only", metavar="NAME",
        help="measure only this page (repeatable; names as in the table)",
    )  # fmt: skip
    args = parser.parse_args(argv)

    database = working_copy(args.database)
    ids = find_ids(database)
    # Production's settings over plain HTTP: the development flag lets cookies go without
    # Secure; the log's format, which it would also change, is set back to JSON lines.
    env = {"DATABASE_URL": database, "SECRET_KEY": "benchmark", "FORUM_DEVELOPMENT": "1",
           "FORUM_LOG_JSON": "1", "FORUM_RATELIMIT_ENABLED": "0"}  # fmt: skip
    from bench import baseline

    # The bare ceiling reads SQLite, as in every earlier table; beside a forum on PostgreSQL,
    # a second one reads the same rows from PostgreSQL: the floor of a page on that stack.
    ceiling_databases = {"SQLite": baseline.DATABASE}
    if baseline.on_postgresql(database):
        ceiling_databases["PostgreSQL"] = database.replace("+psycopg", "")
    for ceiling_database in ceiling_databases.values():
        baseline.prepare(ceiling_database)
    rows = []
    ceilings = {(kind, c): [] for kind in ceiling_databases for c in CONNECTIONS}
    masters: list[int] = []
    with ExitStack() as servers:
        jobs = servers.enter_context(job_queue(args.jobs))
        ceiling_bases = {
            kind: servers.enter_context(
                gunicorn(
                    "bench.baseline:app",
                    {"BASELINE_DATABASE": ceiling_database},
                    workers=args.workers,
                )
            )
            for kind, ceiling_database in ceiling_databases.items()
        }
        base = servers.enter_context(
            gunicorn("app:app", {**env, "FORUM_JOBS_URL": jobs}, workers=args.workers,
                     started=masters)
        )  # fmt: skip

        def measure(path: str, connections: int, cookies: dict) -> dict:
            """For each client (name: Cookie header), its median round, with the median of its
            rounds' fractions of each ceiling measured just before (an idle server takes no
            CPU); the round is the median one by its fraction of the first ceiling."""
            rounds: dict[str, list] = {name: [] for name in cookies}
            for _ in range(args.rounds):
                nearest = {}
                for kind, ceiling_base in ceiling_bases.items():
                    nearest[kind] = wrk(ceiling_base + "/", connections, args.duration)["rps"]
                    ceilings[kind, connections].append(nearest[kind])
                for name, cookie in cookies.items():
                    before = cpu_used(masters[0])
                    result = wrk(base + path, connections, args.duration, cookie)
                    after = cpu_used(masters[0])
                    for part in ("app", "database"):
                        spent = after[part] - before[part]
                        result[f"{part}_ms"] = 1000 * spent / max(result["requests"], 1)
                    fractions = [result["rps"] / rps for rps in nearest.values()]
                    rounds[name].append((fractions, result))
            medians = {}
            for name, measured in rounds.items():
                middle = len(measured) // 2
                fractions = [sorted(f[ceiling] for f, _r in measured)[middle]
                             for ceiling in range(len(ceiling_bases))]  # fmt: skip
                result = sorted(measured, key=lambda pair: pair[0][0])[middle][1]
                medians[name] = (fractions, result)
            return medians

        member = Session(base)
        member.sign_in("author0@example.fi")
        member.get("/")  # the first page adds a CSRF token to the session, as in a browser
        clients = {"out": None, "in": member.cookie_header()}
        for name, path, expected in pages(ids):
            if args.only and name not in args.only:
                continue
            for signed_in in (False, True):
                client = member if signed_in else Session(base)
                status, html = client.get(path)
                if status != 200 or expected not in html:
                    raise RuntimeError(f"{path} answered {status} without {expected!r}")
            for connections in CONNECTIONS:
                for signed, (fractions, result) in measure(path, connections, clients).items():
                    rows.append((name, signed, connections, result, fractions))
        writes = None
        if not args.skip_writes:
            writes = write_benchmark(
                base, ids, rounds=args.rounds, sequential=300, writers=16, each=20
            )

    print(f"\n{ids['posts']} posts; {os.cpu_count()} cores; {args.workers} workers; "
          f"{database.split(':', 1)[0]}; jobs to {jobs.split(':', 1)[0]}; "
          f"wrk {args.duration}s per run, "
          f"{args.rounds} rounds of ceiling and page, the median round shown")  # fmt: skip
    for (kind, connections), measured in ceilings.items():
        if measured:
            print(f"bare Flask ceiling on {kind} at {connections} connections: "
                  f"{min(measured):.0f} to "
                  f"{max(measured):.0f} req/s over {len(measured)} runs")  # fmt: skip
    print()
    # CPU a request: the app's processes and the database server's, from /proc.
    of_ceilings = " | ".join(f"of {kind} ceiling" for kind in ceiling_databases)
    print(f"| page | signed | conns | req/s | p50 | p99 | {of_ceilings} | "
          "CPU ms, app / database |")  # fmt: skip
    print("|---|---|---|---|---|---|" + "---|" * len(ceiling_databases) + "---|")
    for name, signed, connections, result, fractions in rows:
        shown = " | ".join(f"{fraction:.0%}" for fraction in fractions)
        print(f"| {name} | {signed} | {connections} | {result['rps']:.0f} | {result['p50']} | "
              f"{result['p99']} | {shown} | "
              f"{result['app_ms']:.2f} / {result['database_ms']:.2f} |")  # fmt: skip
    if writes:
        print(f"\nwrites: {json.dumps(writes)}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "load.json").write_text(
        json.dumps(
            {
                "ids": ids,
                "ceilings": {f"{kind} {c}": rps for (kind, c), rps in ceilings.items()},
                "writes": writes,
                "rows": [[n, s, c, r, f] for n, s, c, r, f in rows],
            },
            indent=2,
        )  # fmt: skip
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
