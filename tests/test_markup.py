"""Markdown is rendered once, at write time, into HTML that cannot run script."""

import time
from html.parser import HTMLParser

import pytest

from forum import markup
from tests.markup_corpus import CORPUS

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<svg/onload=alert(1)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<iframe src=javascript:alert(1)></iframe>",
    '<a href="javascript:alert(1)">x</a>',
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](vbscript:msgbox(1))",
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<p onmouseover=alert(1)>x</p>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<form><button formaction=javascript:alert(1)>x</button></form>",
    "<object data=javascript:alert(1)>",
    "<base href=//evil.example/>",
    '![x](http://evil.example/x.png" onerror="alert(1))',
    "<details open ontoggle=alert(1)>",
    "<<script>script>alert(1)<</script>/script>",
    "`<script>alert(1)</script>`",
]

FORBIDDEN = ("<script", "onerror", "onload", "onmouseover", "ontoggle", "javascript:", "<iframe",
             "<svg", "<math", "<style", "<form", "<object", "<base", "style=", "data:", "vbscript",
             "<img", "<noscript")  # fmt: skip


class _LiveMarkup(HTMLParser):
    """The tags and attributes a browser would act on: escaped text is harmless."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.attributes: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attributes.extend((name, value or "") for name, value in attrs)


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_payloads_are_neutralised(payload):
    live = _LiveMarkup()
    live.feed(markup.render(payload).html)
    assert live.tags <= markup.ALLOWED_TAGS, payload
    for name, value in live.attributes:
        assert name in ("href", "title", "rel"), payload
        if name == "href":
            assert value.split(":")[0].lower() in ("http", "https", "mailto"), payload


def test_markdown_features_survive():
    rendered = markup.render(
        "# Title\n\nSome **bold** and *italic* text.\n\n- one\n- two\n\n> quoted\n\n"
        "```\ncode <b>\n```\n\n[link](https://example.fi) and mailto:x@example.fi"
    )
    html = rendered.html
    assert "<h4>Title</h4>" in html  # headings start below the page's own
    assert "<strong>bold</strong>" in html and "<em>italic</em>" in html
    assert "<li>one</li>" in html and "<blockquote>" in html
    assert "<pre><code>code &lt;b&gt;" in html
    assert '<a href="https://example.fi" rel="nofollow ugc noopener">link</a>' in html


def test_bare_urls_become_links_with_rel():
    html = markup.render("See https://example.fi/page for more").html
    assert '<a href="https://example.fi/page" rel="nofollow ugc noopener">' in html


def test_a_written_anchor_is_text_and_links_get_the_forums_rel():
    html = markup.render(
        '<a href="https://x.example" rel="opener">x</a> [y](https://y.example)'
    ).html
    assert html.startswith("<p>&lt;a href=")
    assert '<a href="https://y.example" rel="nofollow ugc noopener">y</a>' in html


def test_plain_text_for_snippets():
    rendered = markup.render("**Työkyky** & <b>kuntoutus</b>\n\n- yksi\n- kaksi")
    assert rendered.text == "Työkyky & <b>kuntoutus</b> yksi kaksi"


def test_plain_text_keeps_words_whole():
    assert markup.render("**työ**kyky and `code`s").text == "työkyky and codes"


def test_threads_rendering_at_once_get_the_same_html_as_one_at_a_time():
    from concurrent.futures import ThreadPoolExecutor

    sources = [
        f"# Otsikko {n}\n\n**Työkokeilu** <script>x()</script> {n}: https://example.fi/{n}\n\n"
        f"- yksi\n- kaksi\n\n```\ncode {n}\n```"
        for n in range(200)
    ]
    expected = [markup.render(source) for source in sources]
    with ThreadPoolExecutor(max_workers=8) as pool:
        assert list(pool.map(markup.render, sources)) == expected
    assert all("<script" not in rendered.html for rendered in expected)


def test_a_post_does_not_see_link_references_of_the_post_rendered_before_it():
    markup.render("[lähde]: https://example.fi/aiempi\n\nTeksti")
    assert "example.fi/aiempi" not in markup.render("Katso [tämä][lähde].").html


# The renderer's own limit is RENDER_TIME_LIMIT of processor time; this only catches a render
# that the limit cannot interrupt (a regular-expression search in C), with room for a busy
# machine. The times themselves are measured by `python -m bench.markup`.
HANG = 3.0


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_pathological_input_is_rendered_or_refused_in_time(name):
    started = time.perf_counter()
    try:
        rendered = markup.render(CORPUS[name])
    except markup.Unrenderable:
        pass
    else:
        assert rendered.text or rendered.html is not None
    assert time.perf_counter() - started < HANG, name


def test_nesting_past_the_limit_is_text():
    html = markup.render("- " * 5000 + "x").html
    assert html.count("<ul>") == markup.MAX_NESTING
    assert "- - -" in html


def test_ordered_and_quoted_nesting_is_bounded_too():
    assert markup.render("1. " * 3000 + "x").html.count("<ol>") == markup.MAX_NESTING
    assert markup.render(">" * 3000 + "x").html.count("<blockquote>") == markup.MAX_NESTING


def test_shallow_lists_and_rules_are_untouched():
    assert markup.render("- a\n    - b\n        - c").html.count("<ul>") == 3
    assert markup.render("- - - - - - - - - - - - - - - - - - - - - - - -").html == "<hr>"


def test_a_failed_render_leaves_nothing_broken_behind(monkeypatch):
    # Without the bound, deep nesting makes Python-Markdown recurse until it fails; the
    # converter it failed in was reused and rendered every later post as escaped text.
    monkeypatch.setattr(markup, "MAX_NESTING", 100_000)
    with pytest.raises(markup.Unrenderable):
        markup.render("- " * 5000 + "x")
    monkeypatch.undo()
    assert markup.render("**bold** and *em*").html == (
        "<p><strong>bold</strong> and <em>em</em></p>"
    )


def test_markup_too_dense_to_render_in_time_is_refused():
    with pytest.raises(markup.Unrenderable):
        markup.render(CORPUS["opening brackets"])
    assert markup.render("[a](https://a.fi)").html.startswith('<p><a href="https://a.fi"')


def test_raw_html_is_shown_as_text():
    html = markup.render("<b>bold</b> <https://a.fi>").html
    assert html.startswith('<p>&lt;b&gt;bold&lt;/b&gt; <a href="https://a.fi"')


def test_a_link_after_many_parentheses_is_still_found():
    html = markup.render("(" * 50 + "https://a.fi/x)").html
    assert '<a href="https://a.fi/x"' in html


def test_other_threads_busy_in_the_process_do_not_use_up_a_renders_time():
    # The timer counts the whole process; a render is refused only for its own thread's time.
    import threading

    stop = threading.Event()

    def busy():
        while not stop.is_set():
            sum(range(10_000))

    worker = threading.Thread(target=busy)
    worker.start()
    try:
        deadline = time.perf_counter() + 1.0
        while time.perf_counter() < deadline:
            assert markup.render("**lyhyt** viesti").html == "<p><strong>lyhyt</strong> viesti</p>"
    finally:
        stop.set()
        worker.join()
