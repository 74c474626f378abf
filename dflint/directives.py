"""Parser directives (spec §2): ``# syntax=``, ``# escape=``, ``# check=`` at the top of the file.

Why a separate pass: the escape character changes how every later line is joined and split, so
it must be known before the grammar sees any instruction text.
"""

from __future__ import annotations

import re

from dflint.lazyre import LazyPattern
from dflint.span import Span
from dflint.tree import Directives, ParseError

# Go's RE2 ``\s`` is ASCII [\t\n\f\r ], not Unicode: spelled out so Python agrees.
_DIRECTIVE = LazyPattern(
    r"^#[\t\n\f\r ]*([a-zA-Z][a-zA-Z0-9]*)[\t\n\f\r ]*=[\t\n\f\r ]*(.+?)[\t\n\f\r ]*$", re.S
)
KNOWN = ("syntax", "escape", "check")


def scan_directives(lines: list[str]) -> tuple[Directives, list[ParseError]]:
    """Read the directive block; returns the directives and any errors (duplicates, bad escape).

    ``Directives.end_line`` is the number of leading lines that are directives; those lines are
    neither comments nor instructions.
    """
    d = Directives()
    errors: list[ParseError] = []
    seen: set[str] = set()
    for number, raw in enumerate(lines, 1):
        line = raw.lstrip()
        m = _DIRECTIVE.match(line)
        if m is None:
            break
        key = m.group(1).lower()
        if key not in KNOWN:
            break
        value = m.group(2)
        indent = len(raw) - len(line)
        span = Span(number, indent + 1, number, len(raw.rstrip()) + 1)
        if key in seen:
            errors.append(
                ParseError(number, indent + 1, f"only one {key} parser directive can be used", span)
            )
            # BuildKit stops at the first error; treat the block as ended here.
            break
        seen.add(key)
        d.end_line = number
        if key == "escape":
            if value not in ("`", "\\"):
                errors.append(
                    ParseError(
                        number,
                        indent + 1,
                        f"invalid escape token '{value}' does not match ` or \\",
                        span,
                    )
                )
            else:
                d.escape = value
            d.escape_span = span
        elif key == "syntax":
            d.syntax = value
            d.syntax_span = span
        else:
            d.check = value
            d.check_span = span
    return d, errors
