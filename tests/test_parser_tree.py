"""The hand-written tree and span classes keep the dataclass contract they replaced.

dflint.tree and dflint.span are plain slotted classes (for start-up time); these tests pin what
the dataclasses gave for free: constructor parameters in field order, fresh default lists,
``repr``, ``__match_args__``, equality/hash, immutability of spans, pickling.
"""

from __future__ import annotations

import copy
import dataclasses
import inspect
import pickle
from dataclasses import FrozenInstanceError
from typing import Any

import pytest

from dflint import tree as t
from dflint.span import Position, Span

CLASSES = [getattr(t, name) for name in t.__all__ if name != "SourceMap"]
INSTRUCTIONS = [c for c in CLASSES if issubclass(c, t.Instruction)]


def _all_slots(cls: type) -> set[str]:
    return {s for klass in cls.__mro__ for s in getattr(klass, "__slots__", ())}


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_fields_agree(cls: Any) -> None:
    params = list(inspect.signature(cls).parameters)
    assert params == list(cls.__match_args__)
    assert _all_slots(cls) == set(cls.__match_args__)
    assert cls.__doc__


@pytest.mark.parametrize("cls", INSTRUCTIONS, ids=lambda c: c.__name__)
def test_instruction_defaults(cls: type[t.Instruction]) -> None:
    a, b = cls(), cls()
    assert not hasattr(a, "__dict__")
    assert a.flags == [] and a.flags is not b.flags and a.value is not b.value
    assert a.span == Span(1, 1, 1, 1) and a.keyword == "" and a.source_map is None
    assert a != b  # instructions compare by identity
    assert repr(a).startswith(f"{cls.__name__}(keyword='', cmd='', span=Span(start_line=1")
    assert "source_map" not in repr(a)


def test_run_keywords_and_repr() -> None:
    run = t.Run(keyword="RUN", cmd="run", network="none")
    assert (run.keyword, run.network, run.mounts, run.form) == ("RUN", "none", [], "shell")
    assert repr(run).endswith("exec_args=[], mounts=[], network='none', security=None)")
    assert t.Stage(0, None, None, t.From()).instructions == []


def test_value_nodes_compare_by_value() -> None:
    w1, w2 = t.Word("a", Span(1, 1, 1, 2)), t.Word("a", Span(1, 1, 1, 2))
    assert w1 == w2 and w1 != t.Word("b", Span(1, 1, 1, 2))
    assert repr(w1) == "Word(text='a', span=Span(start_line=1, start_col=1, end_line=1, end_col=2))"
    with pytest.raises(TypeError):
        hash(w1)
    assert t.Dockerfile().directives == t.Directives()
    assert t.Dockerfile().directives is not t.Dockerfile().directives
    ref = t.ImageRef("python", "3", None)
    assert ref == t.ImageRef("python", "3", None) and hash(ref) == hash(t.ImageRef("python", "3", None))
    with pytest.raises(FrozenInstanceError):
        ref.tag = "4"  # type: ignore[misc]


def test_span_behaves_like_the_frozen_dataclass() -> None:
    s = Span(1, 2, 3, 4)
    assert repr(s) == "Span(start_line=1, start_col=2, end_line=3, end_col=4)"
    assert s == Span(1, 2, 3, 4) and s != (1, 2, 3, 4) and hash(s) == hash(Span(1, 2, 3, 4))
    assert Span(1, 1, 1, 1) < Span(1, 1, 1, 2) <= Span(1, 2, 1, 1)
    assert sorted([s, Span(1, 1, 9, 9)])[0] == Span(1, 1, 9, 9)
    with pytest.raises(FrozenInstanceError):
        s.start_line = 2  # type: ignore[misc]
    with pytest.raises(FrozenInstanceError):
        del s.end_col
    with pytest.raises(TypeError):
        _ = s < (1, 1, 1, 1)  # type: ignore[operator]
    for value in (s, Position(2, 3)):
        assert pickle.loads(pickle.dumps(value)) == value
        assert copy.deepcopy(value) == value
    assert Span(2, 5, 2, 9).cover(Span(1, 3, 2, 6)) == Span(1, 3, 2, 9)
    assert Span(1, 1, 1, 3).cover(Span(3, 1, 3, 2)) == Span(1, 1, 3, 2)
    assert min(Position(2, 1), Position(1, 9)) == Position(1, 9)
    match s:
        case Span(a, b, c, d):
            assert (a, b, c, d) == (1, 2, 3, 4)


def test_source_map_span_across_pieces() -> None:
    smap = t.SourceMap([0, 4], [(1, 5), (2, 1)])
    assert smap.span(1, 3) == Span(1, 6, 1, 8)
    assert smap.span(2, 6) == Span(1, 7, 2, 3)
    assert smap.span(4, 4) == Span(2, 1, 2, 1)
    assert smap.span(0, 4) == Span(1, 5, 1, 9)


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_every_node_is_a_dataclass(cls: Any) -> None:
    assert dataclasses.is_dataclass(cls)
    assert [f.name for f in dataclasses.fields(cls)] == list(cls.__match_args__)


def test_dataclass_api_on_parsed_nodes() -> None:
    from dflint.parser import parse_text

    df = parse_text("FROM python:3.12 AS base\nRUN --network=none pip install -r r.txt\n")
    from_ = df.instructions[0]
    assert isinstance(from_, t.From) and from_.image is not None
    moved = dataclasses.replace(from_.image, text="python:3.13")
    assert moved.text == "python:3.13" and moved.span == from_.image.span
    assert dataclasses.asdict(from_.image) == {"text": "python:3.12", "span": from_.image.span}
    run = df.instructions[1]
    copied = dataclasses.replace(run, keyword="run")
    assert isinstance(copied, t.Run) and copied.keyword == "run" and copied.flags == run.flags
    # a fresh list per instance, as default_factory gives
    made = t.Dockerfile()
    assert made.errors == [] and isinstance(made.directives, t.Directives)
    factory = dataclasses.fields(t.Dockerfile)[6].default_factory
    assert factory is t.Directives
    assert [f.name for f in dataclasses.fields(t.Instruction) if not f.repr] == ["source_map"]
