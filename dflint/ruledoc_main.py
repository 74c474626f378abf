"""`python -m dflint.ruledoc_main [DIR]`: regenerate docs/rules/ from the installed rules' metadata."""

from __future__ import annotations

import sys
from pathlib import Path

from dflint.engine import load_registry
from dflint.ruledoc import write_rule_docs


def main(argv: list[str]) -> int:
    directory = Path(argv[0]) if argv else Path(__file__).resolve().parent.parent / "docs" / "rules"
    for stale in directory.glob("*.md"):
        stale.unlink()
    written = write_rule_docs(list(load_registry()), directory)
    print(f"wrote {len(written)} files to {directory}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
