"""Source positions shared by the parser, the rules, the reporters and the language server.

Convention (one for the whole code base, so no reporter has to guess):
* lines and columns are 1-based;
* a column counts Unicode code points of the decoded line (the LSP adapter converts to UTF-16);
* ``end_col`` is exclusive: the column just after the last character, as SARIF's ``endColumn``.
  A span covering ``RUN`` at the start of line 3 is ``Span(3, 1, 3, 4)``.

Why hand-written rather than ``@dataclass(frozen=True, slots=True, order=True)``: these two
classes are imported by every process and built hundreds of thousands of times per corpus run;
the dataclass machinery costs milliseconds of start-up (generated code compiled at import) and a
frozen dataclass ``__init__`` is no faster than this one. Behaviour is the dataclass one: same
constructor, ``repr``, equality and ordering (tuple of the fields, same class only), hash,
immutability (``dataclasses.FrozenInstanceError``) and pickling.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NoReturn

if TYPE_CHECKING:
    # For type checkers only: they then know these classes are frozen (assignment is an error)
    # and their fields; at run time the classes below are plain slotted classes.
    from dataclasses import dataclass as _frozen_for_typing
else:

    def _frozen_for_typing(**_options: object) -> Any:
        return lambda cls: cls


def _frozen(self: object, name: str, value: object = None) -> NoReturn:
    from dataclasses import FrozenInstanceError  # only on misuse: keeps `dataclasses` off start-up

    raise FrozenInstanceError(f"cannot assign to field {name!r}")


def _frozen_del(self: object, name: str) -> NoReturn:
    from dataclasses import FrozenInstanceError

    raise FrozenInstanceError(f"cannot delete field {name!r}")


@_frozen_for_typing(frozen=True)
class Position:
    """One point in the file: 1-based line and 1-based column."""

    __slots__ = ("col", "line")
    __match_args__ = ("line", "col")

    line: int
    col: int

    def __init__(self, line: int, col: int) -> None:
        _set_line(self, line)
        _set_col(self, col)

    __setattr__ = _frozen
    __delattr__ = _frozen_del

    def __repr__(self) -> str:
        return f"{self.__class__.__qualname__}(line={self.line!r}, col={self.col!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (self.__class__, (self.line, self.col))

    def __hash__(self) -> int:
        return hash((self.line, self.col))

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            return (self.line, self.col) == (other.line, other.col)
        return NotImplemented

    def __lt__(self, other: Position) -> bool:
        if other.__class__ is self.__class__:
            return (self.line, self.col) < (other.line, other.col)
        return NotImplemented

    def __le__(self, other: Position) -> bool:
        if other.__class__ is self.__class__:
            return (self.line, self.col) <= (other.line, other.col)
        return NotImplemented

    def __gt__(self, other: Position) -> bool:
        if other.__class__ is self.__class__:
            return (self.line, self.col) > (other.line, other.col)
        return NotImplemented

    def __ge__(self, other: Position) -> bool:
        if other.__class__ is self.__class__:
            return (self.line, self.col) >= (other.line, other.col)
        return NotImplemented


@_frozen_for_typing(frozen=True)
class Span:
    """A half-open range of source text, from (start_line, start_col) up to (end_line, end_col)."""

    __slots__ = ("end_col", "end_line", "start_col", "start_line")
    __match_args__ = ("start_line", "start_col", "end_line", "end_col")

    start_line: int
    start_col: int
    end_line: int
    end_col: int

    def __init__(self, start_line: int, start_col: int, end_line: int, end_col: int) -> None:
        _set_start_line(self, start_line)
        _set_start_col(self, start_col)
        _set_end_line(self, end_line)
        _set_end_col(self, end_col)

    __setattr__ = _frozen
    __delattr__ = _frozen_del

    def __repr__(self) -> str:
        return (
            f"{self.__class__.__qualname__}(start_line={self.start_line!r}, start_col={self.start_col!r}, "
            f"end_line={self.end_line!r}, end_col={self.end_col!r})"
        )

    def __reduce__(self) -> tuple[Any, ...]:
        return (self.__class__, (self.start_line, self.start_col, self.end_line, self.end_col))

    def _key(self) -> tuple[int, int, int, int]:
        return (self.start_line, self.start_col, self.end_line, self.end_col)

    def __hash__(self) -> int:
        return hash((self.start_line, self.start_col, self.end_line, self.end_col))

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            return self._key() == other._key()
        return NotImplemented

    def __lt__(self, other: Span) -> bool:
        if other.__class__ is self.__class__:
            return self._key() < other._key()
        return NotImplemented

    def __le__(self, other: Span) -> bool:
        if other.__class__ is self.__class__:
            return self._key() <= other._key()
        return NotImplemented

    def __gt__(self, other: Span) -> bool:
        if other.__class__ is self.__class__:
            return self._key() > other._key()
        return NotImplemented

    def __ge__(self, other: Span) -> bool:
        if other.__class__ is self.__class__:
            return self._key() >= other._key()
        return NotImplemented

    @classmethod
    def between(cls, start: Position, end: Position) -> Span:
        return cls(start.line, start.col, end.line, end.col)

    @classmethod
    def point(cls, line: int, col: int) -> Span:
        """An empty span, for an insertion point or a position-only diagnostic."""
        return cls(line, col, line, col)

    @property
    def start(self) -> Position:
        return Position(self.start_line, self.start_col)

    @property
    def end(self) -> Position:
        return Position(self.end_line, self.end_col)

    def contains(self, line: int, col: int) -> bool:
        return (self.start_line, self.start_col) <= (line, col) < (self.end_line, self.end_col) or (
            (line, col) == (self.start_line, self.start_col)
        )

    def cover(self, other: Span) -> Span:
        """The smallest span that contains both spans."""
        # min()/max() of the start/end Positions, on plain tuples (no Position objects).
        if (other.start_line, other.start_col) < (self.start_line, self.start_col):
            start_line, start_col = other.start_line, other.start_col
        else:
            start_line, start_col = self.start_line, self.start_col
        if (other.end_line, other.end_col) > (self.end_line, self.end_col):
            end_line, end_col = other.end_line, other.end_col
        else:
            end_line, end_col = self.end_line, self.end_col
        return Span(start_line, start_col, end_line, end_col)


# The slots' own setters: what ``object.__setattr__`` ends up calling, minus the attribute lookup
# (a third faster, and these objects are built for every word of every file).
_set_line = Position.__dict__["line"].__set__
_set_col = Position.__dict__["col"].__set__
_set_start_line = Span.__dict__["start_line"].__set__
_set_start_col = Span.__dict__["start_col"].__set__
_set_end_line = Span.__dict__["end_line"].__set__
_set_end_col = Span.__dict__["end_col"].__set__
