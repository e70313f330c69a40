"""Markdown to sanitised HTML and plain text. The only module that imports markdown or bleach.

Posts are rendered once, when written; pages show the stored HTML. bleach 6.4 is its last
release, so the allowlist stays small and boring: every historic bleach bypass needed one of
svg, math, style, noscript, iframe or form, and none of them is allowed here.
"""

import html
from dataclasses import dataclass

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


_cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    protocols=ALLOWED_PROTOCOLS,
    strip=True,
    strip_comments=True,
    filters=[lambda source: LinkifyFilter(source, callbacks=[_set_rel], skip_tags={"pre", "code"})],
)
_text_cleaner = bleach.Cleaner(tags=set(), attributes={}, strip=True, strip_comments=True)


def render(source: str) -> Rendered:
    """Render a post's Markdown source to safe HTML and to plain text for snippets and search."""
    converter = markdown.Markdown(
        extensions=["fenced_code", "sane_lists", _DemoteHeadingsExtension()],
        output_format="html",
    )
    safe_html = _cleaner.clean(converter.convert(source))
    text = html.unescape(_text_cleaner.clean(safe_html))
    return Rendered(html=safe_html, text=" ".join(text.split()))
