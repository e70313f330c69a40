"""Markdown to sanitised HTML and plain text. The only module that imports markdown or bleach.

Posts are rendered once, when written; pages show the stored HTML. bleach 6.4 is its last
release, so the allowlist stays small and boring: every historic bleach bypass needed one of
svg, math, style, noscript, iframe or form, and none of them is allowed here.

Any text within the length limit must render quickly, so the constructs that cost the libraries
time out of proportion to their length are bounded here, before they see them: raw HTML is not
Markdown here (Python-Markdown's HTML parsing is quadratic in runs of `<a`), lists and quotes
nest at most MAX_NESTING deep on a line (deeper, the renderer recursed until it failed), and
the link finder does not rescan runs of opening parentheses from every one of them.
tests/markup_corpus.py holds the inputs that were slow; `python -m bench.markup` times them.
"""

import gc
import os
import re
import signal
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from html.parser import HTMLParser

import bleach
import markdown
from bleach.linkifier import LinkifyFilter, build_url_re
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


# Lists and quotes inside one another, counted on one line; a marker past this is plain text.
MAX_NESTING = 10
# Processor time one render may take. A long post of prose takes half of it here; what takes
# longer is markup so dense that no person wrote it, and it is refused.
RENDER_TIME_LIMIT = 0.2


@dataclass(frozen=True)
class Rendered:
    html: str
    text: str


class Unrenderable(ValueError):
    """The renderer failed on this text, or took too long; nothing of it may be stored."""


class _OutOfTime(Exception):
    pass


# The renderer's own code, where running out of time may stop it. Elsewhere (a garbage
# collector's callback that happened to run during the render) the exception would be lost or
# break someone else's state: there the signal comes again a moment later.
_RENDERER_CODE = tuple(os.path.dirname(module.__file__) + os.sep for module in (markdown, bleach))


# The main thread's processor time at which the render in progress runs out.
_deadline = 0.0


def _out_of_time(_signum, frame):
    # The timer counts the whole process's time: other threads' share is given back.
    remaining = _deadline - time.thread_time()
    if remaining > 0:
        signal.setitimer(signal.ITIMER_VIRTUAL, max(remaining, 0.001))
        return
    if frame is not None and frame.f_code.co_filename.startswith(_RENDERER_CODE):
        raise _OutOfTime
    signal.setitimer(signal.ITIMER_VIRTUAL, 0.001)


@contextmanager
def _time_limit(seconds: float):
    """Raise _OutOfTime in the block once it has used `seconds` of processor time.

    A signal can only be caught by the main thread, which serves every request under gunicorn's
    sync workers and the worker's jobs; elsewhere (threaded test servers) the block runs
    unlimited. A signal interrupts Python code, not a single regular-expression search: the
    searches that were slow are bounded above instead."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    global _deadline
    _deadline = time.thread_time() + seconds
    previous = signal.signal(signal.SIGVTALRM, _out_of_time)
    signal.setitimer(signal.ITIMER_VIRTUAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_VIRTUAL, 0)
        signal.signal(signal.SIGVTALRM, previous)


# A list item's or a quote's marker at the start of what remains of a line.
_CONTAINER_MARKER = re.compile(r"[ \t]{0,3}(?:[-*+](?=[ \t]|$)|\d{1,9}[.)](?=[ \t]|$)|>)[ \t]*")
# "- - -" and "* * *" are horizontal rules, not lists.
_RULE = re.compile(r"[ ]{0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")


def _bounded_line(line: str) -> str:
    if len(line) < 2 * MAX_NESTING or _RULE.match(line):
        return line
    position = 0
    for _ in range(MAX_NESTING):
        marker = _CONTAINER_MARKER.match(line, position)
        if marker is None:
            return line
        position = marker.end()
    marker = _CONTAINER_MARKER.match(line, position)
    if marker is None:
        return line
    # A backslash makes the next marker text, and so ends the nesting on this line: before
    # "-", "*", "+" or ">", and between an ordered item's number and its "." or ")".
    text = marker.group().lstrip(" \t")
    start = marker.end() - len(text) + len(text) - len(text.lstrip("0123456789"))
    return line[:start] + "\\" + line[start:]


def _bounded(source: str) -> str:
    return "\n".join(_bounded_line(line) for line in source.split("\n"))


class _DemoteHeadings(Treeprocessor):
    def run(self, root):
        for element in root.iter():
            if len(element.tag) == 2 and element.tag[0] == "h" and element.tag[1].isdigit():
                element.tag = f"h{min(int(element.tag[1]) + HEADING_OFFSET, 6)}"


class _ForumMarkdown(Extension):
    """Headings demoted below the page's own; raw HTML shown as the text it is."""

    def extendMarkdown(self, md):  # noqa: N802 - the name markdown calls
        md.treeprocessors.register(_DemoteHeadings(md), "demote_headings", 0)
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")


def _set_rel(attrs, new=False):
    attrs[(None, "rel")] = LINK_REL
    return attrs


def _linear_url_re() -> re.Pattern:
    """bleach's URL pattern, tried only at the first of a run of "(": from every other one it
    can only fail, and each try scanned the rest of the run (a 19,000-character run took 6 s)."""
    stock = build_url_re()
    opening = r"\(*  # Match any opening parentheses."
    if not stock.pattern.lstrip().startswith(opening):
        raise RuntimeError("bleach's URL pattern changed: review markup._linear_url_re")
    return re.compile(r"(?<!\()" + stock.pattern.lstrip(), stock.flags)


_URL_RE = _linear_url_re()


def _new_cleaner() -> bleach.Cleaner:
    return bleach.Cleaner(
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        protocols=ALLOWED_PROTOCOLS,
        strip=True,
        strip_comments=True,
        filters=[
            lambda source: LinkifyFilter(
                source, callbacks=[_set_rel], skip_tags={"pre", "code"}, url_re=_URL_RE
            )
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
            extensions=["fenced_code", "sane_lists", _ForumMarkdown()],
            output_format="html",
        )
    return converter.reset()


def _cleaner() -> bleach.Cleaner:
    cleaner = getattr(_per_thread, "cleaner", None)
    if cleaner is None:
        cleaner = _per_thread.cleaner = _new_cleaner()
    return cleaner


def render(source: str) -> Rendered:
    """Render a post's Markdown source to safe HTML and to plain text for snippets and search.

    Raises Unrenderable when the libraries fail or take longer than RENDER_TIME_LIMIT; the
    converter and cleaner that failed are thrown away, so that no later render goes through
    whatever state they were left in."""
    # The limit is for the post's own work: building a converter (the first render of a
    # thread) and collecting the whole process's garbage are not the post's. On a busy machine,
    # late in a long test session, the two together ran past the limit on a demo post.
    converter, cleaner = _converter(), _cleaner()
    collecting = gc.isenabled()
    gc.disable()
    try:
        with _time_limit(RENDER_TIME_LIMIT):
            safe_html = cleaner.clean(converter.convert(_bounded(source)))
    except (Exception, _OutOfTime) as error:
        _per_thread.__dict__.clear()
        raise Unrenderable(str(error)) from error
    finally:
        if collecting:
            gc.enable()
    return Rendered(html=safe_html, text=_plain_text(safe_html))
