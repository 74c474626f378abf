""".dockerignore patterns as Docker reads and matches them (moby/patternmatcher).

Rules never read files, so the CLI hands the raw lines of the build context's ``.dockerignore``
to the rule that needs them (DF111, option ``dockerignore``); this module turns those lines
into matchers with Docker's semantics, which differ from .gitignore's: patterns are anchored
at the context root, ``*`` and ``?`` never cross ``/``, ``**`` spans any number of
directories, and a pattern that matches a directory also excludes everything under it.
"""

from __future__ import annotations

import posixpath
import re

from dflint.records import FrozenRecord


class IgnorePattern(FrozenRecord):
    __slots__ = ("exclusion", "regex", "text")
    __match_args__ = ("text", "exclusion", "regex")
    text: str
    exclusion: bool
    regex: re.Pattern[str] | None

    def __init__(self, text: str, exclusion: bool, regex: re.Pattern[str] | None) -> None:
        _set = object.__setattr__
        _set(self, "text", text)
        _set(self, "exclusion", exclusion)
        _set(self, "regex", regex)


def read_patterns(lines: tuple[str, ...] | list[str]) -> list[IgnorePattern]:
    """Parse .dockerignore lines (comments, blanks and a BOM allowed) like Docker's ReadAll."""
    patterns: list[IgnorePattern] = []
    for index, raw in enumerate(lines):
        line = raw.removeprefix("\ufeff") if index == 0 else raw
        if line.startswith("#"):
            continue
        line = line.strip()
        if not line:
            continue
        exclusion = line.startswith("!")
        if exclusion:
            line = line[1:].strip()
        if line:
            line = posixpath.normpath(line.replace("\\", "/"))
            if len(line) > 1 and line.startswith("/"):
                line = line.lstrip("/") or "/"
        patterns.append(IgnorePattern(line, exclusion, _compile(line)))
    return patterns


def _compile(pattern: str) -> re.Pattern[str] | None:
    out: list[str] = []
    i = 0
    n = len(pattern)
    in_class = False
    while i < n:
        ch = pattern[i]
        i += 1
        if in_class and ch not in "]\\":
            out.append(ch)  # inside [...]: ranges and negation pass through to the regex
            continue
        if ch == "*":
            if i < n and pattern[i] == "*":
                i += 1
                if i < n and pattern[i] == "/":
                    i += 1
                out.append(".*" if i >= n else "(.*/)?")
            else:
                out.append("[^/]*")
        elif ch == "?":
            out.append("[^/]")
        elif ch == "\\":
            if i < n:
                out.append(re.escape(pattern[i]))
                i += 1
            else:
                out.append(re.escape("\\"))
        elif ch in "[]":
            in_class = ch == "["
            out.append(ch)
        else:
            out.append(re.escape(ch))
    try:
        return re.compile("".join(out), re.DOTALL)
    except re.error:
        return None


def _matches(pattern: IgnorePattern, path: str) -> bool:
    return pattern.regex is not None and pattern.regex.fullmatch(path) is not None


def has_exclusions(patterns: list[IgnorePattern]) -> bool:
    return any(p.exclusion for p in patterns)


def matches_or_parent_matches(patterns: list[IgnorePattern], path: str) -> bool:
    """Whether ``path`` (clean, relative, ``/``-separated) or one of its parent folders is ignored."""
    parent = posixpath.dirname(path)
    parents = parent.split("/") if parent else []
    matched = False
    for pattern in patterns:
        if pattern.exclusion != matched:
            continue
        hit = _matches(pattern, path)
        if not hit:
            hit = any(_matches(pattern, "/".join(parents[: k + 1])) for k in range(len(parents)))
        if hit:
            matched = not pattern.exclusion
    return matched
