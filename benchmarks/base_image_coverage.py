"""How many registry FROM lines of the shared corpus get a base-image size from ``dflint simulate``.

Why a script: the image table (``dflint/simulate/data/images.json``) is only worth its weight if
the images people actually build on are in it. This counts every FROM line of the corpus that
names a registry image (not a stage, not ``scratch``) and sorts it by the confidence of the size
``SizeModel.base_image`` gives it:

* ``data``: an exact tag (or alias) of a table entry, figure from its source;
* ``heuristic``: another tag of a known family, another platform, or a variant (reason in the note);
* ``none``: no size (``unknown``): an image the table does not know;
* ``unresolved``: the reference still holds a variable after expansion (``FROM $BASE`` whose ARG
  has no default). That is no image name at all, only what ``--build-arg`` will say, so it is
  counted apart and left out of the share the target is about (``none`` over the resolvable
  lines); the report gives both shares.

Global ARG defaults are expanded as BuildKit would without ``--build-arg``.

    python benchmarks/base_image_coverage.py [--top 30] [--json]
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks._common import corpus_files  # noqa: E402
from dflint.parser import parse_bytes  # noqa: E402
from dflint.semantic import SemanticModel  # noqa: E402
from dflint.simulate.size import SizeModel  # noqa: E402

CLASSES = ("data", "heuristic", "none", "unresolved")


def classify(model: SizeModel, text: str) -> str:
    """``data``, ``heuristic``, ``none`` or ``unresolved`` for one expanded FROM reference."""
    if not text or "$" in text:
        return "unresolved"
    estimate = model.base_image(text, False)
    if estimate.size_bytes is None:
        return "none"
    return "data" if estimate.confidence in ("data", "measured") else "heuristic"


def measure(files: list[Path]) -> tuple[collections.Counter[str], collections.Counter[str]]:
    """Counts per class, and the unknown references (for the report's top list)."""
    model = SizeModel()
    counts: collections.Counter[str] = collections.Counter()
    missing: collections.Counter[str] = collections.Counter()
    for path in files:
        try:
            semantic = SemanticModel.build(parse_bytes(path.read_bytes(), str(path)))
        except Exception:
            continue
        for stage in semantic.stages:
            base = stage.base
            if not base.is_external:
                continue
            verdict = classify(model, base.text)
            counts[verdict] += 1
            if verdict in ("none", "unresolved"):
                missing[base.text or base.raw] += 1
    return counts, missing


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--top", type=int, default=30, help="how many unknown references to list")
    ap.add_argument("--json", action="store_true", help="print the counts as JSON")
    args = ap.parse_args()
    counts, missing = measure(corpus_files())
    total = sum(counts.values())
    if args.json:
        print(json.dumps({"total": total, **{c: counts[c] for c in CLASSES}}))
        return 0
    resolvable = total - counts["unresolved"]
    print(f"registry FROM lines: {total} ({resolvable} name an image once ARG defaults are expanded)")
    for name in CLASSES:
        print(f"  {name:10} {counts[name]:5}  {100 * counts[name] / max(total, 1):5.1f}% of all")
    print(f"without a size: {100 * counts['none'] / max(resolvable, 1):.1f}% of the resolvable lines")
    print(f"most frequent references without a size (top {args.top}):")
    for ref, n in missing.most_common(args.top):
        print(f"  {n:4}  {ref}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
