"""Command-line tasks: `flask --app app <command>`."""

from pathlib import Path

import click
from flask import current_app
from sqlalchemy import select

from forum import backup, demo
from forum.auth import actions as auth_actions
from forum.config import DEFAULT_LOCALE
from forum.database import begin_write, refresh_statistics
from forum.extensions import db
from forum.mail.delivery import deliver_due
from forum.markup import Unrenderable, render
from forum.practices import counters as practice_counters
from forum.regions.models import ORGANISATION_KINDS, Organisation, Region
from forum.search import index as search_index
from forum.tags import counters as tag_counters
from forum.threads.models import Post

RERENDER_BATCH = 500


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database has data.")
def seed_demo(if_empty: bool) -> None:
    """Load the fictional demo forum."""
    if not demo.is_empty():
        if if_empty:
            click.echo("The database has data already; demo data not loaded.")
            return
        raise click.ClickException("the database is not empty")
    demo.seed()
    refresh_statistics()
    click.echo(
        f"Demo forum loaded. Sign in with any of these (password for all: {demo.DEMO_PASSWORD}):"
    )
    for email, name, _organisation, role, _locale in demo.USERS:
        click.echo(f"  {role:10} {email:28} {name}")


@click.command("create-admin")
@click.option("--email", prompt=True)
@click.option("--name", "display_name", prompt="Display name")
@click.option("--organisation", prompt="Organisation (exact name)")
@click.password_option()
def create_admin(email: str, display_name: str, organisation: str, password: str) -> None:
    """Create the first administrator of a fresh install."""
    found = db.session.scalar(select(Organisation).where(Organisation.name == organisation))
    if found is None:
        raise click.ClickException(f"no organisation called {organisation!r}")
    try:
        user = auth_actions.register(
            display_name=display_name, email=email, password=password,
            organisation_id=found.id, locale=DEFAULT_LOCALE,
        )  # fmt: skip
    except auth_actions.EmailTaken:
        raise click.ClickException("an account with that email exists already") from None
    auth_actions.make_admin(user)
    click.echo(f"Administrator {user.email} created.")


@click.command("create-organisation")
@click.option("--region", "region_name", prompt="Region (name in Finnish)")
@click.option("--name", prompt="Organisation name")
@click.option("--kind", type=click.Choice(ORGANISATION_KINDS), default="public_agency")
def create_organisation(region_name: str, name: str, kind: str) -> None:
    """Create an organisation (and its region, if new) on a fresh install."""
    begin_write()
    region = db.session.scalar(select(Region).where(Region.name_fi == region_name))
    if region is None:
        slug = "-".join(region_name.lower().split())
        region = Region(slug=slug, name_fi=region_name, name_sv=region_name, name_en=region_name)
        db.session.add(region)
    db.session.add(Organisation(name=name, kind=kind, region=region))
    db.session.commit()
    click.echo(f"Organisation {name} created in {region.name_fi}.")


@click.command("rerender-posts")
def rerender_posts() -> None:
    """Render every post's Markdown again: after the sanitiser's allowlist has changed, or to
    repair posts stored while a renderer was broken. A post that no longer renders keeps what
    it has, and its id is listed."""
    last_id, changed, failed = 0, 0, []
    while True:
        begin_write()
        posts = db.session.scalars(
            select(Post).where(Post.id > last_id).order_by(Post.id).limit(RERENDER_BATCH)
        ).all()
        if not posts:
            db.session.commit()
            break
        for post in posts:
            try:
                rendered = render(post.body_source)
            except Unrenderable:
                failed.append(post.id)
                continue
            if (post.body_html, post.body_text) != (rendered.html, rendered.text):
                post.body_html, post.body_text = rendered.html, rendered.text
                changed += 1
        last_id = posts[-1].id
        db.session.commit()
    click.echo(f"{changed} posts re-rendered.")
    if failed:
        click.echo(f"Not rendered, kept as they were: {', '.join(map(str, failed))}", err=True)


@click.command("search-rebuild")
def search_rebuild() -> None:
    """Index every visible post again (after an upgrade, or if the index is in doubt)."""
    begin_write()
    count = search_index.rebuild(db.session.connection())
    db.session.commit()
    click.echo(f"{count} posts indexed.")


@click.command("recount")
def recount() -> None:
    """Count the tag and library counts kept per board again from the threads and practices
    (if they are in doubt: the actions keep them in step)."""
    begin_write()
    tag_counters.recount()
    practice_counters.recount()
    db.session.commit()
    click.echo("Counts rebuilt.")


@click.command("analyze")
def analyze() -> None:
    """Refresh the query planner's statistics (SQLite: after loading data, and now and then)."""
    refresh_statistics()
    click.echo("Statistics refreshed.")


@click.command("remove-expired-sessions")
def remove_expired_sessions() -> None:
    """Delete the rows of expired sign-ins: they sign nobody in, and would pile up for ever.
    Run daily (a cron job or systemd timer) until the job worker schedules it."""
    removed = auth_actions.remove_expired_sessions()
    click.echo(f"{removed} expired sessions removed.")


@click.command("deliver-mail")
def deliver_mail() -> None:
    """Send the outbox's due messages now (the job worker does this every minute)."""
    click.echo(f"{deliver_due()} messages sent.")


@click.command("backup")
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(target: Path) -> None:
    """Write a consistent copy of the database to TARGET while the forum runs (SQLite's online
    backup; pg_dump's custom format on PostgreSQL)."""
    try:
        backup.backup(current_app.config["SQLALCHEMY_DATABASE_URI"], target)
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Backup written to {target}.")


@click.command("restore")
@click.argument("source", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--replace", is_flag=True, help="Overwrite a database that has data.")
def restore_command(source: Path, replace: bool) -> None:
    """Bring the backup at SOURCE into the database (empty, unless --replace). Stop the forum
    and its workers first."""
    db.engine.dispose()  # no connection of this process holds the database meanwhile
    try:
        backup.restore(current_app.config["SQLALCHEMY_DATABASE_URI"], source, replace=replace)
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Restored from {source}; integrity checked.")


def init_app(app) -> None:
    app.cli.add_command(seed_demo)
    app.cli.add_command(rerender_posts)
    app.cli.add_command(create_admin)
    app.cli.add_command(create_organisation)
    app.cli.add_command(search_rebuild)
    app.cli.add_command(recount)
    app.cli.add_command(analyze)
    app.cli.add_command(remove_expired_sessions)
    app.cli.add_command(deliver_mail)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
