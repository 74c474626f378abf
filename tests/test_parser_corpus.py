"""BuildKit conformance cases (dump byte-equal) and the differential test against the oracle."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from parser_oracle_support import compare, default_slice, explain, oracle_available, run_oracle

from dflint.parse_output import to_dump
from dflint.parser import parse_bytes, parse_file

POS = Path("/work/shared/corpus/buildkit-parser")
NEG = Path("/work/shared/corpus/buildkit-parser-negative")
POS_CASES = sorted(p.name for p in POS.iterdir() if (p / "result").is_file()) if POS.is_dir() else []
NEG_CASES = sorted(p.name for p in NEG.iterdir() if (p / "Dockerfile").is_file()) if NEG.is_dir() else []


@pytest.mark.parametrize("case", POS_CASES)
def test_buildkit_positive_dump(case: str) -> None:
    df = parse_file(str(POS / case / "Dockerfile"))
    assert [e for e in df.errors if e.layer == "parser"] == []
    assert to_dump(df) == (POS / case / "result").read_text(encoding="utf-8")


@pytest.mark.parametrize("case", NEG_CASES)
def test_buildkit_negative_rejected(case: str) -> None:
    df = parse_file(str(NEG / case / "Dockerfile"))
    assert any(e.layer == "parser" for e in df.errors)


def test_corpus_counts() -> None:
    assert len(POS_CASES) == 33
    assert len(NEG_CASES) == 4


def _differential(paths: list[Path]) -> list[str]:
    oracle = run_oracle(paths)
    bad = []
    for p in paths:
        ok, detail = compare(p, oracle[str(p)])
        if not ok:
            df = parse_bytes(p.read_bytes())
            why = explain(p, [], []) if "parse" in oracle[str(p)] else None
            if why is None:
                bad.append(f"{p.name}: {detail}")
            del df
    return bad


@pytest.mark.skipif(not oracle_available(), reason="shared corpus/oracle not present")
def test_differential_default_slice() -> None:
    assert _differential(default_slice(150)) == []


@pytest.mark.corpus
@pytest.mark.skipif(os.environ.get("DFLINT_FULL_CORPUS") != "1", reason="set DFLINT_FULL_CORPUS=1")
def test_differential_full_corpus() -> None:
    from parser_oracle_support import corpus_files

    assert _differential(corpus_files()) == []
