"""The corpus coverage script's sorting of FROM lines (benchmarks/base_image_coverage.py).

Why: the share of FROM lines without a size is the figure issue 11 tracks; a line whose image
name depends on a variable with no value (``ARG project_id`` then ``FROM gcr.io/${project_id}/x``)
or on a template placeholder names no image yet, and must be counted apart, not as unknown.
"""

from __future__ import annotations

from pathlib import Path

from benchmarks.base_image_coverage import classify, has_unset_variable
from dflint.parser import parse_bytes
from dflint.semantic import SemanticModel
from dflint.simulate.size import SizeModel


def _bases(text: str) -> list[tuple[str, bool]]:
    semantic = SemanticModel.build(parse_bytes(text.encode(), "Dockerfile"))
    return [(s.base.text, has_unset_variable(s.base)) for s in semantic.stages if s.base.is_external]


def test_unset_variable_makes_the_line_unresolved() -> None:
    text = (
        "ARG project_id\nARG TAG=3.22\nARG EMPTY=\n"
        "FROM gcr.io/${project_id}/cache\n"  # expands to gcr.io//cache: no image name
        "FROM alpine:${TAG}\n"
        "FROM alpine:${MISSING:-3.22}\n"  # the fallback gives it a value
        "FROM alpine${EMPTY}\n"  # declared with an empty default: a value, not unset
    )
    assert _bases(text) == [
        ("gcr.io//cache", True),
        ("alpine:3.22", False),
        ("alpine:3.22", False),
        ("alpine", False),
    ]


def test_classify() -> None:
    model = SizeModel()
    assert classify(model, "gcr.io//cache", unnamed=True) == "unresolved"
    assert classify(model, "$BASE") == "unresolved"
    assert classify(model, "alpine:3.22") == "data"
    assert classify(model, "alpine:3.19") == "heuristic"
    assert classify(model, "example.com/own/image:1") == "none"


def test_template_placeholder_is_unresolved(tmp_path: Path) -> None:
    from benchmarks.base_image_coverage import measure

    template = tmp_path / "Dockerfile.template"
    template.write_text("FROM __REGISTRY__/confd:__VERSION__\nFROM {{ .base }}\nFROM alpine:3.22\n")
    counts, _missing = measure([template])
    assert (counts["unresolved"], counts["data"], counts["none"]) == (2, 1, 0)
