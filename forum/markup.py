"""Markdown to sanitised HTML and plain text. The only module that imports markdown or bleach.

Posts are rendered once, when written; pages show the stored HTML. bleach 6.4 is its last
release, so the allowlist stays small and boring: every historic bleach bypass needed one of
svg, math, style, noscript, iframe or form, and none of them is allowed here.
"""

import threading
from dataclasses import dataclass
from html.parser import HTMLParser

import bleach
import markdown
from bleach.linkifier import LinkifyFilter
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

ALLOWED_TAGS = frozenset(
    {
        "p", "br", "hr", "strong", "em", "del", "code", "pre", "blockquote",
        "ul", "ol", "li", "a", "h4", "h5", "h6",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": ["href", "title", "rel"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow ugc noopener"
# The page's own headings go down to h3; a post's headings start below them.
HEADING_OFFSET = 3


@dataclass(frozen=True)
class Rendered:
    html: str
    text: str


class _DemoteHeadings(Treeprocessor):
    def run(self, root):
        for element in root.iter():
            if len(element.tag) == 2 and element.tag[0] == "h" and element.tag[1].isdigit():
                element.tag = f"h{min(int(element.tag[1]) + HEADING_OFFSET, 6)}"


class _DemoteHeadingsExtension(Extension):
    def extendMarkdown(self, md):  # noqa: N802 - the name markdown calls
        md.treeprocessors.register(_DemoteHeadings(md), "demote_headings", 0)


def _set_rel(attrs, new=False):
    attrs[(None, "rel")] = LINK_REL
    return attrs


def _new_cleaner() -> bleach.Cleaner:
    return bleach.Cleaner(
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        protocols=ALLOWED_PROTOCOLS,
        strip=True,
        strip_comments=True,
        filters=[
            lambda source: LinkifyFilter(source, callbacks=[_set_rel], skip_tags={"pre", "code"})
        ],
    )


# Elements that separate words; inline ones (strong, em, a, code, del) do not.
_BLOCK_TAGS = frozenset({"p", "br", "hr", "pre", "blockquote", "ul", "ol", "li", "h4", "h5", "h6"})


class _TextCollector(HTMLParser):
    """The text of HTML that the sanitiser has already made well-formed."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data):
        self.parts.append(data)

    def handle_starttag(self, tag, attrs):
        if tag in _BLOCK_TAGS:
            self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in _BLOCK_TAGS:
            self.parts.append(" ")


def _plain_text(safe_html: str) -> str:
    collector = _TextCollector()
    collector.feed(safe_html)
    collector.close()
    return " ".join("".join(collector.parts).split())


# Neither a Markdown converter nor a bleach Cleaner may be shared between threads (the dev
# server and threaded workers run several), and building a converter cost as much as converting
# a post: one of each per thread, the converter reset between posts.
_per_thread = threading.local()


def _converter() -> markdown.Markdown:
    converter = getattr(_per_thread, "converter", None)
    if converter is None:
        converter = _per_thread.converter = markdown.Markdown(
            extensions=["fenced_code", "sane_lists", _DemoteHeadingsExtension()],
            output_format="html",
        )
    return converter.reset()


def _cleaner() -> bleach.Cleaner:
    cleaner = getattr(_per_thread, "cleaner", None)
    if cleaner is None:
        cleaner = _per_thread.cleaner = _new_cleaner()
    return cleaner


def render(source: str) -> Rendered:
    """Render a post's Markdown source to safe HTML and to plain text for snippets and search."""
    safe_html = _cleaner().clean(_converter().convert(source))
    return Rendered(html=safe_html, text=_plain_text(safe_html))
