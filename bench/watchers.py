"""A reply's cost with a thousand watchers on its thread and with none: the watchers are told by
the job worker, so the request should cost the same (issue #18: within 10%).

    python -m bench.watchers sqlite:////abs/forum.sqlite3 [--replies 40]

Replies through the real form, in process (the Flask test client), to two threads of the data set
on a copy of it: one with no watchers, one with WATCHERS members watching it. The two are
measured in turns, so that a machine whose speed drifts slows both alike; reported are the median
time and the SQL statements of a reply, and then the worker's time to tell the watchers.
"""

import argparse
import statistics
import sys
import time

from flask_migrate import upgrade
from sqlalchemy import event, insert, select

from bench.dataset import bench_app
from bench.load import PASSWORD, form_token, working_copy

WATCHERS = 1000


def _reply_form(client, post_id: int) -> dict:
    page = client.get(f"/posts/{post_id}/reply").text
    submission = page.split('name="submission_id"', 1)[1].split('value="', 1)[1].split('"', 1)[0]
    return {"csrf_token": form_token(page), "submission_id": submission, "language": "fi"}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database")
    parser.add_argument("--replies", type=int, default=40)
    args = parser.parse_args(argv)
    app = bench_app(working_copy(args.database))
    from forum.auth.models import User
    from forum.database import utcnow
    from forum.extensions import db
    from forum.notifications.models import Watch
    from forum.notifications.watching import tell_watchers_due
    from forum.threads.models import Post

    with app.app_context():
        upgrade()  # a data set made before the latest migrations
        openings = db.session.scalars(
            select(Post.id).where(Post.depth == 0).order_by(Post.id.desc()).limit(2)
        ).all()
        quiet, watched = openings
        watched_thread = db.session.get(Post, watched).thread_id
        author = db.session.scalar(select(User).where(User.email == "author0@example.fi"))
        db.session.execute(
            insert(User),
            [{"email": f"watcher{n}@bench.example.fi", "display_name": f"Watcher {n}",
              "password_hash": "x", "organisation_id": author.organisation_id, "locale": "fi",
              "email_confirmed_at": utcnow()} for n in range(WATCHERS)],
        )  # fmt: skip
        ids = db.session.scalars(select(User.id).where(User.email.like("watcher%"))).all()
        db.session.execute(
            insert(Watch),
            [{"user_id": user_id, "target": "thread", "target_id": watched_thread,
              "level": "watching"} for user_id in ids],
        )  # fmt: skip
        db.session.commit()
        tell_watchers_due(limit=100_000)  # what the data set left for the worker

    client = app.test_client()
    token = form_token(client.get("/login").text)
    client.post("/login", data={"csrf_token": token, "email": "author0@example.fi",
                                "password": PASSWORD})  # fmt: skip
    statements = {"quiet": [], "watched": []}
    seconds = {"quiet": [], "watched": []}
    counted = []
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", lambda *_args: counted.append(1))
    for number in range(args.replies):
        for name, post_id in (("quiet", quiet), ("watched", watched)):
            form = {**_reply_form(client, post_id), "body": f"Vastaus {number}"}
            counted.clear()
            started = time.perf_counter()
            response = client.post(f"/posts/{post_id}/reply", data=form)
            seconds[name].append(time.perf_counter() - started)
            statements[name].append(len(counted))
            assert response.status_code == 302, response.status_code
    for name in ("quiet", "watched"):
        print(f"{name:8} median {statistics.median(seconds[name]) * 1000:6.2f} ms a reply, "
              f"{statistics.median(statements[name])} statements")  # fmt: skip
    ratio = statistics.median(seconds["watched"]) / statistics.median(seconds["quiet"])
    print(f"with {WATCHERS} watchers: {ratio:.2f} x the reply without")
    with app.app_context():
        started = time.perf_counter()
        done = tell_watchers_due(limit=100_000)
        print(f"worker: {done} posts told in {time.perf_counter() - started:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
