"""What a simulated build is made of: layers, stages and the whole result.

Why these records: the report, the baseline file and the history replay all need the same
facts per layer (where it is, its cache key and the named inputs that went into it, its size
and how sure we are of it), so they are computed once and compared as data.

Only RUN, COPY, ADD and WORKDIR produce filesystem layers (FROM is listed as the base row);
ARG, ENV, USER, SHELL, LABEL, EXPOSE, CMD, ENTRYPOINT, VOLUME, STOPSIGNAL, HEALTHCHECK, ONBUILD
and MAINTAINER only change the image config: they never miss and cost no bytes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

__all__ = [
    "CONFIDENCE_ORDER",
    "LAYER_KEYWORDS",
    "Confidence",
    "Layer",
    "Simulation",
    "StageResult",
    "weakest",
]

Confidence = Literal["measured", "data", "heuristic", "unknown"]
CONFIDENCE_ORDER: tuple[Confidence, ...] = ("measured", "data", "heuristic", "unknown")
LAYER_KEYWORDS = frozenset({"RUN", "COPY", "ADD", "WORKDIR"})


def weakest(values: list[Confidence]) -> Confidence:
    """The least certain confidence of a set (``measured`` for an empty set)."""
    if not values:
        return "measured"
    return max(values, key=CONFIDENCE_ORDER.index)


@dataclass
class Layer:
    """One row of the simulated build: the FROM base or a layer-producing instruction."""

    stage_index: int
    ordinal: int
    line: int
    keyword: str
    text: str
    #: Named inputs of the cache key (``op``, ``env:NAME``, ``file:path``, ``stage:N``, ...).
    components: dict[str, str] = field(default_factory=dict)
    parent_key: str = ""
    key: str = ""
    #: Why the key cannot be known offline (remote ADD, git ref); such a layer always misses.
    volatile: str | None = None
    link: bool = False
    from_trigger: bool = False
    size_bytes: int | None = 0
    confidence: Confidence = "measured"
    size_note: str = ""
    #: Bytes written here and deleted by a later layer or left as caches (dive's "wasted").
    wasted_bytes: int = 0
    cache: Literal["hit", "miss", "may-hit", "may-rebuild"] = "hit"
    reason: str = ""
    #: For a COPY of the context: the cleaned sources (lets reports name changed files).
    sources: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return {
            "line": self.line,
            "instruction": self.text,
            "cache": self.cache,
            "reason": self.reason,
            "size_bytes": self.size_bytes,
            "confidence": self.confidence,
            "key": self.key,
            "wasted_bytes": self.wasted_bytes,
            "size_note": self.size_note,
        }


@dataclass
class StageResult:
    """One stage: its layers in dispatch order (base row first) and whether the target needs it."""

    index: int
    name: str | None
    built: bool
    base: str
    layers: list[Layer] = field(default_factory=list)
    final_key: str = ""

    @property
    def label(self) -> str:
        return self.name or str(self.index)

    def first_miss(self) -> Layer | None:
        return next((layer for layer in self.layers if layer.cache == "miss"), None)

    def to_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "index": self.index,
            "built": self.built,
            "base": self.base,
            "layers": [layer.to_json() for layer in self.layers],
        }


@dataclass
class Simulation:
    """The result of ``dflint simulate``: every stage, the target, totals and advice."""

    target: str | None
    stages: list[StageResult]
    build_args: dict[str, str] = field(default_factory=dict)
    platform: str = "linux/amd64"
    wins: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    mode: str = "no-change"

    @property
    def target_stage(self) -> StageResult | None:
        for stage in self.stages:
            if stage.label == self.target or str(stage.index) == self.target:
                return stage
        return self.stages[-1] if self.stages else None

    def final_layers(self) -> list[Layer]:
        """Layers of the image the target produces: the target stage and its FROM-chain ancestors."""
        target = self.target_stage
        if target is None:
            return []
        chain: list[StageResult] = [target]
        by_key = {s.final_key: s for s in self.stages}
        seen = {target.index}
        cur = target
        while cur.layers and cur.layers[0].components.get("stage"):
            parent = by_key.get(cur.layers[0].components["stage"])
            if parent is None or parent.index in seen:
                break
            seen.add(parent.index)
            chain.append(parent)
            cur = parent
        out: list[Layer] = []
        for stage in reversed(chain):
            rows = stage.layers if stage is chain[-1] else stage.layers[1:]
            out.extend(rows)
        return out

    @property
    def total_size_bytes(self) -> int:
        return sum(layer.size_bytes or 0 for layer in self.final_layers())

    @property
    def confidence(self) -> Confidence:
        return weakest([layer.confidence for layer in self.final_layers()])

    def to_json(self) -> dict[str, object]:
        final = self.final_layers()
        return {
            "target": self.target,
            "platform": self.platform,
            "build_args": self.build_args,
            "mode": self.mode,
            "stages": [stage.to_json() for stage in self.stages],
            "total_size_bytes": self.total_size_bytes,
            "wasted_bytes": sum(layer.wasted_bytes for layer in final),
            "unknown_size_layers": sum(1 for layer in final if layer.size_bytes is None),
            "confidence": self.confidence,
            "wins": self.wins,
            "notes": self.notes,
        }
