"""Command-line tasks: `flask --app app <command>`."""

import click
from sqlalchemy import select

from forum import demo
from forum.database import begin_write
from forum.extensions import db
from forum.markup import render
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
    click.echo(
        f"Demo forum loaded. Sign in with any of these (password for all: {demo.DEMO_PASSWORD}):"
    )
    for email, name, _organisation, role, _locale in demo.USERS:
        click.echo(f"  {role:10} {email:28} {name}")


@click.command("rerender-posts")
def rerender_posts() -> None:
    """Render every post's Markdown again, after the sanitiser's allowlist has changed."""
    last_id, changed = 0, 0
    while True:
        begin_write()
        posts = db.session.scalars(
            select(Post).where(Post.id > last_id).order_by(Post.id).limit(RERENDER_BATCH)
        ).all()
        if not posts:
            db.session.commit()
            break
        for post in posts:
            rendered = render(post.body_source)
            if (post.body_html, post.body_text) != (rendered.html, rendered.text):
                post.body_html, post.body_text = rendered.html, rendered.text
                changed += 1
        last_id = posts[-1].id
        db.session.commit()
    click.echo(f"{changed} posts re-rendered.")


def init_app(app) -> None:
    app.cli.add_command(seed_demo)
    app.cli.add_command(rerender_posts)
