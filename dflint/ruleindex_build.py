"""``python -m dflint.ruleindex``: write (or ``--check``) a plugin package's rule index.

The index (see :mod:`dflint.ruleindex`) is derived data: this imports every rule module of the
package, reads each rule class's metadata and triggers, and writes them as one Python literal per
rule, so the file loads as bytecode and merges line by line. Run it after changing a rule
(``make ruleindex``); ``--check`` (and ``tests/test_ruleindex.py``) says when it is stale.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from dflint.plugin import Rule
from dflint.ruleindex import FORMAT, RuleEntry, source_sizes

BUILTIN_PACKAGE = "dflint_rules"

_HEADER = '''"""Generated from the rule classes by `python -m dflint.ruleindex` (`make ruleindex`).

Do not edit. What each rule looks at (see dflint/ruleindex.py), so the engine imports a rule
module only for the files that need it. tests/test_ruleindex.py fails when this is stale.
"""
# ruff: noqa: E501

FORMAT = {format}

#: Source size of each rule module when this was made: a module whose size changed since is
#: imported at start-up instead of trusting the rows below.
FILES = {{
{files}}}

#: code, module, class, name, aliases, enabled by default, groups, instructions, commands, text, options
RULES = (
{rows})
'''


def package_entries(package: str) -> tuple[list[RuleEntry], dict[str, int]]:
    """Every rule class of ``package`` (imported), as index entries, and its module sizes."""
    module = importlib.import_module(package)
    directory = next(iter(module.__path__))
    sizes = source_sizes(directory)
    entries: list[RuleEntry] = []
    problems: list[str] = []
    for name in sizes:
        full = f"{package}.{name}"
        loaded = importlib.import_module(full)
        for value in vars(loaded).values():
            if (isinstance(value, type) and issubclass(value, Rule) and value.__module__ == full
                    and "code" in vars(value)):
                bad = value.validate_metadata()
                if bad:
                    problems.append(f"{full}.{value.__name__}: " + "; ".join(bad))
                entries.append(RuleEntry.of(value, name))
    if problems:
        raise ValueError("cannot index invalid rules:\n" + "\n".join(problems))
    return sorted(entries, key=lambda e: e.code), sizes


def render(entries: Sequence[RuleEntry], sizes: dict[str, int]) -> str:
    """The index module's source text."""
    files = "".join(f"    {name!r}: {size},\n" for name, size in sizes.items())
    rows = "".join(f"    {entry.row()!r},\n" for entry in entries)
    return _HEADER.format(format=FORMAT, files=files, rows=rows)


def index_path(package: str) -> str:
    module = importlib.import_module(package)
    return os.path.join(next(iter(module.__path__)), "_index.py")


def expected_source(package: str = BUILTIN_PACKAGE) -> str:
    return render(*package_entries(package))


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m dflint.ruleindex", description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="exit 1 if the index is stale; write nothing")
    ap.add_argument("--package", default=BUILTIN_PACKAGE, help="the rule package (default: %(default)s)")
    args = ap.parse_args(argv)
    path = index_path(args.package)
    wanted = expected_source(args.package)
    try:
        with open(path, encoding="utf-8") as fh:
            current = fh.read()
    except OSError:
        current = ""
    if args.check:
        if current != wanted:
            print(f"{path} is stale: run `python -m dflint.ruleindex` (make ruleindex)", file=sys.stderr)
            return 1
        return 0
    if current != wanted:
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(wanted)
        print(f"wrote {path}")
    return 0
