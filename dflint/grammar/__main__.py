"""``python -m dflint.grammar`` regenerates ``_standalone.py`` from ``dockerfile.lark``."""

from dflint.grammar import STANDALONE_PATH, generate

STANDALONE_PATH.write_text(generate(), encoding="utf-8")
print(f"wrote {STANDALONE_PATH}")
