"""Three languages: complete catalogs, locale choice, the switcher, translated content."""

import subprocess
import sys
from pathlib import Path

import polib
import pytest

from forum.auth.models import User
from forum.config import PROJECT_ROOT
from forum.extensions import db
from forum.i18n import LOCALE_COOKIE
from tests.conftest import form_token

TRANSLATIONS = PROJECT_ROOT / "translations"
CATALOGS = {
    locale: TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po" for locale in ("fi", "sv")
}


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> set[str]:
    """The msgids in the code and templates now, extracted as `make update-catalogs` does."""
    output = tmp_path_factory.mktemp("pot") / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F",
         str(TRANSLATIONS / "babel.cfg"), "-k", "_l", "-k", "lazy_gettext", "--no-location",
         "-o", str(output), "."],
        cwd=PROJECT_ROOT, check=True, capture_output=True,
    )  # fmt: skip
    return {entry.msgid for entry in polib.pofile(str(output))}


@pytest.mark.parametrize("locale", CATALOGS)
def test_catalog_is_complete(locale):
    catalog = polib.pofile(str(CATALOGS[locale]))
    problems = []
    for entry in catalog:
        if entry.obsolete:
            continue
        if "fuzzy" in entry.flags:
            problems.append(("fuzzy", entry.msgid))
        if entry.msgid_plural:
            if not all(entry.msgstr_plural.get(i) for i in range(2)):
                problems.append(("untranslated plural", entry.msgid))
        elif not entry.msgstr:
            problems.append(("untranslated", entry.msgid))
    assert problems == []
    assert "nplurals=2" in catalog.metadata["Plural-Forms"]


@pytest.mark.parametrize("locale", CATALOGS)
def test_catalog_has_every_message_of_the_code(locale, extracted):
    catalog = {entry.msgid for entry in polib.pofile(str(CATALOGS[locale])) if not entry.obsolete}
    assert extracted - catalog == set(), "run `make update-catalogs` and translate"


def test_template_is_current(extracted):
    template = {entry.msgid for entry in polib.pofile(str(TRANSLATIONS / "messages.pot"))}
    assert template == extracted, "run `make update-catalogs`"


@pytest.mark.parametrize("locale", CATALOGS)
def test_placeholders_survive_translation(locale):
    import re

    for entry in polib.pofile(str(CATALOGS[locale])):
        wanted = set(re.findall(r"%\(\w+\)[sd]", entry.msgid))
        translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for text in translations:
            assert set(re.findall(r"%\(\w+\)[sd]", text)) == wanted, entry.msgid


@pytest.mark.parametrize("locale", CATALOGS)
def test_compiled_catalog_is_newer_than_its_source(locale):
    compiled = Path(str(CATALOGS[locale])[: -len(".po")] + ".mo")
    assert compiled.exists(), "run `make translations`"
    assert compiled.stat().st_mtime >= CATALOGS[locale].stat().st_mtime


@pytest.mark.parametrize(
    ("accept", "expected"),
    [("sv-FI,sv;q=0.9", "sv"), ("en-GB,en;q=0.8", "en"), ("fi", "fi"), ("pt-BR", "fi"), ("", "fi")],
)
def test_browser_language_is_used_when_nothing_was_chosen(client, accept, expected):
    page = client.get("/", headers={"Accept-Language": accept})
    assert f'<html lang="{expected}">' in page.text


def test_cookie_choice_beats_the_browser(client):
    client.set_cookie(LOCALE_COOKIE, "sv")
    page = client.get("/", headers={"Accept-Language": "en"})
    assert '<html lang="sv">' in page.text
    assert "Diskussionsområden" in page.text


def test_bad_cookie_value_is_ignored(client):
    client.set_cookie(LOCALE_COOKIE, "xx")
    assert '<html lang="en">' in client.get("/", headers={"Accept-Language": "en"}).text


def test_signing_in_brings_the_preference_and_the_switcher_then_changes_this_browser(
    client, auth, make
):
    make.user(email="sv@example.fi", locale="sv")
    client.set_cookie(LOCALE_COOKIE, "en")
    auth.login("sv@example.fi")
    assert '<html lang="sv">' in client.get("/", headers={"Accept-Language": "fi"}).text
    client.get("/language/en?next=/")
    assert '<html lang="en">' in client.get("/", headers={"Accept-Language": "fi"}).text


def test_switcher_remembers_the_choice_and_stays_on_site(client):
    response = client.get("/language/sv?next=/boards/x")
    assert response.status_code == 302
    assert response.headers["Location"] == "/boards/x"
    assert client.get_cookie(LOCALE_COOKIE).value == "sv"
    for evil in ("https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:x"):
        assert client.get("/language/fi", query_string={"next": evil}).headers["Location"] == "/"


def test_the_switcher_changes_no_stored_preference(client, auth, make):
    # A link (a GET) that a page could make any browser follow changes nothing stored.
    user = make.user(email="fi@example.fi", locale="fi")
    auth.login("fi@example.fi")
    client.get("/language/en?next=/")
    assert db.session.get(User, user.id).locale == "fi"
    assert '<html lang="en">' in client.get("/").text


def test_switcher_names_each_language_in_itself(client):
    page = client.get("/", headers={"Accept-Language": "sv"}).text
    assert 'lang="fi" hreflang="fi">Suomi</a>' in page
    assert 'lang="sv" hreflang="sv" aria-current="true">Svenska</a>' in page
    assert 'lang="en" hreflang="en">English</a>' in page


@pytest.mark.parametrize(
    ("locale", "name", "description"),
    [("fi", "Alue", "Kuvaus"), ("sv", "Område", "Beskrivning"), ("en", "Board", "Description")],
)
def test_board_names_follow_the_reader(client, make, locale, name, description):
    board = make.board()
    page = client.get("/", headers={"Accept-Language": locale}).text
    assert getattr(board, f"name_{locale}") in page and name in page
    assert description in page


@pytest.mark.parametrize(
    ("locale", "date_text"), [("fi", "1.3.2026"), ("sv", "2026-03-01"), ("en", "01/03/2026")]
)
def test_dates_are_formatted_by_locale(client, auth, make, locale, date_text):
    from datetime import UTC, datetime

    from forum.threads.models import Thread

    thread = make.thread()
    db.session.execute(
        db.update(Thread)
        .where(Thread.id == thread.id)
        .values(created_at=datetime(2026, 3, 1, 10, 0, tzinfo=UTC))
    )
    db.session.commit()
    make.user(email="reader@example.fi", locale=locale)
    auth.login("reader@example.fi")
    page = client.get(f"/users/{thread.author_id}").text
    assert f'<time datetime="2026-03-01T10:00:00+00:00">{date_text}</time>' in page


def test_plural_forms_in_finnish(client, make):
    board = make.board()
    make.thread(board)
    page = client.get("/", headers={"Accept-Language": "fi"}).text
    assert "1 ketju" in page and "1 viesti" in page
    make.thread(board)
    page = client.get("/", headers={"Accept-Language": "fi"}).text
    assert "2 ketjua" in page and "2 viestiä" in page


def test_form_errors_are_translated(client):
    page = client.get("/login", headers={"Accept-Language": "sv"})
    response = client.post(
        "/login",
        data={"csrf_token": form_token(page.text), "email": "", "password": ""},
        headers={"Accept-Language": "sv"},
    )
    assert "Ange din e-postadress." in response.text
    assert "<title>Fel:" in response.text


def test_app_refuses_to_start_without_compiled_catalogs(monkeypatch, tmp_path):
    from forum import create_app

    monkeypatch.setenv("SECRET_KEY", "x")
    with pytest.raises(RuntimeError, match="compiled catalogs missing"):
        create_app({"TESTING": True, "BABEL_TRANSLATION_DIRECTORIES": str(tmp_path)})


@pytest.mark.parametrize("locale", ["fi", "sv", "en"])
def test_fast_date_formats_match_babel(app, locale):
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from babel import dates

    from forum.i18n import date_filter, datetime_filter

    zone = ZoneInfo("Europe/Helsinki")
    # Single and double digits, midnight and noon in Helsinki, both sides of the DST changes,
    # a year that ends in 0x.
    values = [
        datetime(2026, 3, 5, 14, 7, tzinfo=UTC),
        datetime(2026, 12, 31, 22, 0, tzinfo=UTC),
        datetime(2026, 6, 30, 9, 0, tzinfo=UTC),
        datetime(2026, 3, 29, 0, 59, tzinfo=UTC),
        datetime(2026, 10, 25, 1, 30, tzinfo=UTC),
        datetime(2009, 1, 1, 11, 5, tzinfo=UTC),
        datetime(2031, 1, 2, 3, 4, tzinfo=UTC),
    ]
    patterns = {"en": "en_GB"}.get(locale, locale)  # English day first, 24-hour
    with app.test_request_context(headers={"Accept-Language": locale}):
        for value in values:
            expected = dates.format_datetime(value, "short", tzinfo=zone, locale=patterns)
            assert f">{expected}<" in str(datetime_filter(value))
            day = dates.format_date(value.astimezone(zone), "short", locale=patterns)
            assert f">{day}<" in str(date_filter(value))


def test_english_dates_read_day_first_and_24_hour(app):
    from datetime import UTC, datetime

    from forum.i18n import datetime_filter

    with app.test_request_context(headers={"Accept-Language": "en"}):
        shown = str(datetime_filter(datetime(2026, 12, 3, 9, 19, tzinfo=UTC)))
    assert ">03/12/2026, 11:19<" in shown and "AM" not in shown and "PM" not in shown


@pytest.mark.parametrize("locale", ["fi", "sv", "en"])
def test_date_filters_bound_to_a_language_match_the_request_time_ones(app, locale):
    from datetime import UTC, datetime

    from forum.i18n import date_filter, datetime_filter

    value = datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
    source = "{{ value|date }}|{{ value|datetime }}|{{ none|date }}{{ none|datetime }}"
    with app.test_request_context(headers={"Accept-Language": locale}):
        overlay = app.jinja_env._for_request()
        assert overlay.filters["date"] is not app.jinja_env.filters["date"]
        bound = overlay.from_string(source).render(value=value, none=None)
        assert bound == f"{date_filter(value)}|{datetime_filter(value)}|"


@pytest.mark.parametrize("locale", ["fi", "sv", "en"])
def test_number_filter_matches_babel(app, locale):
    from babel import numbers

    from forum.i18n import number_filter

    with app.test_request_context(headers={"Accept-Language": locale}):
        for value in (0, 7, 999, 1000, 12345, 1234567, -5, 2.5):
            assert number_filter(value) == numbers.format_decimal(value, locale=locale)


def test_labels_translated_once_a_language_are_kept_in_that_language(app):
    """PerLanguage keeps each language's text under that language, whatever locale Babel was
    forced to when it first worked them out."""
    from contextlib import contextmanager

    from flask_babel import force_locale
    from flask_babel import lazy_gettext as _l

    from forum.i18n import PerLanguage, current_locale

    labels = PerLanguage({"message": _l("Message")})

    @contextmanager
    def served(language):
        """A request with its own app context (and g), as a served request has."""
        with app.app_context(), app.test_request_context(headers={"Accept-Language": language}):
            yield

    with served("fi"):
        assert current_locale() == "fi"  # a request knows its language before any label
        with force_locale("sv"):
            labels()
        assert labels() == {"message": "Viesti"}
    with served("sv"):
        assert labels() == {"message": "Meddelande"}


def test_thread_titles_carry_their_language_where_it_differs_from_the_page(client, make):
    board = make.board()
    swedish = make.thread(board, title="Arbetsprövning i praktiken", language="sv")
    make.thread(board, title="Työkokeilu käytännössä", language="fi")
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "fi"
    listing = client.get(f"/boards/{board.slug}").text
    assert f'href="/threads/{swedish.id}" lang="sv">Arbetsprövning i praktiken</a>' in listing
    assert 'lang="fi">Työkokeilu käytännössä' not in listing  # the page's own language
    branch = client.get(f"/posts/{make.opening_post(swedish).id}/branch").text
    assert '<span lang="sv">Arbetsprövning i praktiken</span></a></li>' in branch  # breadcrumb


def test_feed_entries_carry_their_own_language(client, make):
    from forum.tags.models import Tag

    tag = db.session.scalar(db.select(Tag).where(Tag.slug == "tyokokeilu"))
    make.thread(title="Arbetsprövning i praktiken", language="sv", tags=[tag])
    feed = client.get("/tags/tyokokeilu.atom", headers={"Accept-Language": "fi"}).text
    assert '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fi">' in feed
    assert '<entry xml:lang="sv">\n    <title>Arbetsprövning i praktiken</title>' in feed


def test_notifications_mark_a_titles_language_inside_the_sentence(client, auth, make):
    asker = make.user(email="kysyja@example.fi", locale="fi")
    thread = make.thread(make.board(), author=asker, title="Arbetsprövning", language="sv")
    make.reply(make.opening_post(thread), author=make.user(), body="Svar")
    auth.login("kysyja@example.fi")
    page = client.get("/notifications").text
    assert '<span lang="sv">Arbetsprövning</span>' in page


def test_mail_rendered_after_a_visitors_request_names_the_members(app, client, make):
    """A visitor's request hides names (the member filter) only while it lasts: mail the same
    thread renders afterwards names the people it is about."""
    assert client.get("/").status_code == 200  # signed out
    template = app.jinja_env.from_string("{{ 'Aino Virtanen'|member }}")
    assert template.render() == "Aino Virtanen"
