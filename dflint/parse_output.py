"""``dflint parse``: the parse tree as JSON (oracle-comparable) or as BuildKit's s-expression dump.

Kept separate from the parser so the lint path never pays for json/argparse imports.
See docs/parse-format.md for the JSON format.
"""

from __future__ import annotations

import sys
from typing import Any

from dflint.source import go_quote
from dflint.tree import Dockerfile, Instruction, Onbuild


def _ins_json(ins: Instruction) -> dict[str, Any]:
    sub = ins.trigger if isinstance(ins, Onbuild) else None
    target = sub if sub is not None else ins
    return {
        "cmd": ins.cmd,
        "sub_cmd": sub.cmd if sub is not None else None,
        "json": target.json,
        "original": ins.original,
        "start_line": ins.start_line,
        "end_line": ins.end_line,
        "flags": [f.raw for f in ins.flags],
        "value": list(target.value),
        "heredocs": [
            {"name": h.name, "content": h.content, "expand": h.expand, "chomp": h.chomp}
            for h in target.heredocs
        ],
    }


def to_json(df: Dockerfile) -> dict[str, Any]:
    """One file as a JSON-ready dict: instructions (BuildKit AST fields) and errors."""
    return {
        "file": df.path,
        "instructions": [_ins_json(i) for i in df.instructions],
        "errors": [{"line": e.line, "column": e.column, "message": e.message} for e in df.errors],
    }


def _dump_node(ins: Instruction) -> str:
    s = ins.cmd
    if ins.flags:
        s += " [" + " ".join(go_quote(f.raw) for f in ins.flags) + "]"
    if isinstance(ins, Onbuild):
        if ins.trigger is not None:
            s += " " + _dump_node(ins.trigger)
    else:
        s += "".join(" " + go_quote(v) for v in ins.value)
    return "(" + s + ")"


def to_dump(df: Dockerfile) -> str:
    """BuildKit's ``Node.Dump()`` of the file plus the trailing newline (corpus ``result`` format)."""
    return "".join(_dump_node(i) + "\n" for i in df.instructions)


def to_text(df: Dockerfile) -> str:
    lines = []
    for ins in df.instructions:
        lines.append(f"{df.path}:{ins.start_line}-{ins.end_line}: {_dump_node(ins)}")
    for e in df.errors:
        lines.append(f"{df.path}:{e.line}:{e.column}: error: {e.message}")
    for w in df.warnings:
        lines.append(f"{df.path}:{w.line}:{w.column}: warning: {w.message}")
    return "\n".join(lines) + ("\n" if lines else "")


def main(argv: list[str] | None = None) -> int:
    """``dflint parse FILE... [--format json|dump|text]``: exit 2 unreadable, 1 parse error, else 0."""
    import argparse
    import json

    from dflint.helpformat import HelpFormatter  # argparse without its shutil import
    from dflint.parser import parse_file

    ap = argparse.ArgumentParser(
        prog="dflint parse", description="Print the parse of Dockerfiles.", formatter_class=HelpFormatter
    )
    ap.add_argument("files", nargs="+")
    ap.add_argument("--format", choices=("json", "dump", "text"), default="json")
    args = ap.parse_args(argv)
    rc = 0
    out = sys.stdout
    for path in args.files:
        df = parse_file(path)
        if df.unreadable:
            rc = 2
        elif df.errors and rc == 0:
            rc = 1
        if args.format == "json":
            out.write(json.dumps(to_json(df), ensure_ascii=False) + "\n")
        elif args.format == "dump":
            out.write(to_dump(df))
            for e in df.errors:
                sys.stderr.write(f"{path}:{e.line}:{e.column}: {e.message}\n")
        else:
            out.write(to_text(df))
    return rc


if __name__ == "__main__":
    sys.exit(main())
