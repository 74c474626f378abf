"""Per rule code: findings both dflint and hadolint report, only dflint, only hadolint.

Both tools run over the same real-world files in the same run. hadolint reports the line where
an instruction starts; dflint points at the offending word, which may sit on a continuation
line, and it reports every unpinned package where hadolint reports the instruction once, so
findings are matched as a set of (file, code, instruction start line). Only DL codes are
compared (SC codes come from ShellCheck, not from either linter's own rules).

Files hadolint cannot judge are left out of the per-code counts and counted on their own:
- "hadolint parse failures": hadolint reports DL1000 (its parser rejects a file BuildKit
  accepts, e.g. a heredoc or flag form it does not know), so it reports no other finding;
- "hadolint crashes": hadolint exits with an error and no report (2.15.1 crashes on a
  one-character WORKDIR). hadolint runs once per file because a crash in a batch run throws
  away the report for every file in that batch.

    python benchmarks/compare_hadolint.py [--limit N] [--examples CODE[,CODE...]] [--markdown]
"""

from __future__ import annotations

import argparse
import json
import subprocess
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from _common import corpus_files, tool

from dflint.parser import parse_file

Key = tuple[str, str, int]


def instruction_starts(path: Path) -> list[tuple[int, int]]:
    df = parse_file(str(path))
    return [(i.span.start_line, i.span.end_line) for i in df.instructions]


def start_of(line: int, ranges: list[tuple[int, int]]) -> int:
    for start, end in ranges:
        if start <= line <= end:
            return start
    return line


def run_json(argv: list[str]) -> list[dict[str, object]] | None:
    """The JSON report of a command, or None when it printed none (a crash)."""
    out = subprocess.run(argv, capture_output=True, text=True, check=False).stdout
    try:
        report = json.loads(out)
    except json.JSONDecodeError:
        return None
    return report if isinstance(report, list) else None


def chunks(items: list[str], size: int) -> list[list[str]]:
    return [items[i:i + size] for i in range(0, len(items), size)]


def hadolint_reports(names: list[str], cache: Path | None) -> dict[str, list[dict[str, object]] | None]:
    """hadolint's findings per file (None: it crashed); one process per file, see the module doc."""
    cached: dict[str, list[dict[str, object]] | None] = {}
    if cache is not None and cache.exists():
        cached = json.loads(cache.read_text(encoding="utf-8"))
    binary = tool("hadolint")
    todo = [n for n in names if n not in cached]
    with ThreadPoolExecutor() as pool:
        reports = pool.map(lambda n: run_json([binary, "--no-fail", "-f", "json", n]), todo)
        for name, report in zip(todo, reports, strict=True):
            cached[name] = report
    if cache is not None and todo:
        cache.write_text(json.dumps(cached), encoding="utf-8")
    return {n: cached[n] for n in names}


def dflint_findings(names: list[str]) -> list[dict[str, object]]:
    dflint = tool("dflint")
    found: list[dict[str, object]] = []
    for batch in chunks(names, 400):
        found.extend(run_json([dflint, "--format", "json", "--exit-zero", "--isolated", *batch]) or [])
    return found


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--examples", metavar="CODES", help="print disagreements for these comma-separated codes")
    ap.add_argument("--max-examples", type=int, default=10, metavar="N", help="per code (default 10)")
    ap.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    ap.add_argument("--hadolint-cache", type=Path, metavar="FILE",
                    help="reuse hadolint's reports from FILE (JSON), adding missing ones; speeds up reruns")
    args = ap.parse_args()
    files = corpus_files(args.limit)
    names = [str(p) for p in files]

    reports = hadolint_reports(names, args.hadolint_cache)
    crashed = {n for n, r in reports.items() if r is None}
    unparsed = {n for n, r in reports.items() if r and any(f.get("code") == "DL1000" for f in r)}
    judged = [n for n in names if n not in crashed and n not in unparsed]
    judged_set = set(judged)

    ours: Counter[Key] = Counter()
    theirs: Counter[Key] = Counter()
    ranges = {name: instruction_starts(Path(name)) for name in judged}
    for f in dflint_findings(judged):
        code, file = str(f["code"]), str(f["file"])
        if code.startswith("DL") and file in judged_set:
            ours[(file, code, start_of(int(str(f["line"])), ranges.get(file, [])))] += 1
    for name in judged:
        for f in reports[name] or []:
            code = str(f["code"])
            if code.startswith("DL"):
                theirs[(str(f["file"]), code, int(str(f["line"])))] += 1

    table: dict[str, Counter[str]] = defaultdict(Counter)
    examples: dict[str, list[str]] = defaultdict(list)
    for key in set(ours) | set(theirs):
        _, code, _ = key
        if key in ours and key in theirs:
            table[code]["both"] += 1
        else:
            side = "dflint" if key in ours else "hadolint"
            table[code][f"only {side}"] += 1
            examples[code].append(f"only {side}: {key[0]}:{key[2]}")

    rows = []
    for code in sorted(table):
        c = table[code]
        total = c["both"] + c["only dflint"] + c["only hadolint"]
        diff = (c["only dflint"] + c["only hadolint"]) / total * 100 if total else 0.0
        rows.append((code, c["both"], c["only dflint"], c["only hadolint"], diff))
    if args.markdown:
        print("| code | both | only dflint | only hadolint | differ % |\n| --- | ---: | ---: | ---: | ---: |")
        for code, both, od, oh, diff in rows:
            print(f"| {code} | {both} | {od} | {oh} | {diff:.1f} |")
    else:
        print(f"{'code':<8}{'both':>7}{'only dflint':>13}{'only hadolint':>15}{'differ %':>10}")
        for code, both, od, oh, diff in rows:
            print(f"{code:<8}{both:>7}{od:>13}{oh:>15}{diff:>10.1f}")
    print(f"\n{len(files)} files; {len(judged)} compared. Left out of the counts above:")
    print(f"  hadolint parse failures (DL1000): {len(unparsed)}")
    print(f"  hadolint crashes (no report):     {len(crashed)}")
    for code in (args.examples or "").split(","):
        if code:
            print(f"\n{code}:")
            for line in sorted(examples.get(code, []))[:args.max_examples]:
                print(f"  {line}")


if __name__ == "__main__":
    main()
