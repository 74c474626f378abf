"""Which script of a Dockerfile instruction is shell, and where its text sits in the file.

Called through ``Context.shell``; it imports nothing heavy until there is a script to analyse.
"""

from __future__ import annotations

import os
from typing import Any

from dflint.shell.model import ShellScript
from dflint.span import Position

#: Programs whose ``-c`` argument is a POSIX shell script.
POSIX_SHELLS = frozenset({"sh", "bash", "dash", "ash", "zsh", "ksh", "mksh", "busybox"})
_SHELL_INSTRUCTIONS = frozenset({"RUN", "CMD", "ENTRYPOINT", "HEALTHCHECK"})


def analyse_instruction(instruction: Any, model: Any) -> ShellScript | None:
    """The shell analysis of a RUN/CMD/ENTRYPOINT/HEALTHCHECK, or None when it has no POSIX script.

    * shell form: ``instruction.script`` (positions from ``script_position``);
    * ``RUN <<EOF`` alone: the heredoc body is the script; ``RUN cmd <<EOF`` keeps the command
      line and appends the bodies, as BuildKit hands both to the shell;
    * exec form running a shell (``["sh", "-c", "..."]``): the ``-c`` string.
    None for exec form of any other program, and when the stage's SHELL is not POSIX.
    """
    keyword = str(getattr(instruction, "keyword", "")).upper()
    if keyword not in _SHELL_INSTRUCTIONS:
        return None
    is_posix = getattr(model, "is_posix_shell", None)
    if callable(is_posix) and not is_posix(instruction):
        return None
    shell_at = getattr(model, "shell_at", None)
    shell = tuple(shell_at(instruction)) if callable(shell_at) else None
    from dflint.shell.parse import analyse_script

    if getattr(instruction, "form", "shell") == "exec":
        found = _exec_script(instruction)
        if found is None:
            return None
        text, position_of = found
        return analyse_script(text, position_of, shell=None)
    script = getattr(instruction, "script", None)
    heredocs = list(getattr(instruction, "heredocs", None) or [])
    if heredocs and keyword == "RUN":
        return _with_heredocs(instruction, script or "", heredocs, shell)
    if not script:
        return None
    return analyse_script(script, instruction.script_position, shell=shell)


def _exec_script(instruction: Any) -> tuple[str, Any] | None:
    """The ``-c`` string of an exec form whose program is a POSIX shell."""
    words = list(getattr(instruction, "exec_args", None) or [])
    values = list(getattr(instruction, "value", None) or [])
    if not values or os.path.basename(values[0]) not in POSIX_SHELLS:
        return None
    for i, arg in enumerate(values[1:], start=1):
        if arg == "-c" or (arg.startswith("-") and not arg.startswith("--") and arg.endswith("c")):
            if i + 1 >= len(values):
                return None
            text = values[i + 1]
            word = words[i + 1] if i + 1 < len(words) else None
            return text, _exec_positions(text, word, instruction)
        if not arg.startswith("-"):
            return None
    return None


def _exec_positions(text: str, word: Any, instruction: Any) -> Any:
    """Positions inside a JSON string: exact when the string has no escapes, else the word start."""
    span = getattr(word, "span", None) or getattr(instruction, "span", None)
    # The word's span includes its quotes; without escapes the string is copied verbatim.
    exact = (
        word is not None
        and span is not None
        and "\n" not in text
        and span.start_line == span.end_line
        and span.end_col - span.start_col == len(text) + 2
    )

    def position_of(offset: int) -> Position:
        if span is None:
            return Position(1, offset + 1)
        if exact:
            return Position(span.start_line, span.start_col + 1 + max(0, min(offset, len(text))))
        return Position(span.start_line, span.start_col)

    return position_of


def _with_heredocs(
    instruction: Any, script: str, heredocs: list[Any], shell: tuple[str, ...] | None
) -> ShellScript:
    from dflint.shell.parse import analyse_script

    # A file descriptor may prefix the heredoc word (``RUN 3<<EOF``): BuildKit still takes a
    # lone heredoc's body for the script.
    stripped = script.strip().lstrip("0123456789")
    first = heredocs[0]
    if (
        len(heredocs) == 1
        and stripped.lstrip("<").lstrip("-").strip().strip("'\"") == first.name
        and stripped.startswith("<<")
    ):
        # ``RUN <<EOF``: the body itself is the script.
        body = first.chomped_content if getattr(first, "chomp", False) else first.content
        if body == first.content:
            return analyse_script(body, first.content_position, shell=shell)
        return analyse_script(body, _chomped_positions(first), shell=shell)
    # ``RUN cmd <<EOF``: the shell sees the command line, then each body and its terminator.
    parts = [script, "\n"]
    pieces: list[tuple[int, Any, int]] = [(0, instruction.script_position, 0)]
    offset = len(script) + 1
    for doc in heredocs:
        pieces.append((offset, doc.content_position, offset))
        parts.append(doc.content)
        offset += len(doc.content)
        terminator_line = doc.body_line + doc.content.count("\n")
        pieces.append((offset, _line_positions(terminator_line), offset))
        parts.append(doc.name + "\n")
        offset += len(doc.name) + 1
    text = "".join(parts)

    def position_of(at: int) -> Position:
        chosen = pieces[0]
        for piece in pieces:
            if piece[0] <= at:
                chosen = piece
        return chosen[1](at - chosen[2])  # type: ignore[no-any-return]

    return analyse_script(text, position_of, shell=shell)


def _line_positions(line: int) -> Any:
    def position_of(offset: int) -> Position:
        return Position(line, offset + 1)

    return position_of


def _chomped_positions(doc: Any) -> Any:
    """Map offsets of the tab-stripped body back to the raw body lines."""
    raw_lines = doc.content.splitlines(keepends=True)
    table: list[tuple[int, int, int]] = []  # (chomped start, line index, tabs removed)
    at = 0
    for index, line in enumerate(raw_lines):
        tabs = len(line) - len(line.lstrip("\t"))
        table.append((at, index, tabs))
        at += len(line) - tabs

    def position_of(offset: int) -> Position:
        chosen = table[0] if table else (0, 0, 0)
        for row in table:
            if row[0] <= offset:
                chosen = row
        start, index, tabs = chosen
        return Position(doc.body_line + index, offset - start + tabs + 1)

    return position_of
