"""The committed standalone parser must match ``dockerfile.lark`` (so it cannot go stale).

Lark numbers its LALR states in an order that varies between runs, so the file is not
byte-reproducible; instead: the terminals must be identical, and the committed parser must give
the same trees as a parser freshly built from the grammar on the conformance inputs.
"""

from __future__ import annotations

from pathlib import Path

from lark import Lark

from dflint.grammar import GRAMMAR_PATH, STARTS, get_parser

CASES = sorted(Path("/work/shared/corpus/buildkit-parser").glob("*/Dockerfile"))
EXTRA = [
    'RUN --mount="a b" -- --x echo hi\nFROM a\n',
    "COPY --chown=a`  b --from=x src dst\nENV a=b\n",
    "RUN\u00a0x  --a='b c\n",
]


def _fresh() -> Lark:
    return Lark(
        GRAMMAR_PATH.read_text(encoding="utf-8"), parser="lalr", lexer="contextual", start=list(STARTS)
    )


def test_terminals_match_grammar() -> None:
    fresh = {t.name: (t.pattern.value, t.priority) for t in _fresh().terminals}
    committed = {t.name: (t.pattern.value, t.priority) for t in get_parser().terminals}
    assert committed == fresh, "stale: run python -m dflint.grammar"


def test_trees_match_grammar() -> None:
    fresh = _fresh()
    ours = get_parser()
    texts = EXTRA + [p.read_text(encoding="utf-8") for p in CASES]
    for text in texts:
        lines = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.strip().startswith("#")]
        joined = "\n".join(lines) + "\n"
        for start in STARTS:
            assert _shape(ours.parse(joined, start=start)) == _shape(fresh.parse(joined, start=start))


def _shape(tree: object) -> list[list[tuple[str, str]]]:
    return [[(tok.type, str(tok)) for tok in ins.children] for ins in tree.children]  # type: ignore[attr-defined]
