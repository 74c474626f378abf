"""Precision and recall of dflint's findings on judged real-world Dockerfiles.

A judged finding is one line of ``fixtures/judged/<CODE>.jsonl``: a finding dflint made on a file of
the shared real-world corpus, read by a person and judged

- ``TP``: the message's claim is true and a competent maintainer would want to be told;
- ``FP``: the claim is false, or the advice is wrong (it would break the build, or change nothing);
- ``debatable``: reasonable maintainers would disagree; counted in neither direction.

Findings are matched on (file, code, line): corpus files never change, so a line keeps meaning the
same instruction, and a judgement survives rewording of the message.

    python scripts/precision.py                 # per-rule table over the judged files
    python scripts/precision.py --all           # ... and every unjudged finding of the corpus, per rule
    python scripts/precision.py --unjudged DF001 [--limit N] [--seed S]
                                                # stubs to judge: unjudged findings of one rule, as JSON lines
    python scripts/precision.py --json          # the table as JSON (for the closing note, for diffs)
    python scripts/precision.py --heldout [...] # the same over the held-out set only (see below)
    python scripts/precision.py --set heldout2 [...]  # ... or over another held-out set (--heldout2)

The held-out set (``fixtures/heldout/``, verdicts in ``fixtures/judged/heldout/<CODE>.jsonl``) is a
second sample of real files that no rule was tuned on: its precision is our estimate of precision on
files we have never seen. A held-out judgement names its file by its path from the repository root
(``fixtures/heldout/<name>``); a plain name is a shared-corpus file. Without ``--heldout`` the report
prints the corpus table, then the held-out table on its own.

Once a held-out set has been judged and its FPs fixed it is held out no longer, so a newer set takes
its place: ``fixtures/heldout2/`` (verdicts in ``fixtures/judged/heldout2/``), built and judged the
same way. Every set under ``fixtures/`` named ``heldout*`` with verdicts gets its own table, in order.
With ``--all`` a held-out table also gives the finding-weighted precision: each rule's precision
weighted by how many findings it makes on the set, the figure a user of the whole set would see when
big rules were judged on a sample.

The same module backs ``tests/test_judged_findings.py``, which fails when a judged FP comes back or
a judged TP disappears. Run it from another checkout (``--judged DIR``) to measure the same verdicts
against older code: that is how a "before" column is made.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
JUDGED_DIR = ROOT / "fixtures" / "judged"
HELDOUT_JUDGED_DIR = JUDGED_DIR / "heldout"
HELDOUT_DIR = ROOT / "fixtures" / "heldout"
HELDOUT2_JUDGED_DIR = JUDGED_DIR / "heldout2"
HELDOUT2_DIR = ROOT / "fixtures" / "heldout2"
VERDICTS = ("TP", "FP", "debatable")


def corpus_dir() -> Path:
    """The shared real-world corpus: beside the checkout (CI clones main next to ``shared``)."""
    for candidate in (ROOT.parent / "shared" / "corpus" / "realworld", Path("/work/shared/corpus/realworld")):
        if candidate.is_dir():
            return candidate
    raise SystemExit("precision: the shared corpus (../shared/corpus/realworld) is not there")


def checkout_of(judged: Path) -> Path:
    """The checkout a judged folder belongs to: held-out file paths are relative to it (so
    ``--judged OTHER/fixtures/judged/heldout`` lints OTHER's copies of the held-out files)."""
    for folder in (judged.resolve(), *judged.resolve().parents):
        if (folder / "fixtures" / "heldout").is_dir():
            return folder
    return ROOT


def source(name: str, root: Path = ROOT) -> Path:
    """Where a judged file is: a path from the repository root (held-out set) or a corpus name."""
    return root / name if "/" in name else corpus_dir() / name


Key = tuple[str, str, int]  # (corpus file name or held-out path, code, line)


@dataclass(frozen=True)
class Judgement:
    """One judged finding, as stored in ``fixtures/judged/<CODE>.jsonl``."""

    file: str
    code: str
    line: int
    verdict: str
    reason: str
    message: str
    source: str  # "<jsonl file>:<line>", for error messages
    #: Why the rule still reports this FP (or no longer reports this TP) on purpose; "" if not.
    known: str = ""

    @property
    def key(self) -> Key:
        return (self.file, self.code, self.line)


@dataclass(frozen=True)
class Reported:
    """One finding dflint makes now."""

    file: str
    code: str
    line: int
    column: int
    message: str

    @property
    def key(self) -> Key:
        return (self.file, self.code, self.line)


class JudgedDataError(ValueError):
    """A judged-findings file is malformed (the test suite reports it with its file:line)."""


def load_judgements(folder: Path = JUDGED_DIR) -> list[Judgement]:
    """Every judgement, checked for shape. Two judgements of the same key must agree."""
    judgements: list[Judgement] = []
    seen: dict[Key, Judgement] = {}
    for path in sorted(folder.glob("*.jsonl")):
        for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not text.strip():
                continue
            where = f"{path.name}:{number}"
            try:
                record = json.loads(text)
            except json.JSONDecodeError as exc:
                raise JudgedDataError(f"{where}: not JSON: {exc}") from exc
            judgement = _judgement(record, where)
            earlier = seen.get(judgement.key)
            if earlier is not None:
                if earlier.verdict != judgement.verdict:
                    raise JudgedDataError(f"{where}: {judgement.key} judged {judgement.verdict} here "
                                          f"but {earlier.verdict} at {earlier.source}")
                continue
            seen[judgement.key] = judgement
            judgements.append(judgement)
    return judgements


def _judgement(record: object, where: str) -> Judgement:
    if not isinstance(record, dict):
        raise JudgedDataError(f"{where}: a judgement is a JSON object")
    missing = [k for k in ("file", "code", "line", "verdict", "reason") if k not in record]
    if missing:
        raise JudgedDataError(f"{where}: missing {', '.join(missing)}")
    if record["verdict"] not in VERDICTS:
        raise JudgedDataError(f"{where}: verdict {record['verdict']!r} is not one of {', '.join(VERDICTS)}")
    if not isinstance(record["line"], int) or record["line"] < 1:
        raise JudgedDataError(f"{where}: line must be a positive integer")
    if not str(record["reason"]).strip():
        raise JudgedDataError(f"{where}: a judgement needs a one-line reason")
    return Judgement(str(record["file"]), str(record["code"]), record["line"], str(record["verdict"]),
                     str(record["reason"]), str(record.get("message", "")), where,
                     str(record.get("known", "")))


def lint(files: Iterable[str], root: Path = ROOT) -> list[Reported]:
    """dflint's findings on judged files, default configuration (as a user without a config sees them)."""
    from dflint.config import ConfigResolver
    from dflint.engine import Linter, load_registry

    registry = load_registry()
    linter = Linter(registry, ConfigResolver(registry, isolated=True).settings_for)
    reported: list[Reported] = []
    for name in sorted(set(files)):
        outcome = linter.lint_path(source(name, root), name.rsplit("/", 1)[-1])
        reported.extend(Reported(name, f.code, f.span.start_line, f.span.start_col, f.message)
                        for f in outcome.findings)
    return reported


def corpus_files() -> list[str]:
    folder = corpus_dir()
    return sorted(p.name for p in folder.iterdir()
                  if p.is_file() and not p.name.endswith((".md", ".json", ".jsonl")))


def heldout_files(root: Path = ROOT, name: str = HELDOUT_DIR.name) -> list[str]:
    """A held-out set's files (``fixtures/<name>``), as paths from the repository root."""
    relative = HELDOUT_DIR.parent.relative_to(ROOT) / name
    folder = root / relative
    if not folder.is_dir():
        return []
    return sorted(f"{relative.as_posix()}/{p.name}" for p in folder.iterdir()
                  if p.is_file() and not p.name.endswith((".md", ".json", ".jsonl")))


def heldout_sets(judged: Path = JUDGED_DIR) -> list[str]:
    """The held-out sets with verdicts under ``judged`` (``heldout``, ``heldout2``, ...), in order."""
    return sorted((p.name for p in judged.glob("heldout*") if p.is_dir() and any(p.glob("*.jsonl"))),
                  key=lambda name: (len(name), name))


@dataclass
class RuleScore:
    """Per-rule counts over the judged files."""

    code: str
    tp: int = 0  # judged TP, still reported
    fp: int = 0  # judged FP, still reported
    debatable: int = 0  # judged debatable, still reported
    fixed_fp: int = 0  # judged FP, no longer reported (good)
    lost_tp: int = 0  # judged TP, no longer reported (bad)
    unjudged: int = 0  # reported on a judged file, not judged

    @property
    def precision(self) -> float | None:
        judged = self.tp + self.fp
        return self.tp / judged if judged else None

    @property
    def recall(self) -> float | None:
        true = self.tp + self.lost_tp
        return self.tp / true if true else None


def score(judgements: Sequence[Judgement], reported: Sequence[Reported]) -> dict[str, RuleScore]:
    """Compare the judgements with what dflint reports now on the same files."""
    now = {r.key for r in reported}
    judged_keys = {j.key for j in judgements}
    judged_files = {j.file for j in judgements}
    scores: dict[str, RuleScore] = {}

    def of(code: str) -> RuleScore:
        return scores.setdefault(code, RuleScore(code))

    for j in judgements:
        s = of(j.code)
        present = j.key in now
        if j.verdict == "TP":
            if present:
                s.tp += 1
            else:
                s.lost_tp += 1
        elif j.verdict == "FP":
            if present:
                s.fp += 1
            else:
                s.fixed_fp += 1
        elif present:
            s.debatable += 1
    for key in {r.key for r in reported if r.file in judged_files} - judged_keys:
        of(key[1]).unjudged += 1
    return scores


def regressions(judgements: Sequence[Judgement], reported: Sequence[Reported]) -> list[str]:
    """Judged FPs that came back and judged TPs that disappeared, one line each (except the
    ``known`` ones: deliberate trade-offs, still counted by :func:`score`)."""
    now = {r.key for r in reported}
    problems = []
    for j in judgements:
        if j.known:
            continue
        if j.verdict == "FP" and j.key in now:
            problems.append(f"{j.source}: judged FP is reported again: "
                            f"{j.file}:{j.line} {j.code} ({j.reason})")
        elif j.verdict == "TP" and j.key not in now:
            problems.append(f"{j.source}: judged TP is no longer reported: "
                            f"{j.file}:{j.line} {j.code} ({j.reason})")
    return problems


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"


def weighted_precision(scores: dict[str, RuleScore], findings: Counter[str]) -> float | None:
    """Each rule's precision weighted by its number of ``findings`` (rules without a TP or FP
    verdict left out): the precision over all findings of a set whose big rules were judged on a
    sample."""
    pairs = [(findings[code], s.precision) for code, s in scores.items()
             if s.precision is not None and findings[code]]
    total = sum(count for count, _ in pairs)
    return sum(count * p for count, p in pairs) / total if total else None


def table(scores: dict[str, RuleScore], corpus_unjudged: Counter[str] | None = None) -> Iterator[str]:
    header = ("| rule | TP | FP | debatable | precision | recall | FP fixed | TP lost "
              "| unjudged (judged files) |")
    if corpus_unjudged is not None:
        header += " unjudged (corpus) |"
    yield header
    yield "|" + " --- |" * (header.count("|") - 1)
    total = RuleScore("all")
    for code in sorted(set(scores) | set(corpus_unjudged or ())):
        s = scores.get(code, RuleScore(code))
        for field in ("tp", "fp", "debatable", "fixed_fp", "lost_tp", "unjudged"):
            setattr(total, field, getattr(total, field) + getattr(s, field))
        row = (f"| {code} | {s.tp} | {s.fp} | {s.debatable} | {_percent(s.precision)} | {_percent(s.recall)} "
               f"| {s.fixed_fp} | {s.lost_tp} | {s.unjudged} |")
        if corpus_unjudged is not None:
            row += f" {corpus_unjudged.get(code, 0)} |"
        yield row
    yield (f"| **all** | {total.tp} | {total.fp} | {total.debatable} | {_percent(total.precision)} "
           f"| {_percent(total.recall)} | {total.fixed_fp} | {total.lost_tp} | {total.unjudged} |"
           + (f" {sum(corpus_unjudged.values())} |" if corpus_unjudged is not None else ""))


def stubs(code: str, judgements: Sequence[Judgement], limit: int, seed: int,
          universe: Sequence[str] | None = None, root: Path = ROOT) -> Iterator[str]:
    """Unjudged findings of one rule over the whole corpus (or ``universe``), as JSON lines with an
    empty verdict."""
    judged = {j.key for j in judgements}
    files = corpus_files() if universe is None else universe
    candidates = [r for r in lint(files, root) if r.code == code and r.key not in judged]
    unique: dict[Key, Reported] = {}
    for r in candidates:
        unique.setdefault(r.key, r)
    picked = list(unique.values())
    random.Random(seed).shuffle(picked)
    for r in sorted(picked[:limit], key=lambda r: r.key):
        yield json.dumps({"file": r.file, "code": r.code, "line": r.line, "verdict": "", "reason": "",
                          "message": r.message})


def report(judgements: Sequence[Judgement], universe: Sequence[str] | None, root: Path, where: str) -> int:
    """Print one set's table, its regressions and its unjudged findings; the number of regressions.

    ``universe``: every file of the set, to count unjudged findings over all of it (``--all``);
    ``where``: the folder its verdicts go to, for the hint."""
    files = {j.file for j in judgements}
    set_unjudged: Counter[str] | None = None
    findings: Counter[str] | None = None
    if universe is not None:
        everything = lint(universe, root)
        judged = {j.key for j in judgements}
        set_unjudged = Counter(code for (_, code, _) in {r.key for r in everything} - judged)
        findings = Counter(code for (_, code, _) in {r.key for r in everything})
        reported = [r for r in everything if r.file in files]
    else:
        reported = lint(files, root)
    verdicts = Counter(j.verdict for j in judgements)
    print(f"{len(judgements)} judged findings on {len(files)} files "
          f"({verdicts['TP']} TP, {verdicts['FP']} FP, {verdicts['debatable']} debatable)\n")
    scores = score(judgements, reported)
    for row in table(scores, set_unjudged):
        print(row)
    if findings is not None and universe is not None:
        print(f"\nfinding-weighted precision: {_percent(weighted_precision(scores, findings))} "
              f"({sum(findings.values())} findings on {len(universe)} files)")
    problems = regressions(judgements, reported)
    if problems:
        print(f"\n{len(problems)} regressions:")
        for problem in problems:
            print("  " + problem)
    by_rule: dict[str, list[Reported]] = defaultdict(list)
    judged_keys = {j.key for j in judgements}
    for r in reported:
        if r.key not in judged_keys:
            by_rule[r.code].append(r)
    if by_rule:
        print(f"\nunjudged findings on judged files (judge them: add lines to {where}/<CODE>.jsonl):")
        for code in sorted(by_rule):
            for r in sorted({r.key: r for r in by_rule[code]}.values(), key=lambda r: r.key)[:10]:
                print(f"  {r.file}:{r.line} {r.code} {r.message}")
    return len(problems)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--judged", type=Path, default=None,
                        help="folder of <CODE>.jsonl judgements (default fixtures/judged, "
                             "or fixtures/judged/heldout with --heldout)")
    parser.add_argument("--heldout", action="store_const", const=HELDOUT_DIR.name, dest="set",
                        help="the held-out set only (fixtures/heldout, verdicts in fixtures/judged/heldout)")
    parser.add_argument("--heldout2", action="store_const", const=HELDOUT2_DIR.name, dest="set",
                        help="the second held-out set only (fixtures/heldout2, verdicts in "
                             "fixtures/judged/heldout2)")
    parser.add_argument("--set", metavar="NAME", dest="set",
                        help="one held-out set only (fixtures/NAME, verdicts in fixtures/judged/NAME)")
    parser.add_argument("--all", action="store_true",
                        help="also count unjudged findings over the whole corpus (or held-out set)")
    parser.add_argument("--unjudged", metavar="CODE", help="print stubs for unjudged findings of CODE")
    parser.add_argument("--limit", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", action="store_true", help="print the per-rule scores as JSON")
    args = parser.parse_args(argv)

    judged_dir: Path = args.judged or (JUDGED_DIR / args.set if args.set else JUDGED_DIR)
    root = checkout_of(judged_dir)
    judgements = load_judgements(judged_dir)
    universe = heldout_files(root, args.set) if args.set else None
    if args.unjudged:
        for line in stubs(args.unjudged, judgements, args.limit, args.seed, universe, root):
            print(line)
        return 0
    if args.json:
        scores = score(judgements, lint({j.file for j in judgements}, root))
        print(json.dumps({code: {**vars(s), "precision": s.precision, "recall": s.recall}
                          for code, s in sorted(scores.items())}, indent=1))
        return 0
    if args.set:
        print(f"# held-out set: real files no rule was tuned on (fixtures/{args.set})\n")
        return 1 if report(judgements, universe if args.all else None, root,
                           f"fixtures/judged/{args.set}") else 0
    problems = report(judgements, corpus_files() if args.all else None, root, "fixtures/judged")
    for name in heldout_sets(judged_dir):
        heldout = load_judgements(judged_dir / name)
        print(f"\n# held-out set: real files no rule was tuned on (fixtures/{name}); "
              "its precision is our estimate for files we have never seen\n")
        universe = heldout_files(root, name) if args.all else None
        problems += report(heldout, universe, root, f"fixtures/judged/{name}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
