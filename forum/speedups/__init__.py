"""Speed-ups that replace a library's stock path, fenced here so that every feature can ignore
them. Each has a name, is switched on by default, and can be switched off with FORUM_SPEEDUPS
(a comma-separated list of the ones to keep; "none" keeps none): the tests render with and
without them and compare (tests/test_speedups.py), and `bench.instructions` measures each one's
worth by leaving it out (bench/README.md). They reach into private parts of Jinja, Babel's date
patterns and Flask-Limiter, which pyproject.toml pins to a minor version.

- templates.py: `translations` (a template's constant `_()` strings translated when it is
  compiled, one compiled copy per language), `output` (`{{ value }}` escaped without a Markup
  object per value), `attributes` (`name.attr` through Python's getattr first), `calls` (plain
  functions and macros called without Jinja's per-call checks), `globals` (template globals
  that give their keys as a set);
- urls.py: `urls` (templates' url_for remembering the paths it built);
- dates.py: `dates` (CLDR's short date patterns compiled to str.format, bound to each
  language's templates);
- limits.py: `limits` (no Flask-Limiter check before requests when no limit applies to all).
"""

NAMES = ("translations", "output", "attributes", "calls", "globals", "urls", "dates", "limits")


def from_setting(value: str) -> frozenset[str]:
    """FORUM_SPEEDUPS's value: "all" (the default), "none", or the names to keep."""
    value = value.strip().lower()
    if value in ("", "all"):
        return frozenset(NAMES)
    if value == "none":
        return frozenset()
    chosen = frozenset(name.strip() for name in value.split(",") if name.strip())
    unknown = chosen - set(NAMES)
    if unknown:
        raise ValueError(f"FORUM_SPEEDUPS: unknown {sorted(unknown)}; known: {', '.join(NAMES)}")
    return chosen
