"""Which ``cd`` commands of a shell script move into, or out of, a scratch directory: one the
same script removes later (DL3003 does not ask for a WORKDIR there).

Directories are followed as text through the script: ``cd`` moves a current directory that
starts unknown (the WORKDIR), relative paths are joined to it, ``${x}`` is written ``$x`` and a
path starting with a variable or ``~`` is taken as it is written. A ``cd`` inside a subshell
changes the directory only there. ``rm`` and ``rmdir`` operands are resolved the same way, and
may be globs (``rm -rf /tmp/icu*``). ``docker-php-source delete``, the helper of the official
php images (and of images built on them to compile extensions), removes ``/usr/src/php``.
"""

from __future__ import annotations

import fnmatch
import itertools
import posixpath
import re

from dflint.shell import ShellScript, SimpleCommand

_BRACED = re.compile(r"\$\{(\w+)\}")
_REMOVERS = frozenset({"rm", "rmdir"})
#: Where ``docker-php-source extract`` unpacks the PHP sources that ``delete`` removes again.
_PHP_SOURCE = "/usr/src/php"


def _normal(text: str) -> str:
    text = _BRACED.sub(r"$\1", text)
    if not text:
        return text
    norm = posixpath.normpath(text)
    return "" if norm == "." else norm


def _join(cwd: str, arg: str) -> str:
    if arg.startswith(("/", "$", "~")):
        return _normal(arg)
    return _normal(posixpath.join(cwd, arg) if cwd else arg)


def _cd_target(cd: SimpleCommand, cwd: str, oldpwd: str) -> str:
    operands = [w.unquoted for w in cd.args if not (w.unquoted.startswith("-") and w.unquoted != "-")]
    if not operands:
        return "~"
    if operands[0] == "-":
        return oldpwd
    return _join(cwd, operands[0])


def _ancestors(path: str) -> list[str]:
    """The path and its parents, without `/`, `.` or the unknown start."""
    out = []
    while path and path not in ("/", ".", "..", "~"):
        out.append(path)
        parent = posixpath.dirname(path)
        if parent == path:
            break
        path = parent
    return out


def _removed(path: str, removals: list[str]) -> bool:
    """Whether a removal covers ``path`` or a parent of it. A path relative to an unknown start
    (``git clone ... amoc_build && cd amoc_build``) is also covered by an absolute removal that
    ends with it (``rm -rf /amoc_build``): the script itself says where it was."""
    if not path:
        return False
    candidates = _ancestors(path)
    if any(fnmatch.fnmatchcase(p, r) for r in removals for p in candidates):
        return True
    relative = [p for p in candidates if not p.startswith(("/", "$", "~", "."))]
    return any(r.startswith("/") and r.endswith("/" + p) for r in removals for p in relative)


def scratch_area_cds(script: ShellScript, workdir: str = "") -> set[SimpleCommand]:
    """The ``cd`` commands that enter a directory the script removes afterwards, or leave one
    on the way to its removal: going up (``cd ..``, ``cd /``, ``cd``, ``cd -``), or anywhere
    when only removals follow until it is gone (``cd $HOME && rm -rf $BUILD``). ``workdir``
    is where the script starts ("" when unknown)."""
    cwd_by_scope: dict[tuple[int, ...], tuple[str, str]] = {(): (_normal(workdir), "")}

    def where(scope: tuple[int, ...]) -> tuple[str, str]:
        for depth in range(len(scope), -1, -1):
            found = cwd_by_scope.get(scope[:depth])
            if found is not None:
                return found
        return "", ""

    moves: list[tuple[SimpleCommand, str, str]] = []  # (cd, left, entered)
    events: list[tuple[int, list[str] | None]] = []  # (offset, removed paths; None: not a removal)
    for cmd in sorted(script.commands, key=lambda c: c.start):
        if cmd.in_substitution:
            continue
        cwd, oldpwd = where(cmd.scope)
        if cmd.basename == "cd":
            target = _cd_target(cmd, cwd, oldpwd)
            cwd_by_scope[cmd.scope] = (target, cwd)
            moves.append((cmd, cwd, target))
            events.append((cmd.start, None))
        elif cmd.basename == "docker-php-source" and cmd.has_arg("delete"):
            events.append((cmd.start, [_PHP_SOURCE]))
        elif cmd.basename in _REMOVERS:
            events.append((cmd.start, _removed_operands(cmd, cwd)))
        else:
            events.append((cmd.start, None))
    home = _home_guess(moves, events)
    if home:
        events = [(at, None if paths is None else [_at_home(path, home) for path in paths])
                  for at, paths in events]
    found: set[SimpleCommand] = set()
    for cd, left, entered in moves:
        after = [paths for at, paths in events if at > cd.start]
        later = [path for paths in after if paths for path in paths]
        if not later:
            continue
        going_up = not entered or entered in ("/", "~") or left.startswith(entered + "/") or cd.has_arg("-")
        removals_next = itertools.takewhile(lambda paths: paths is not None, after)
        next_removals = [path for paths in removals_next for path in paths or ()]
        if _removed(entered, later) or (going_up and _removed(left, later)) or _removed(left, next_removals):
            found.add(cd)
    return found


_Moves = list[tuple[SimpleCommand, str, str]]
_Events = list[tuple[int, list[str] | None]]


def _home_guess(moves: _Moves, events: _Events) -> str:
    """Where ``~`` is, when the script tells: ``cd /u01/oracle/tmp ... cd; rm -rf tmp`` leaves a
    directory for the home directory and removes it by its name there, so the home directory
    is its parent. "" when the script does not tell."""
    for cd, left, entered in moves:
        if entered != "~" or not left.startswith("/"):
            continue
        name = "~/" + posixpath.basename(left)
        if any(name in paths for at, paths in events if paths and at > cd.start):
            return posixpath.dirname(left)
    return ""


def _at_home(path: str, home: str) -> str:
    return posixpath.join(home, path[2:]) if path.startswith("~/") else path


def _removed_operands(cmd: SimpleCommand, cwd: str) -> list[str]:
    paths = []
    for word in cmd.args:
        text = word.unquoted
        if text.startswith("-") or not text:
            continue
        resolved = _join(cwd, text)
        if resolved and resolved not in ("/", "~") and not resolved.startswith(".."):
            paths.append(resolved)
    return paths
