"""Programs that run another program (``sudo apt-get``, ``env A=b pip``, ``nohup x``).

Rules care about the program that actually runs: ``sudo -u app pip install x`` is a pip install.
Each wrapper is described by the options that take a value (so ``sudo -u app`` does not make
``app`` the program) and by how many positional words it eats (``timeout 10s cmd``).
"""

from __future__ import annotations

import os

from dflint.lazyre import LazyPattern
from dflint.records import FrozenRecord
from dflint.shell.model import ShellWord

_ASSIGNMENT = LazyPattern(r"^[A-Za-z_][A-Za-z0-9_]*=")


class WrapperSpec(FrozenRecord):
    __slots__ = ("assignments", "lookup_options", "options_with_value", "positionals")
    __match_args__ = ("options_with_value", "positionals", "assignments", "lookup_options")
    options_with_value: frozenset[str]
    positionals: int
    assignments: bool
    #: Options that make the wrapper not run a command at all (``command -v x``).
    lookup_options: frozenset[str]

    def __init__(
        self, options_with_value: frozenset[str] = frozenset(), positionals: int = 0,
        assignments: bool = False, lookup_options: frozenset[str] = frozenset(),
    ) -> None:
        _set = object.__setattr__
        _set(self, "options_with_value", options_with_value)
        _set(self, "positionals", positionals)
        _set(self, "assignments", assignments)
        _set(self, "lookup_options", lookup_options)


def _spec(
    with_value: str = "", positionals: int = 0, assignments: bool = False, lookup: str = ""
) -> WrapperSpec:
    return WrapperSpec(frozenset(with_value.split()), positionals, assignments, frozenset(lookup.split()))


WRAPPERS: dict[str, WrapperSpec] = {
    "sudo": _spec(
        "-u -g -C -D -h -p -r -t -U -T -R --user --group --close-from --chdir --host --prompt "
        "--role --type --other-user --command-timeout --chroot",
        assignments=True,
        lookup="-l --list -v --validate -k --reset-timestamp -K --remove-timestamp -V --version",
    ),
    "doas": _spec("-u -C"),
    "env": _spec("-u --unset -C --chdir -S --split-string -P", assignments=True),
    "exec": _spec("-a"),
    "nohup": _spec(),
    "time": _spec("-o -f --output --format"),
    "command": _spec(lookup="-v -V"),
    "builtin": _spec(),
    "nice": _spec("-n --adjustment"),
    "ionice": _spec("-c -n -p -P -u --class --classdata --pid --pgid --uid"),
    "timeout": _spec("-s --signal -k --kill-after", positionals=1),
    "stdbuf": _spec("-i -o -e --input --output --error"),
    "setsid": _spec(),
    "eatmydata": _spec(),
    "chronic": _spec(),
    "gosu": _spec(positionals=1),
    "su-exec": _spec(positionals=1),
    "tini": _spec("-p -e"),
    "dumb-init": _spec("-r --rewrite"),
}


class Unwrapped(FrozenRecord):
    """Where the effective program starts and what was stripped before it."""

    __slots__ = ("assignments", "program_index", "wrappers")
    __match_args__ = ("program_index", "wrappers", "assignments")

    program_index: int | None
    wrappers: list[tuple[str, int, int]]  # (name, first word index, end index)
    assignments: list[int]  # indices of NAME=value words given to env/sudo

    def __init__(
        self, program_index: int | None, wrappers: list[tuple[str, int, int]], assignments: list[int],
    ) -> None:
        _set = object.__setattr__
        _set(self, "program_index", program_index)
        _set(self, "wrappers", wrappers)
        _set(self, "assignments", assignments)


def unwrap(words: list[ShellWord]) -> Unwrapped:
    """Find the effective program among ``words`` (the command name and its arguments)."""
    wrappers: list[tuple[str, int, int]] = []
    assignments: list[int] = []
    i = 0
    while i < len(words):
        value = words[i].value
        name = os.path.basename(value) if value else None
        spec = WRAPPERS.get(name) if name else None
        if spec is None or name is None:
            return Unwrapped(i, wrappers, assignments)
        j = i + 1
        env_words: list[int] = []
        lookup = False
        while j < len(words):
            arg = words[j].value
            if arg is None:
                break
            if arg == "--":
                j += 1
                break
            if spec.assignments and _ASSIGNMENT.match(arg):
                env_words.append(j)
                j += 1
                continue
            if len(arg) < 2 or not arg.startswith("-"):
                break
            option = arg.split("=", 1)[0] if arg.startswith("--") else arg[:2]
            if option in spec.lookup_options or arg in spec.lookup_options:
                lookup = True
            if arg in spec.options_with_value:
                j += 2
            else:
                j += 1
        j += spec.positionals
        if lookup or j >= len(words):
            # ``command -v x``, ``sudo -l``, bare ``env``: the wrapper is the program itself.
            return Unwrapped(i, wrappers, assignments)
        wrappers.append((name, i, j))
        assignments.extend(env_words)
        i = j
    return Unwrapped(None, wrappers, assignments)
