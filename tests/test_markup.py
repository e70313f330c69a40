"""Markdown is rendered once, at write time, into HTML that cannot run script."""

import pytest

from forum import markup

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


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_payloads_are_neutralised(payload):
    html = markup.render(payload).html.lower()
    # Escaped text (&lt;script&gt;) is harmless; a live tag or attribute is not.
    for needle in FORBIDDEN:
        assert needle not in html.replace("&lt;", "").replace("&amp;", ""), (payload, html)


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


def test_existing_rel_is_replaced():
    html = markup.render('<a href="https://x.example" rel="opener">x</a>').html
    assert 'rel="nofollow ugc noopener"' in html and 'opener"' not in html.replace("noopener", "")


def test_plain_text_for_snippets():
    rendered = markup.render("**Työkyky** & <b>kuntoutus</b>\n\n- yksi\n- kaksi")
    assert rendered.text == "Työkyky & kuntoutus yksi kaksi"


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
