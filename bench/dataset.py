"""The standard benchmark data set, generated deterministically through the real write path.

    python -m bench.dataset --database sqlite:///bench/results/forum.sqlite3 [--preset large]

standard: 3 boards, 2,000 threads round-robin over them with 10,000 posts in all (1 to 9 a
thread, mean 5, the opening post included), plus one thread of 1,000 posts in the first board
shaped as a tree (100 top-level replies, branches up to 6 deep); 50 authors; bodies of about
600 characters of Markdown; every 20th thread curated as a good practice (a summary in Finnish)
for the library; 200 events (half past, half to come, each with its discussion thread and up
to 5 sign-ups) and 120 goals of 12 organisations in 3 regions, each told of twice. large: the
same shape with 100,000 posts, 2,000 events and 1,200 goals.
"""

import argparse
import os
import random
import sys
import time
from dataclasses import dataclass
from datetime import timedelta

SEED = 20261123


@dataclass(frozen=True)
class Preset:
    threads: int
    posts: int
    big_thread_posts: int = 1000
    big_thread_branches: int = 100
    authors: int = 50
    boards: int = 3
    practice_every: int = 20
    events: int = 200
    goals: int = 120
    organisations: int = 12


PRESETS = {
    "standard": Preset(threads=2000, posts=10_000),
    "large": Preset(threads=20_000, posts=100_000, events=2000, goals=1200),
}

WORDS = [
    "työkyky",
    "työkokeilu",
    "kuntoutus",
    "palkkatuki",
    "esihenkilö",
    "työterveyshuolto",
    "alkukartoitus",
    "tavoite",
    "seuranta",
    "koordinaattori",
    "osatyökykyinen",
    "työpaikka",
    "muutos",
    "sopimus",
    "tuki",
    "arbetsprövning",
    "rehabilitering",
    "arbetsförmåga",
    "adjustment",
    "workplace",
    "support",
    "plan",
    "goal",
]
MARKER = "Benchmark marker"


def body(rng: random.Random, number: int) -> str:
    """About 600 characters: two paragraphs, a three-item list, one bold phrase, one link."""

    def sentence(words: int) -> str:
        return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."

    first = " ".join(sentence(rng.randint(8, 12)) for _ in range(2))
    second = " ".join(sentence(rng.randint(8, 12)) for _ in range(2))
    items = "\n".join(f"- {sentence(4)}" for _ in range(3))
    return (
        f"{MARKER} {number}. {first} **{rng.choice(WORDS)} {rng.choice(WORDS)}**\n\n"
        f"{items}\n\n{second} [Lisätietoa](https://example.fi/ohje/{number})"
    )


def posts_per_thread(rng: random.Random, threads: int, total: int) -> list[int]:
    """1 to 9 posts each, summing exactly to total (mean total/threads)."""
    counts = [1] * threads
    remaining = total - threads
    while remaining:
        index = rng.randrange(threads)
        if counts[index] < 9:
            counts[index] += 1
            remaining -= 1
    return counts


def generate(preset: Preset, *, seed: int = SEED, log=print) -> dict:
    """Fill an empty, migrated database. Returns the ids the benchmarks need."""
    from forum.auth import actions as auth_actions
    from forum.boards.models import Board
    from forum.database import begin_write, refresh_statistics
    from forum.extensions import db
    from forum.practices.actions import curate
    from forum.practices.models import MATURITIES
    from forum.regions.models import Organisation, Region
    from forum.tags.models import Tag
    from forum.threads import actions
    from forum.threads.models import Post

    rng = random.Random(seed)
    started = time.perf_counter()
    # In bulk: every action still commits its own transaction, but loaded rows are not
    # expired and read back after each commit (the counters are kept in SQL anyway).
    db.session().expire_on_commit = False
    begin_write()
    region = Region(slug="bench", name_fi="Alue", name_sv="Region", name_en="Region")
    organisation = Organisation(name="Bench Oy", kind="company", region=region)
    boards = [
        Board(slug=f"bench-{n}", name_fi=f"Alue {n}", name_sv=f"Område {n}",
              name_en=f"Board {n}", position=n)
        for n in range(preset.boards)
    ]  # fmt: skip
    db.session.add_all([region, organisation, *boards])
    db.session.commit()
    authors = [
        auth_actions.register(
            display_name=f"Author {n}", email=f"author{n}@example.fi",
            password="bench-password-123", organisation_id=organisation.id, locale="fi",
        )
        for n in range(preset.authors)
    ]  # fmt: skip
    curator = auth_actions.register(
        display_name="Curator", email="curator@example.fi", password="bench-password-123",
        organisation_id=organisation.id, locale="fi",
    )  # fmt: skip
    begin_write()
    curator.role = "admin"
    for author in [*authors, curator]:  # members of long standing, their addresses confirmed
        author.created_at -= timedelta(days=30)
        author.email_confirmed_at = author.created_at
    db.session.commit()

    number = 0

    def next_body() -> str:
        nonlocal number
        number += 1
        return body(rng, number)

    # The big thread first, so that its id is stable: a tree of top-level branches.
    big = actions.start_thread(boards[0], by=authors[0], title="Iso ketju: työkokeilun kokemuksia",
                               body=next_body(), language="fi")  # fmt: skip
    opening = db.session.scalar(db.select(Post).where(Post.thread_id == big.id, Post.depth == 0))
    replies, branches = preset.big_thread_posts - 1, preset.big_thread_branches
    deep_post_id = None
    for branch in range(branches):
        size = replies // branches + (1 if branch < replies % branches else 0)
        top = actions.reply(opening, by=rng.choice(authors), body=next_body(), language="fi")
        chain = [top]
        for _ in range(size - 1):
            parent = rng.choice(chain[-5:]) if len(chain) < 6 else chain[rng.randrange(5)]
            post = actions.reply(parent, by=rng.choice(authors), body=next_body(), language="fi")
            if post.depth <= 6:
                chain.append(post)
            if post.depth == 3 and deep_post_id is None:
                deep_post_id = post.id
    log(f"big thread: {time.perf_counter() - started:.1f}s")

    taxonomy = db.session.scalars(db.select(Tag).order_by(Tag.id)).all()
    # Before the threads, so that the boards' newest threads are the threads' (the events'
    # discussions are older).
    programme = _programme(preset, rng, boards, authors, curator, taxonomy)
    log(f"events and goals: {time.perf_counter() - started:.1f}s")
    counts = posts_per_thread(rng, preset.threads, preset.posts)
    small_thread_id = None
    for index, count in enumerate(counts):
        thread = actions.start_thread(
            boards[index % preset.boards], by=rng.choice(authors),
            title=f"Ketju {index}: {rng.choice(WORDS)} ja {rng.choice(WORDS)}",
            body=next_body(), language=rng.choice(("fi", "fi", "sv", "en")),
            tags=rng.sample(taxonomy, 2),
        )  # fmt: skip
        parent = db.session.scalar(
            db.select(Post).where(Post.thread_id == thread.id, Post.depth == 0)
        )
        for _ in range(count - 1):
            parent = actions.reply(parent, by=rng.choice(authors), body=next_body(),
                                   language="fi")  # fmt: skip
        if count == 5 and small_thread_id is None:
            small_thread_id = thread.id
        if index % preset.practice_every == 0:
            curate(
                thread, by=curator, maturity=MATURITIES[index % len(MATURITIES)], language="fi",
                summary={"core_idea": f"{MARKER}: {rng.choice(WORDS)} ja {rng.choice(WORDS)}",
                         "environment": "Kunta", "conditions": "Esihenkilön tuki",
                         "results": "Työkokeilu onnistui"},
            )  # fmt: skip
        if index % 500 == 499:
            log(f"{index + 1} threads: {time.perf_counter() - started:.1f}s")
    # As a database that has been running would have them (forum analyze).
    refresh_statistics()
    elapsed = time.perf_counter() - started
    log(f"{number} posts in {elapsed:.1f}s")
    return {
        "board_slug": boards[0].slug,
        "big_thread_id": big.id,
        "small_thread_id": small_thread_id,
        "deep_post_id": deep_post_id,
        **programme,
        "seconds": elapsed,
    }


def _programme(preset: Preset, rng, boards, authors, curator, taxonomy) -> dict:
    """Events on the boards, and organisations with goals told of over time."""
    from zoneinfo import ZoneInfo

    from forum.auth import actions as auth_actions
    from forum.database import begin_write, utcnow
    from forum.events import actions as event_actions
    from forum.extensions import db
    from forum.goals import actions as goal_actions
    from forum.goals.models import GOAL_STATUSES
    from forum.regions.models import Organisation, Region

    now = utcnow().astimezone(ZoneInfo("Europe/Helsinki")).replace(minute=0, second=0,
                                                                    microsecond=0)  # fmt: skip
    upcoming_id = None
    for index in range(preset.events):
        days = index - preset.events // 2
        starts = now + timedelta(days=days, hours=rng.randrange(8, 16) - now.hour)
        details = event_actions.Details(
            title=f"Tapahtuma {index}: {rng.choice(WORDS)}", description=f"{MARKER}. Työpaja.",
            language="fi", starts_at=starts, ends_at=starts + timedelta(hours=3),
            place="Tampere", online_url="", region_id=None,
            audience="public", group_id=None,
            capacity=(None, 20, 5)[index % 3],
        )  # fmt: skip
        board = boards[index % len(boards)]
        event = event_actions.schedule(details, by=curator, board=board)
        if days > 0:
            for author in rng.sample(authors, 5):
                event_actions.sign_up(event, by=author)
            upcoming_id = upcoming_id or event.id
    begin_write()
    regions = [Region(slug=f"bench-region-{n}", name_fi=f"Alue {n}", name_sv=f"Region {n}",
                      name_en=f"Region {n}", position=10 + n) for n in range(3)]  # fmt: skip
    organisations = [Organisation(name=f"Pilotti {n} Oy", kind="company",
                                  region=regions[n % 3])
                     for n in range(preset.organisations)]  # fmt: skip
    db.session.add_all([*regions, *organisations])
    db.session.commit()
    coordinators = [
        auth_actions.register(
            display_name=f"Koordinaattori {n}", email=f"coordinator{n}@example.fi",
            password="bench-password-123", organisation_id=organisation.id, locale="fi",
        )
        for n, organisation in enumerate(organisations)
    ]  # fmt: skip
    begin_write()
    for person in coordinators:
        person.created_at -= timedelta(days=30)
        person.email_confirmed_at = person.created_at
    db.session.commit()
    goal_id = None
    for index in range(preset.goals):
        number = index % preset.organisations
        goal = goal_actions.set_goal(
            organisations[number], by=coordinators[number], title=f"Tavoite {index}",
            description=f"{MARKER}: {rng.choice(WORDS)}", language="fi", target_date=None,
            tag_ids=[tag.id for tag in rng.sample(taxonomy, 2)],
        )  # fmt: skip
        for status in rng.sample(GOAL_STATUSES[1:], 2):
            goal_actions.tell_progress(goal, by=coordinators[number], body=rng.choice(WORDS),
                                       language="fi", status=status)  # fmt: skip
        goal_id = goal_id or goal.id
    return {"event_id": upcoming_id, "organisation_id": organisations[0].id,
            "goal_id": goal_id}  # fmt: skip


def bench_app(database: str, **config):
    """The forum's app on a benchmark database, configured as production is, less what a
    benchmark cannot have: its links go to an address of its own, and rate limits are off
    unless asked for (then counted in this process)."""
    os.environ.setdefault("SECRET_KEY", "benchmark")
    from forum import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": database, "RATELIMIT_ENABLED": False,
                       "FORUM_BASE_URL": "https://bench.example.fi", **config})  # fmt: skip


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True, help="an empty database URL")
    parser.add_argument("--preset", choices=sorted(PRESETS), default="standard")
    args = parser.parse_args(argv)
    from flask_migrate import upgrade

    app = bench_app(args.database, PASSWORD_HASH_METHOD="pbkdf2:sha256:1000")
    with app.app_context():
        upgrade()
        print(generate(PRESETS[args.preset]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
