"""The parser's tables (``dflint/grammar/_tables.py``) must be Lark's for ``dockerfile.lark``,
and running them (``dflint/grammar/lalr.py``) must give exactly Lark's trees.

* the committed tables are what ``python -m dflint.grammar`` writes now (states are numbered
  canonically, so the file is reproducible);
* on the conformance inputs, on every logical line of a corpus slice and on generated lines
  (every character class the terminals distinguish: blanks, quotes, escapes, ``--``), both
  escape characters, the tokens (type, text, offsets) equal those of Lark's own parser.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dflint.grammar import STARTS, TABLES_PATH, fresh_lark, generate, get_parser
from dflint.grammar.lalr import GrammarError

ROOT = Path(__file__).resolve().parent.parent
CASES = sorted(Path("/work/shared/corpus/buildkit-parser").glob("*/Dockerfile"))
REALWORLD = Path("/work/shared/corpus/realworld")
EXTRA = [
    'RUN --mount="a b" -- --x echo hi\nFROM a\n',
    "COPY --chown=a`  b --from=x src dst\nENV a=b\n",
    "RUN\u00a0x  --a='b c\n",
    "RUN --a\\\n",
    "X\x85--y --z\x1c\n",
]
_LARK: Any = None


def _reference() -> Any:
    global _LARK
    if _LARK is None:
        _LARK = fresh_lark()
    return _LARK


def _shape(tree: Any) -> list[list[tuple[str, str, int, int]]]:
    return [[(t.type, str(t), t.start_pos, t.end_pos) for t in ins.children] for ins in tree.children]


def _logical(text: str) -> str:
    lines = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.strip().startswith("#")]
    return "\n".join(lines) + "\n"


def _assert_same(joined: str) -> None:
    for start in STARTS:
        ours = get_parser().parse(joined, start=start)
        assert _shape(ours) == _shape(_reference().parse(joined, start=start))


def test_tables_are_current() -> None:
    assert TABLES_PATH.read_text(encoding="utf-8") == generate(), "stale: run python -m dflint.grammar"


def test_trees_match_lark_on_the_conformance_inputs() -> None:
    for text in EXTRA + [p.read_text(encoding="utf-8") for p in CASES]:
        _assert_same(_logical(text))


def test_trees_match_lark_on_a_corpus_slice() -> None:
    if not REALWORLD.is_dir():
        pytest.skip("shared corpus not present")
    files = sorted(p for p in REALWORLD.iterdir() if not p.name.endswith((".md", ".json", ".jsonl")))
    _assert_same("".join(_logical(p.read_text(encoding="utf-8", errors="replace")) for p in files[::10]))


_PIECES = st.sampled_from(["RUN", "x", "--", "-", "--a=b", "'", '"', "\\", "`", " ", "\t", "\u00a0", "\x85",
                           "\u3000", "\x1c", "=", "é", "\r", "\v"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(_PIECES, min_size=1, max_size=12).map("".join), min_size=1, max_size=6))
def test_trees_match_lark_on_generated_lines(lines: list[str]) -> None:
    # What the pre-pass hands over: trimmed, non-empty lines.
    kept = [ln.strip(" \t\r\v\f\x85\u00a0\u3000") for ln in lines]
    kept = [ln for ln in kept if ln]
    if not kept:
        return
    joined = "\n".join(kept) + "\n"
    for start in STARTS:
        try:
            expected = _shape(_reference().parse(joined, start=start))
        except Exception:
            with pytest.raises(GrammarError):
                get_parser().parse(joined, start=start)
            continue
        assert _shape(get_parser().parse(joined, start=start)) == expected
