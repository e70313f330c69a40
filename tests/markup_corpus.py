"""Markdown inputs that cost the renderer time out of proportion to their length, each at the
length limit. tests/test_markup.py holds every one to "rendered, or refused in time";
`python -m bench.markup` prints how long each takes."""

from forum.threads.actions import BODY_MAX_LENGTH


def _filled(unit: str) -> str:
    return (unit * (BODY_MAX_LENGTH // len(unit) + 1))[:BODY_MAX_LENGTH]


_UNITS = {
    # Nesting: each marker opened a list or quote inside the last, until Python recursed too deep.
    "nested bullets": "- ",
    "nested numbers": "1. ",
    "nested stars": "* ",
    "nested quotes": "> ",
    "nested quotes without spaces": ">",
    "quotes and lists": "> - ",
    # Parentheses and brackets: link and link-text scans from every opening one.
    "opening parentheses": "(",
    "closing parentheses": ")",
    "opening brackets": "[",
    "bracket pairs": "[]",
    "unclosed links": "[a](",
    "unclosed images": "![",
    "brackets and parentheses": "[(",
    "link after parentheses": "http://a.fi/(",
    "reference definitions": "[a]: <",
    # Emphasis and code spans.
    "star run": "*",
    "underscore run": "_",
    "alternating emphasis": "*a",
    "mixed emphasis": "*_",
    "backtick run": "`",
    "alternating backticks": "`a",
    "fences": "```\n",
    "tildes": "~",
    # Entities and what looks like HTML.
    "entities": "&amp;",
    "unfinished numeric entities": "&#",
    "unfinished hex entities": "&#x",
    "ampersands": "&",
    "less-than signs": "<",
    "unclosed tags": "<a",
    "unclosed comments": "<!--",
    "declarations": "<!",
    "unclosed autolinks": "<http://",
    # What the link finder scans.
    "domain labels": "a.",
    "hyphenated labels": "a-.",
    "at signs": "a@",
    "schemes": "http://",
    "www prefixes": "www.",
    "bare links": "http://a.fi ",
    # Many small blocks.
    "hard line breaks": "a  \n",
    "setext headings": "a\n=\n",
    "headings": "# a\n",
    "backslashes": "\\",
    "table pipes": "|a",
}

CORPUS: dict[str, str] = {name: _filled(unit) for name, unit in _UNITS.items()}
# Indented nesting: each level four spaces deeper, as deep as the length allows.
CORPUS["indented nesting"] = "".join("    " * level + "- x\n" for level in range(100))
