"""The engine harness itself: steps map to Dockerfile lines, a warm rebuild is all CACHED, and
layer sizes are readable. If these fail, no figure of the differential can be trusted."""

from __future__ import annotations

from pathlib import Path

from engine.buildkit import Engine, write_context

DOCKERFILE = """\
FROM debian:bookworm-slim AS base
ARG V=1
WORKDIR /app
# a comment between steps
COPY a.txt .
RUN cat a.txt \\
    > b.txt
FROM base
ENV X=1
RUN echo "$X"
"""


def test_steps_map_to_lines_and_warm_rebuild_hits(engine: Engine, tmp_path: Path) -> None:
    ctx = write_context(tmp_path / "ctx", {"a.txt": "hello\n"}, DOCKERFILE)
    engine.prune()
    cold = engine.build(ctx, tag="dflint-engine/basics")
    try:
        assert cold.verdicts() == {3: "miss", 5: "miss", 6: "miss", 10: "miss"}
        warm = engine.build(ctx, tag="dflint-engine/basics")
        assert warm.verdicts() == {3: "hit", 5: "hit", 6: "hit", 10: "hit"}
        rows = engine.history("dflint-engine/basics")
        copy = [r for r in rows if "COPY a.txt" in r.created_by]
        assert [r.size for r in copy] == [len("hello\n")]
        assert engine.image_size("dflint-engine/basics") >= sum(r.size for r in rows)
    finally:
        engine.remove_images("dflint-engine/basics")
        engine.prune()
