"""Command-line tasks: the demo forum and re-rendering stored posts."""

from sqlalchemy import func, select

from forum.auth.models import Invitation, User
from forum.boards.models import Board
from forum.extensions import db
from forum.notifications.models import Notification
from forum.regions.models import Organisation, Region
from forum.threads.models import Post, Thread


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_seed_demo_builds_the_pilot_forum(app):
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "demo-salasana-2026" in result.output and "admin@example.fi" in result.output
    db.session.commit()
    regions = db.session.scalars(select(Region).order_by(Region.position)).all()
    assert [r.name_en for r in regions] == ["Pirkanmaa", "South Ostrobothnia", "Uusimaa"]
    assert _count(Organisation) == 12
    assert {u.role for u in db.session.scalars(select(User))} == {"member", "moderator", "admin"}
    boards = db.session.scalars(select(Board)).all()
    assert all(b.name_fi and b.name_sv and b.name_en for b in boards)
    assert {p.language for p in db.session.scalars(select(Post))} == {"fi", "sv", "en"}
    assert db.session.scalar(select(func.max(Post.depth))) >= 4
    assert _count(Thread) >= 3
    assert _count(Invitation) == 1
    assert _count(Notification) > 0  # the demo's replies told their threads' authors


def test_seed_demo_leaves_a_database_with_data_alone(app):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    posts = _count(Post)
    again = runner.invoke(args=["seed-demo", "--if-empty"])
    assert again.exit_code == 0 and "not loaded" in again.output
    assert runner.invoke(args=["seed-demo"]).exit_code != 0
    db.session.commit()
    assert _count(Post) == posts


def test_demo_forum_pages_render_in_every_language(app, client):
    assert app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
    for locale in ("fi", "sv", "en"):
        for url in ("/", "/boards/yleinen", "/threads/1", "/posts/2/branch"):
            response = client.get(url, headers={"Accept-Language": locale})
            assert response.status_code == 200, (locale, url)
    # Profiles are for members.
    assert client.get("/users/1").status_code == 302


def test_rerender_posts_applies_the_current_sanitiser(app, make):
    thread = make.thread(body="**bold**")
    post = make.opening_post(thread)
    post.body_html = "<p>stale<script>x</script></p>"
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["rerender-posts"])
    assert result.exit_code == 0 and "1 posts re-rendered" in result.output
    db.session.commit()
    assert db.session.get(Post, post.id).body_html == "<p><strong>bold</strong></p>"


def test_analyze_gives_the_query_planner_statistics(app):
    from sqlalchemy import text

    from tests import factories

    factories.Factories().thread(title="Counted")
    result = app.test_cli_runner().invoke(args=["analyze"])
    assert result.exit_code == 0, result.output
    if db.engine.dialect.name == "sqlite":
        tables = db.session.scalars(text("SELECT DISTINCT tbl FROM sqlite_stat1")).all()
    else:
        tables = db.session.scalars(
            text("SELECT relname FROM pg_stat_user_tables WHERE last_analyze IS NOT NULL")
        ).all()
    assert {"post", "thread", "account"} <= set(tables)


def test_recount_rebuilds_the_counts_kept_per_board(app, make):
    from flask_login import AnonymousUserMixin

    from forum import policy
    from forum.practices import actions as practice_actions
    from forum.practices import library
    from forum.practices.models import PracticeCount
    from forum.tags.models import Tag, TagBoardCount

    tag = db.session.scalar(select(Tag).where(Tag.status == "approved"))
    admin = make.user(role="admin")
    thread = make.thread(tags=[tag], author=admin)
    practice_actions.curate(thread, by=admin, maturity="idea", language="fi",
                            summary={"core_idea": "Idea"})  # fmt: skip
    reader = AnonymousUserMixin()
    counted = dict(db.session.execute(policy.visible_tag_counts(reader)).all())
    facets = library.facets(reader, library.Filters())
    assert counted[tag.id] == 1 and facets.total == 1
    db.session.execute(TagBoardCount.__table__.update().values(threads=7))
    db.session.execute(PracticeCount.__table__.delete())
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["recount"])
    assert result.exit_code == 0 and "Counts rebuilt" in result.output
    assert dict(db.session.execute(policy.visible_tag_counts(reader)).all()) == counted
    assert library.facets(reader, library.Filters()) == facets


def test_remove_expired_sessions_deletes_only_expired_ones(app, make):
    from datetime import timedelta

    from forum.auth import actions as auth_actions
    from forum.auth.models import UserSession
    from forum.database import begin_write, utcnow

    user = make.user()
    live = auth_actions.start_session(user, remember=False)
    expired = auth_actions.start_session(user, remember=False)
    begin_write()
    db.session.get(UserSession, expired).expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["remove-expired-sessions"])
    assert result.exit_code == 0 and "1 expired sessions removed" in result.output
    db.session.commit()
    assert db.session.get(UserSession, live) and not db.session.get(UserSession, expired)
