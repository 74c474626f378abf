"""argparse's help formatter without its ``import shutil``, for every dflint command line.

argparse's default formatter imports shutil (which pulls in bz2, lzma and fnmatch: milliseconds)
only to ask for the terminal width, and argparse builds a formatter for each argument. The
default width here is computed exactly as ``shutil.get_terminal_size().columns - 2``.
"""

from __future__ import annotations

import argparse
import os
import sys


class HelpFormatter(argparse.HelpFormatter):
    def __init__(
        self, prog: str, indent_increment: int = 2, max_help_position: int = 24, width: int | None = None
    ) -> None:
        if width is None:
            width = terminal_columns() - 2
        super().__init__(prog, indent_increment, max_help_position, width)


def terminal_columns() -> int:
    """``shutil.get_terminal_size().columns`` (``$COLUMNS``, else the terminal, else 80)."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        stdout = sys.__stdout__
        try:
            if stdout is None:
                raise ValueError("no stdout")
            columns = os.get_terminal_size(stdout.fileno()).columns
        except (AttributeError, ValueError, OSError):
            columns = 0
        columns = columns or 80
    return columns
