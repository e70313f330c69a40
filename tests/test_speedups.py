"""Each speed-up (forum.speedups) gives what the stock path gives: templates compiled per
language what runtime gettext gives, escaping included; and whole pages, byte for byte."""

import re
import shutil

import pytest
from markupsafe import Markup, escape

from forum import speedups
from forum.extensions import db
from forum.speedups.templates import escape_output
from tests.conftest import _make_app

SOURCE = (
    "{{ _('Boards') }}|{{ _('by %(name)s', name=name) }}|"
    "{{ ngettext('%(num)d thread', '%(num)d threads', count) }}|{{ _(dynamic) }}|"
    "{% set label = _('Search') %}{{ label }}"
)


@pytest.fixture(scope="module")
def app():
    return _make_app("sqlite://")


def _render_both(app, locale: str, **values) -> tuple[str, str]:
    """(per-language compiled, runtime gettext) renderings of SOURCE."""
    with app.test_request_context(headers={"Accept-Language": locale}):
        compiled_env = app.jinja_env._for_request()
        assert compiled_env is not app.jinja_env
        assert compiled_env.translations is not None
        compiled = compiled_env.from_string(SOURCE).render(**values)
        runtime = app.jinja_env.from_string(SOURCE).render(**values)
    return compiled, runtime


@pytest.mark.parametrize("locale", ["fi", "sv", "en"])
@pytest.mark.parametrize("count", [0, 1, 2, 1000])
def test_compiled_translations_match_runtime_gettext(app, locale, count):
    values = {"name": "<b>Aino</b> & co", "count": count, "dynamic": "Tags"}
    compiled, runtime = _render_both(app, locale, **values)
    assert compiled == runtime
    assert "&lt;b&gt;Aino&lt;/b&gt; &amp; co" in compiled
    assert "<b>" not in compiled


def test_each_language_gets_its_own_compiled_templates(app):
    finnish, _ = _render_both(app, "fi", name="x", count=1, dynamic="Tags")
    swedish, _ = _render_both(app, "sv", name="x", count=1, dynamic="Tags")
    english, _ = _render_both(app, "en", name="x", count=1, dynamic="Tags")
    assert finnish.startswith("Keskustelualueet|")
    assert swedish.startswith("Diskussionsområden|")
    assert english.startswith("Boards|")
    assert "1 ketju" in finnish and "1 tråd" in swedish and "1 thread" in english


def test_constant_strings_leave_no_gettext_call_in_compiled_code(app):
    with app.test_request_context(headers={"Accept-Language": "fi"}):
        code = app.jinja_env._for_request().compile("{{ _('Boards') }}", raw=True)
    assert "gettext" not in code
    assert "Keskustelualueet" in code


def test_template_links_are_the_same_as_url_for(app):
    from flask import url_for

    from forum.speedups.urls import cached_url_for

    with app.test_request_context("/", base_url="http://example.fi/forum/"):
        for endpoint, values in [
            ("boards.index", {}),
            ("threads.show", {"thread_id": 7}),
            ("auth.login", {"next": "/threads/7?page=2"}),
            ("threads.show", {"thread_id": 7, "_anchor": "post-9"}),
        ]:
            assert cached_url_for(endpoint, **values) == url_for(endpoint, **values)
            assert cached_url_for(endpoint, **values).startswith("/forum/")
    with app.test_request_context("/"):
        assert cached_url_for("threads.show", thread_id=7) == "/threads/7"
    for host in ("http://a.example.fi/", "https://b.example.fi/"):  # the request's own host
        with app.test_request_context("/", base_url=host):
            assert cached_url_for("threads.show", thread_id=7, _external=True) == (
                f"{host}threads/7"
            )


@pytest.mark.parametrize(
    "value",
    ["plain", "<script>alert('x')</script>", 'a "quoted" & <b>', 42, -1, True, None, 2.5,
     Markup("<em>safe</em>"), ["<list>"]],
)  # fmt: skip
def test_output_is_escaped_as_markupsafe_does(app, value):
    assert escape_output(value) == str(escape(value))
    with app.test_request_context(headers={"Accept-Language": "fi"}):
        compiled = app.jinja_env._for_request().from_string("{{ value }}")
        assert compiled.render(value=value) == str(escape(value))


def test_url_prefix_is_url_for_without_the_last_argument(app):
    from flask import url_for

    from forum.speedups.urls import url_prefix

    with app.test_request_context("/", base_url="http://example.fi/forum/"):
        assert url_prefix("threads.show", "thread_id") + "42" == url_for(
            "threads.show", thread_id=42
        )
        assert url_prefix("tags.show", "slug") + "seuranta" == url_for("tags.show", slug="seuranta")
        with pytest.raises(ValueError):
            url_prefix("threads.branch", "post_id")  # /posts/<id>/branch: the id is not last


@pytest.mark.parametrize(
    "value",
    ["plain", "<script>alert('x')</script>", 'a "quoted" & <b>', 42, True, None,
     Markup("<time>5.3.2026</time>")],
)  # fmt: skip
def test_translated_sentences_fill_values_as_runtime_gettext_does(app, value):
    source = "{{ _('by %(name)s', name=value) }}|{{ _('edited %(when)s', when=value) }}"
    for locale in ("fi", "sv", "en"):
        with app.test_request_context(headers={"Accept-Language": locale}):
            compiled = app.jinja_env._for_request().from_string(source).render(value=value)
            runtime = app.jinja_env.from_string(source).render(value=value)
        assert compiled == runtime


CALLS = """
{%- macro item(value, suffix='.') -%}
<{{ value }}{{ suffix }}{{ caller() if caller }}>
{%- endmacro -%}
{%- macro pair(left, right) -%}[{{ left }}|{{ right }}]{%- endmacro -%}
{%- macro rest(first) -%}({{ first }}{{ varargs|join(',') }}{{ kwargs|length }}){%- endmacro -%}
{%- for value in values -%}
{{ item(value) }}{{ item(value, suffix='!') }}{{ item(value, '?') }}{{ pair(value, '&') }}
{%- call item(value) %}c{% endcall %}{{ rest(value) }}{{ rest(value, value, key=1) }}
{{- with_context() }}{{ with_environment() }}
{{- plain(value) }}{{ bound(value) }}{{ builtin(values) }}
{%- endfor -%}
"""


def test_calls_from_templates_keep_jinja_semantics(app):
    """The context's fast path for plain callables and macros gives what Jinja's own gives,
    and callables that ask for the context or environment still get it."""
    from jinja2 import Environment, pass_context, pass_environment

    values = {
        "values": ["a", "<b>"],
        "with_context": pass_context(lambda context: context["values"][0]),
        "with_environment": pass_environment(lambda environment: type(environment).__name__),
        "plain": lambda value: f"[{value}]",
        "bound": "-{}-".format,
        "builtin": len,
    }
    plain_jinja = Environment(autoescape=True).from_string(CALLS).render(**values)
    with app.test_request_context(headers={"Accept-Language": "fi"}):
        ours = app.jinja_env._for_request().from_string(CALLS).render(**values)
    assert ours.replace("ForumEnvironment", "Environment") == plain_jinja
    assert "&lt;b&gt;!" in ours and "<a.c>" in ours and "<a?>" in ours
    assert "[&lt;b&gt;|&amp;]" in ours and "(&lt;b&gt;&lt;b&gt;1)" in ours


def test_a_callable_raising_stop_iteration_leaves_the_page_whole(app):
    """As Jinja's own context.call: the value is undefined, the page renders on."""

    def exhausted():
        raise StopIteration

    with app.test_request_context(headers={"Accept-Language": "fi"}):
        template = app.jinja_env._for_request().from_string("a{{ exhausted() }}b")
        assert template.render(exhausted=exhausted) == "ab"


ATTRIBUTES = """
{{- row.title }}|{{ mapping.key }}|{{ mapping.items is defined }}|{{ row.absent is defined }}
{{- '|' }}{{ rows[0].title }}|{{ row.title.upper() }}|{% for r in rows %}{{ r.title }}{% endfor %}
{%- macro m(x) %}{{ x.title }}{% endmacro %}|{{ m(row) }}
"""


def test_attribute_lookups_keep_jinja_semantics(app):
    """The compiled fast path for `name.attribute` falls back as Jinja's getattr does: to an
    item of that name, else to undefined."""
    from collections import namedtuple

    from jinja2 import Environment, UndefinedError

    row = namedtuple("Row", "title")("<T>")
    values = {"row": row, "rows": [row], "mapping": {"key": "value"}}
    plain_jinja = Environment(autoescape=True).from_string(ATTRIBUTES).render(**values)
    with app.test_request_context(headers={"Accept-Language": "fi"}):
        ours = app.jinja_env._for_request().from_string(ATTRIBUTES).render(**values)
    title = "&lt;T&gt;"
    assert ours == plain_jinja == f"{title}|value|True|False|{title}|{title}|{title}|{title}"
    with app.test_request_context(headers={"Accept-Language": "fi"}):
        template = app.jinja_env._for_request().from_string("{{ absent.attribute }}")
        with pytest.raises(UndefinedError):
            template.render()


# Every kind of page of the demo forum, as a visitor, a member and an administrator see it.
PAGES = {
    None: ["/", "/boards/yleinen", "/threads/1", "/threads/2", "/posts/2/branch", "/tags",
           "/events/", "/events/1",
           "/tags/tyokokeilu", "/practices", "/search?q=ty%C3%B6kyky", "/login", "/register",
           "/privacy"],
    "eetu@example.fi": ["/", "/boards/yleinen", "/threads/1", "/tags/propose", "/account",
                        "/users/1", "/boards/yleinen/new", "/practices?region=1", "/notifications",
                        "/unread", "/threads/1/watch", "/account/notifications", "/account/data",
                        "/account/erase", "/groups/", "/organisations/", "/organisations/1",
                        "/organisations/11", "/organisations/5/describe",
                        "/organisations/1/assessment", "/organisations/5/assessment/new",
                        "/events/", "/events/2", "/account/calendar", "/goals",
                        "/goals/1", "/organisations/5/goals", "/organisations/5/goals/new",
                        "/goals/4/edit"],
    "admin@example.fi": ["/threads/1", "/staff/moderation/", "/staff/admin/members",
                         "/staff/admin/audit", "/staff/members/invitations", "/staff/admin/tags",
                         "/staff/admin/members/2/erase", "/staff/moderation/log",
                         "/staff/admin/training-groups", "/staff/groups/1",
                         "/staff/organisations/information-needs", "/staff/events/new",
                         "/staff/events/1/edit", "/staff/events/1/people",
                         "/staff/events/1/cancel"],
}  # fmt: skip
# What differs between any two requests: the CSRF token and the post forms' one-time ids.
PER_REQUEST = re.compile(r'(name="(?:[\w-]*csrf_token|submission_id)"[^>]*value=")[^"]*"')


def _pages_as_served(database_url: str, speedups: frozenset) -> dict:
    from forum import create_app
    from forum.demo import DEMO_PASSWORD
    from tests.conftest import TEST_CONFIG, Auth, IsolatedClient

    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url,
                      "FORUM_SPEEDUPS": speedups})  # fmt: skip
    app.test_client_class = IsolatedClient  # each request in an app context of its own
    served = {}
    with app.app_context():
        for reader, paths in PAGES.items():
            for locale in ("fi", "sv", "en"):
                client = app.test_client()
                client.get(f"/language/{locale}")
                if reader:
                    Auth(client).login(reader, DEMO_PASSWORD)
                for path in paths:
                    response = client.get(path)
                    assert response.status_code == 200, (reader, path)
                    served[(reader, locale, path)] = PER_REQUEST.sub(r"\1", response.text)
        db.session.remove()
        db.engine.dispose()
    return served


def test_every_page_is_the_same_with_and_without_the_speedups(sqlite_template, tmp_path):
    """The stock path of each speed-up (forum.speedups) and the fast one write the same pages,
    byte for byte, in every language, for every kind of reader."""
    path = tmp_path / "demo.sqlite3"
    shutil.copy(sqlite_template, path)
    url = f"sqlite:///{path}"
    seeding = _make_app(url)
    with seeding.app_context():
        assert seeding.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
        db.session.remove()
        db.engine.dispose()
    # Each from the same forum: reading a page moves the reader's read marks on.
    shutil.copy(path, tmp_path / "stock.sqlite3")
    fast = _pages_as_served(url, frozenset(speedups.NAMES))
    stock = _pages_as_served(f"sqlite:///{tmp_path / 'stock.sqlite3'}", frozenset())
    assert fast.keys() == stock.keys()
    different = [key for key in fast if fast[key] != stock[key]]
    assert not different, different[:5]
    assert any("Keskustelualueet" in page for page in fast.values())  # translated, not English


def test_the_speedups_setting_names_known_speedups():
    assert speedups.from_setting("all") == frozenset(speedups.NAMES)
    assert speedups.from_setting("none") == frozenset()
    assert speedups.from_setting("dates, urls") == {"dates", "urls"}
    with pytest.raises(ValueError, match="unknown"):
        speedups.from_setting("dates,warp")


def test_without_the_speedups_the_stock_paths_serve():
    """What the comparison above compares with is Jinja's, Flask's and Babel's own."""
    from flask import url_for
    from jinja2.compiler import CodeGenerator
    from jinja2.runtime import Context

    from forum import create_app, i18n
    from tests.conftest import TEST_CONFIG

    stock = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": "sqlite://",
                        "FORUM_SPEEDUPS": frozenset()})  # fmt: skip
    environment = stock.jinja_env
    assert environment.context_class is Context
    assert environment.code_generator_class.__mro__[1:] == CodeGenerator.__mro__
    assert not environment.compile_translations and environment.language_filters is None
    assert environment.globals["url_for"] is url_for
    assert environment.filters["date"] is i18n.babel_date_filter
