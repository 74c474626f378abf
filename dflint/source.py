"""Bytes → text, physical lines and input diagnostics (spec §1).

Why not just ``bytes.decode``: BuildKit never decodes, so invalid UTF-8 must survive parsing
(``surrogateescape`` keeps every byte, and :func:`dflint.parse_output.go_quote` prints them back
as ``\\xHH``); a non-UTF-8 file or a NUL byte is worth telling the user about, with a byte
offset, but it is not a BuildKit error, so these are warnings and parsing goes on.
"""

from __future__ import annotations

from bisect import bisect_right

from dflint.span import Position, Span
from dflint.tree import ParseError

BOM = b"\xef\xbb\xbf"
MAX_LINE_BYTES = 65535


class LineIndex:
    """Offset ↔ (line, col) over a text, both 1-based, columns in code points."""

    __slots__ = ("starts", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        starts = [0]
        find = text.find
        i = find("\n")
        while i >= 0:
            starts.append(i + 1)
            i = find("\n", i + 1)
        self.starts = starts

    def position(self, offset: int) -> Position:
        offset = max(0, min(offset, len(self.text)))
        line = bisect_right(self.starts, offset)
        return Position(line, offset - self.starts[line - 1] + 1)

    def offset(self, line: int, col: int) -> int:
        if line < 1:
            return 0
        if line > len(self.starts):
            return len(self.text)
        return min(self.starts[line - 1] + col - 1, len(self.text))


class Source:
    """Decoded input: ``text`` (BOM removed), BuildKit-trimmed physical ``lines`` and diagnostics.

    A plain slotted class rather than a dataclass: importing :mod:`dataclasses` (and the
    ``inspect`` it pulls in) would cost every ``dflint parse`` process milliseconds.
    """

    __slots__ = ("errors", "had_bom", "lines", "text", "warnings")

    def __init__(
        self,
        text: str,
        lines: list[str],
        warnings: list[ParseError] | None = None,
        errors: list[ParseError] | None = None,
        had_bom: bool = False,
    ) -> None:
        self.text = text
        self.lines = lines
        self.warnings: list[ParseError] = [] if warnings is None else warnings
        self.errors: list[ParseError] = [] if errors is None else errors
        self.had_bom = had_bom

    def __repr__(self) -> str:
        return (
            f"Source(text={self.text!r}, lines={self.lines!r}, warnings={self.warnings!r}, "
            f"errors={self.errors!r}, had_bom={self.had_bom!r})"
        )

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            mine = (self.text, self.lines, self.warnings, self.errors, self.had_bom)
            return mine == (other.text, other.lines, other.warnings, other.errors, other.had_bom)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]


def _point(line: int, col: int, message: str, layer: str, code: str) -> ParseError:
    return ParseError(line, col, message, Span(line, col, line, col + 1), layer, code)  # type: ignore[arg-type]


def split_lines(text: str) -> list[str]:
    """Physical lines as BuildKit sees them: split at ``\\n``, trailing run of ``\\r``/``\\n`` removed."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [ln.rstrip("\r") if ln.endswith("\r") else ln for ln in lines]


def decode(data: bytes) -> Source:
    """Decode ``data`` losslessly and collect input-level diagnostics."""
    had_bom = data.startswith(BOM)
    if had_bom:
        data = data[3:]
    text = data.decode("utf-8", "surrogateescape")
    lines = split_lines(text)
    src = Source(text, lines, had_bom=had_bom)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        off = exc.start
        line = data.count(b"\n", 0, off) + 1
        line_start = data.rfind(b"\n", 0, off) + 1
        col = len(data[line_start:off].decode("utf-8", "surrogateescape")) + 1
        shown = off + (3 if had_bom else 0)
        src.warnings.append(
            _point(
                line,
                col,
                f"file is not valid UTF-8: invalid byte 0x{data[off]:02x} at byte offset {shown} "
                f"(line {line}, column {col}); BuildKit keeps the raw bytes",
                "input",
                "non-utf8",
            )
        )
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        line_start = data.rfind(b"\n", 0, nul) + 1
        col = len(data[line_start:nul].decode("utf-8", "surrogateescape")) + 1
        shown = nul + (3 if had_bom else 0)
        src.warnings.append(
            _point(
                line,
                col,
                f"file contains a NUL byte at byte offset {shown} (line {line}, column {col}); "
                "is it a binary file?",
                "input",
                "binary",
            )
        )
    if len(data) > MAX_LINE_BYTES:
        start = 0
        for number, raw in enumerate(data.split(b"\n"), 1):
            if len(raw.rstrip(b"\r")) > MAX_LINE_BYTES:
                src.errors.append(
                    _point(
                        number,
                        1,
                        f"dockerfile line greater than max allowed size of {MAX_LINE_BYTES}",
                        "parser",
                        "line-too-long",
                    )
                )
                break
            start += len(raw) + 1
    return src


_GO_ESC = {"\a": r"\a", "\b": r"\b", "\f": r"\f", "\n": r"\n", "\r": r"\r", "\t": r"\t", "\v": r"\v"}


def _go_isprint(ch: str) -> bool:
    import unicodedata

    return ch == " " or unicodedata.category(ch)[0] in "LMNPS"


def go_quote(s: str) -> str:
    """Go's ``strconv.Quote`` (BuildKit's dump format and ``%q`` error messages).

    Surrogate-escaped bytes (invalid UTF-8 kept by :func:`decode`) print as ``\\xHH`` like Go.
    """
    out = ['"']
    for ch in s:
        o = ord(ch)
        if ch == '"' or ch == "\\":
            out.append("\\" + ch)
        elif 0x20 <= o < 0x7F:
            out.append(ch)
        elif 0xDC80 <= o <= 0xDCFF:
            out.append(f"\\x{o - 0xDC00:02x}")
        elif ch in _GO_ESC:
            out.append(_GO_ESC[ch])
        elif o < 0x20 or o == 0x7F:
            out.append(f"\\x{o:02x}")
        elif 0xD800 <= o <= 0xDFFF:
            out.append("\\ufffd")
        elif _go_isprint(ch):
            out.append(ch)
        elif o < 0x10000:
            out.append(f"\\u{o:04x}")
        else:
            out.append(f"\\U{o:08x}")
    out.append('"')
    return "".join(out)
