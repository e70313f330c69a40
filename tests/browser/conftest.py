"""Browser tests: Playwright driving Debian's Chromium against a live server on the demo forum.

Without /usr/bin/chromium they are skipped with that reason, unless FORUM_REQUIRE_BROWSER=1
(as in CI), where that fails.
"""

import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from forum import create_app
from forum.extensions import db
from tests.conftest import TEST_CONFIG

CHROMIUM = os.environ.get("FORUM_CHROMIUM", "/usr/bin/chromium")
REQUIRE_BROWSER = os.environ.get("FORUM_REQUIRE_BROWSER") == "1"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "demo-salasana-2026"


@pytest.fixture(scope="session")
def live_app(sqlite_template, tmp_path_factory):
    """The app on the demo data, served on a free loopback port in a thread: (app, address).
    Without SMTP, its mail is written to instance_path/mail/ as the development server's is."""
    folder = tmp_path_factory.mktemp("live")
    path = folder / "forum.sqlite3"
    shutil.copy(sqlite_template, path)
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    app.instance_path = str(folder)
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["seed-demo"])
        assert result.exit_code == 0, result.output
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    address = f"http://127.0.0.1:{server.server_port}"
    app.config["FORUM_BASE_URL"] = address
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app, address
    server.shutdown()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def live_server(live_app):
    return live_app[1]


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        message = f"no browser: {CHROMIUM} is missing (apt-get install chromium)"
        if REQUIRE_BROWSER:
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def context(browser):
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    yield context
    context.close()


@pytest.fixture
def page(context):
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


def sign_in(page, base: str, email: str, password: str = PASSWORD) -> None:
    page.goto(f"{base}/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("form.narrow-form button[type=submit]")
    page.wait_for_url(f"{base}/")
