"""What a rule reports, and the text edits a fix is made of.

A rule yields :class:`Violation` (where and what); the engine turns it into a :class:`Finding`
by adding the rule's identity and the configured severity. Reporters, the fixer and the language
server all consume :class:`Finding`, never rule objects, so a third-party rule is reported
exactly like a built-in.
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Any

from dflint.span import Span

if TYPE_CHECKING:
    # Type checkers see frozen dataclasses (assignment is an error); at run time the classes
    # below are plain slotted classes (see _Frozen).
    from dataclasses import dataclass as _frozen_for_typing
else:

    def _frozen_for_typing(**_options: object) -> Any:
        return lambda cls: cls


class Severity(enum.IntEnum):
    """Ordered so that ``severity >= threshold`` decides the exit code (hadolint's levels)."""

    STYLE = 1
    INFO = 2
    WARNING = 3
    ERROR = 4

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise ValueError(
                f"unknown severity {text!r}; expected one of error, warning, info, style"
            ) from None

    @property
    def label(self) -> str:
        return self.name.lower()


class FixSafety(enum.Enum):
    """ruff's distinction: safe fixes keep behaviour; unsafe ones may change it."""

    NONE = "none"
    SAFE = "safe"
    UNSAFE = "unsafe"


class _Frozen:
    """Immutable value object: equality, hash, ``repr`` and pickling over ``__match_args__``.

    These four classes were ``@dataclass(frozen=True, slots=True)``; the dataclass machinery cost
    every process milliseconds of start-up, so they are written out. Behaviour is unchanged:
    same constructors, ``repr``, equality (same class only), hash, ``FrozenInstanceError``.
    """

    __slots__ = ()
    __match_args__: tuple[str, ...] = ()

    def _values(self) -> tuple[Any, ...]:
        return tuple([getattr(self, name) for name in self.__match_args__])

    def __setattr__(self, name: str, value: object) -> None:
        from dataclasses import FrozenInstanceError

        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        from dataclasses import FrozenInstanceError

        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            return self._values() == other._values()
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__match_args__)
        return f"{self.__class__.__qualname__}({shown})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (self.__class__, self._values())


_set = object.__setattr__


@_frozen_for_typing(frozen=True)
class TextEdit(_Frozen):
    """Replace the text in ``span`` (on the original file) by ``new_text``; an empty span inserts."""

    __slots__ = ("new_text", "span")
    __match_args__ = ("span", "new_text")

    span: Span
    new_text: str

    def __init__(self, span: Span, new_text: str) -> None:
        _set(self, "span", span)
        _set(self, "new_text", new_text)


@_frozen_for_typing(frozen=True)
class Fix(_Frozen):
    """A set of edits applied together, or not at all."""

    __slots__ = ("description", "edits", "safety")
    __match_args__ = ("edits", "safety", "description")

    edits: tuple[TextEdit, ...]
    safety: FixSafety
    description: str

    def __init__(
        self, edits: tuple[TextEdit, ...], safety: FixSafety = FixSafety.SAFE, description: str = ""
    ) -> None:
        _set(self, "edits", edits)
        _set(self, "safety", safety)
        _set(self, "description", description)


@_frozen_for_typing(frozen=True)
class Violation(_Frozen):
    """What a rule's check yields: a place, a message and optionally a fix."""

    __slots__ = ("fix", "message", "span")
    __match_args__ = ("span", "message", "fix")

    span: Span
    message: str
    fix: Fix | None

    def __init__(self, span: Span, message: str, fix: Fix | None = None) -> None:
        _set(self, "span", span)
        _set(self, "message", message)
        _set(self, "fix", fix)


@_frozen_for_typing(frozen=True)
class Finding(_Frozen):
    """A reported problem in one file, ready for any reporter."""

    __slots__ = ("aliases", "code", "file", "fix", "message", "name", "severity", "span", "url")
    __match_args__ = ("code", "name", "severity", "message", "file", "span", "url", "fix", "aliases")

    code: str
    name: str
    severity: Severity
    message: str
    file: str
    span: Span
    url: str
    fix: Fix | None
    aliases: tuple[str, ...]

    def __init__(
        self,
        code: str,
        name: str,
        severity: Severity,
        message: str,
        file: str,
        span: Span,
        url: str = "",
        fix: Fix | None = None,
        aliases: tuple[str, ...] = (),
    ) -> None:
        _set(self, "code", code)
        _set(self, "name", name)
        _set(self, "severity", severity)
        _set(self, "message", message)
        _set(self, "file", file)
        _set(self, "span", span)
        _set(self, "url", url)
        _set(self, "fix", fix)
        _set(self, "aliases", aliases)

    @property
    def line(self) -> int:
        return self.span.start_line

    @property
    def column(self) -> int:
        return self.span.start_col

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.file, self.span.start_line, self.span.start_col, self.code)
