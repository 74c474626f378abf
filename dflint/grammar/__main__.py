"""``python -m dflint.grammar`` regenerates ``_tables.py`` from ``dockerfile.lark``."""

from dflint.grammar import TABLES_PATH, generate

TABLES_PATH.write_text(generate(), encoding="utf-8")
print(f"wrote {TABLES_PATH}")
