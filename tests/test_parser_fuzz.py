"""Hypothesis fuzzing: no exception escapes, every diagnostic has a position >= 1:1."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from dflint.parse_output import to_dump, to_json
from dflint.parser import parse_bytes

_SEEDS = sorted(Path("/work/shared/corpus/buildkit-parser").glob("*/Dockerfile"))
_SEED_BYTES = [p.read_bytes() for p in _SEEDS] or [b"FROM a\nRUN b\n"]


def _check(data: bytes) -> None:
    df = parse_bytes(data)
    for e in df.errors + df.warnings:
        assert e.line >= 1 and e.column >= 1
    to_json(df)
    to_dump(df)


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes(data: bytes) -> None:
    _check(data)


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(_SEED_BYTES),
    st.lists(st.tuples(st.integers(0, 10_000), st.binary(max_size=6)), max_size=6),
)
def test_mutated_corpus(seed: bytes, edits: list[tuple[int, bytes]]) -> None:
    data = bytearray(seed)
    for pos, ins in edits:
        p = pos % (len(data) + 1)
        data[p : p + len(ins) // 2] = ins
    _check(bytes(data))


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet="RUNCOPYFROM <>-'\"\\`#=[]{}$,\n\t\r EOFab", max_size=200))
def test_dockerfile_alphabet(text: str) -> None:
    _check(text.encode("utf-8"))
