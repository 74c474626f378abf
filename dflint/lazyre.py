"""Regular expressions compiled on first use instead of at import.

Why: the lint path defines about a hundred module-level patterns, and compiling them all costs
every ``dflint FILE`` process 15 ms or so of start-up, while a typical Dockerfile exercises only a
third of them (no LABEL, no secret-looking ENV, no package version pin...). A :class:`LazyPattern`
is defined exactly like ``re.compile(pattern, flags)`` and answers the ``re.Pattern`` methods;
the first call compiles the pattern and then stores the compiled pattern's own bound methods on
the instance, so later calls go straight to ``re`` with no Python frame in between.
"""

from __future__ import annotations

import re
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

_MAXSIZE = sys.maxsize


class LazyPattern:
    """``re.compile(pattern, flags)``, compiled the first time it is used.

    Only the methods dflint uses are offered (mypy says so if one is missing); ``compiled()``
    gives the real ``re.Pattern`` for anything else.
    """

    def __init__(self, pattern: str, flags: int | re.RegexFlag = 0) -> None:
        self.pattern = pattern
        self._flags = flags

    def __repr__(self) -> str:
        return f"LazyPattern({self.pattern!r}, {int(self._flags)})"

    def compiled(self) -> re.Pattern[str]:
        """The compiled pattern (compiling it now if this is the first use)."""
        compiled = re.compile(self.pattern, self._flags)
        # Instance attributes shadow the methods below (they are non-data descriptors): from now
        # on ``lazy.match`` is ``compiled.match`` itself.
        vars(self).update(
            compiled=lambda: compiled,
            match=compiled.match,
            fullmatch=compiled.fullmatch,
            search=compiled.search,
            finditer=compiled.finditer,
            findall=compiled.findall,
            sub=compiled.sub,
            subn=compiled.subn,
            split=compiled.split,
        )
        return compiled

    @property
    def flags(self) -> int:
        """The compiled pattern's flags (``re`` adds ``UNICODE`` to str patterns)."""
        return self.compiled().flags

    @property
    def groupindex(self) -> Any:
        """Mapping of group names to group numbers, as ``re.Pattern.groupindex``."""
        return self.compiled().groupindex

    def match(self, string: str, pos: int = 0, endpos: int = _MAXSIZE) -> re.Match[str] | None:
        """As ``re.Pattern.match``."""
        return self.compiled().match(string, pos, endpos)

    def fullmatch(self, string: str, pos: int = 0, endpos: int = _MAXSIZE) -> re.Match[str] | None:
        """As ``re.Pattern.fullmatch``."""
        return self.compiled().fullmatch(string, pos, endpos)

    def search(self, string: str, pos: int = 0, endpos: int = _MAXSIZE) -> re.Match[str] | None:
        """As ``re.Pattern.search``."""
        return self.compiled().search(string, pos, endpos)

    def finditer(self, string: str, pos: int = 0, endpos: int = _MAXSIZE) -> Iterator[re.Match[str]]:
        """As ``re.Pattern.finditer``."""
        return self.compiled().finditer(string, pos, endpos)

    def findall(self, string: str, pos: int = 0, endpos: int = _MAXSIZE) -> list[Any]:
        """As ``re.Pattern.findall``."""
        return self.compiled().findall(string, pos, endpos)

    def sub(self, repl: str | Callable[[re.Match[str]], str], string: str, count: int = 0) -> str:
        """As ``re.Pattern.sub``."""
        return self.compiled().sub(repl, string, count)

    def subn(
        self, repl: str | Callable[[re.Match[str]], str], string: str, count: int = 0
    ) -> tuple[str, int]:
        """As ``re.Pattern.subn``."""
        return self.compiled().subn(repl, string, count)

    def split(self, string: str, maxsplit: int = 0) -> list[str | Any]:
        """As ``re.Pattern.split``."""
        return self.compiled().split(string, maxsplit)
