"""Memory of the forum's workers, and the time of a fresh process's first lemma.

    python -m bench.memory sqlite:////abs/forum.sqlite3 [--workers 2]

Starts gunicorn on a copy of the data set (python -m bench.dataset), signs in, replies in
Finnish, Swedish and English and searches in all three, then reads each worker's resident memory
from /proc: all of it (VmRSS), the part no other process shares (RssAnon) and the part mapped
from files (RssFile: the dictionaries' tries and the database's pages, shared by every process
on the host). Then, in fresh processes: the first Finnish lemma's time and the memory of the
dictionaries as the forum reads them (marisa tries) beside simplemma's own, which the forum
used before (every language's dictionary loaded into a Python dict in each process).
"""

import argparse
import json
import os
import subprocess
import sys
import urllib.parse
import uuid
from pathlib import Path

from bench.load import Session, find_ids, gunicorn, working_copy

REPLIES = {
    "fi": "Työhönvalmentajalle soitettiin ja työkyvyn tuesta sovittiin.",
    "sv": "Arbetsgivaren och företagshälsovården kom överens om arbetsprövningen.",
    "en": "The coordinators agreed on workplace adjustments.",
}
SEARCHES = ["työkyvyn tuki", "arbetsprövningen", "adjustments", '"työkyky kuntoutus"']

# Run in a fresh interpreter: prints JSON of the first lemma's time and memory before and after.
_FIRST_LEMMA = """
import json, time
def memory():
    fields = dict(line.split(':', 1) for line in open('/proc/self/status'))
    return {k: int(fields[k].split()[0]) // 1024 for k in ('VmRSS', 'RssAnon', 'RssFile')}
before = memory()
started = time.perf_counter()
if SIMPLEMMA:
    import simplemma
    first = simplemma.lemmatize('työkyvyn', lang='fi')
    seconds = time.perf_counter() - started
    simplemma.lemmatize('arbetsprövningen', lang='sv')
    simplemma.lemmatize('adjustments', lang='en')
else:
    from forum.search.text import word_terms
    first = word_terms('työkyvyn', 'fi')
    seconds = time.perf_counter() - started
    word_terms('arbetsprövningen', 'sv'), word_terms('adjustments', 'en')
print(json.dumps({'seconds': seconds, 'before': before, 'after': memory(), 'first': str(first)}))
"""


def _memory(pid: int) -> dict:
    lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    fields = dict(line.split(":", 1) for line in lines)
    return {name: int(fields[name].split()[0]) // 1024 for name in ("VmRSS", "RssAnon", "RssFile")}


def _workers(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


def _fresh(simplemma: bool) -> dict:
    code = _FIRST_LEMMA.replace("SIMPLEMMA", str(simplemma))
    command = [sys.executable, "-c", code]
    output = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(output.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)

    from sqlalchemy import create_engine, text

    database = working_copy(args.database)
    ids = find_ids(database)
    engine = create_engine(database)
    with engine.connect() as connection:
        opening = connection.execute(
            text("SELECT id FROM post WHERE thread_id = :t AND depth = 0"),
            {"t": ids["small_thread_id"]},
        ).scalar()
    engine.dispose()
    env = {"DATABASE_URL": database, "SECRET_KEY": "benchmark",
           "FORUM_DEVELOPMENT": "1", "FORUM_RATELIMIT_ENABLED": "0"}  # fmt: skip
    masters: list[int] = []
    with gunicorn("app:app", env, workers=args.workers, started=masters) as base:
        workers = _workers(masters[0])
        started = {pid: _memory(pid) for pid in workers}
        # Every worker answers some of these: a connection is taken by whichever is free.
        for _ in range(args.workers * 2):
            session = Session(base)
            session.sign_in("author0@example.fi")
            path = f"/posts/{opening}/reply"
            for language, body in REPLIES.items():
                status = session.post(path, {"csrf_token": session.token(path), "body": body,
                                             "language": language,
                                             "submission_id": uuid.uuid4().hex})  # fmt: skip
                assert status == 302, status
            for query in SEARCHES:
                status, _page = session.get("/search?" + urllib.parse.urlencode({"q": query}))
                assert status == 200, status
        finished = {pid: _memory(pid) for pid in workers}
    print(f"{args.workers} gunicorn workers, MB: at start -> after posting and searching")
    for pid in workers:
        line = ", ".join(f"{name} {started[pid][name]} -> {finished[pid][name]}"
                         for name in ("VmRSS", "RssAnon", "RssFile"))  # fmt: skip
        print(f"  worker {pid}: {line}")
    for name, simplemma in (("marisa tries (now)", False), ("simplemma dicts (before)", True)):
        fresh = _fresh(simplemma)
        grown = {key: fresh["after"][key] - fresh["before"][key] for key in fresh["after"]}
        print(
            f"fresh process, {name}: first Finnish lemma {fresh['seconds'] * 1000:.0f} ms;"
            f" after fi, sv and en: VmRSS {fresh['after']['VmRSS']} MB (+{grown['VmRSS']}),"
            f" RssAnon +{grown['RssAnon']}, RssFile +{grown['RssFile']}"
        )
    if database != args.database:
        os.remove(database.removeprefix("sqlite:///"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
