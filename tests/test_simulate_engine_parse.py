"""The engine harness's reading of BuildKit 0.8 ``--progress=plain`` logs, without an engine.

The log below is real output of dockerd 20.10.24 (shortened: sha256 lines dropped), for the
Dockerfile beside it; the cache differential (``make engine``) relies on this mapping.
"""

from __future__ import annotations

import pytest
from engine.buildkit import BuildResult, map_steps, parse_steps

DOCKERFILE = """\
FROM debian:bookworm-slim AS build
ARG V=1
ENV E=x
WORKDIR /app/
COPY a.txt .
RUN echo $V > /out.txt
USER nobody
RUN echo later
FROM debian:bookworm-slim
COPY --from=build /out.txt /
RUN cat /out.txt
FROM build AS tail
RUN true
"""

LOG = """\
#1 [internal] load build definition from Dockerfile
#1 transferring dockerfile: 32B done
#1 DONE 0.0s

#4 [build 1/5] FROM docker.io/library/debian:bookworm-slim
#4 DONE 0.0s

#6 [internal] load build context
#6 transferring context: 26B done
#6 DONE 0.0s

#8 [build 4/5] RUN echo 1 > /out.txt
#8 CACHED

#7 [build 3/5] COPY a.txt .
#7 CACHED

#10 [stage-1 2/3] COPY --from=build /out.txt /
#10 sha256:5919cd0bbcb4b1e0427ff2a9d77b235cc2d03214bd2ffca956fe4fb91cfe1803
#10 DONE 1.7s

#5 [build 2/5] WORKDIR /app/
#5 CACHED

#9 [build 5/5] RUN echo later
#9 2.632 later
#9 DONE 2.7s

#11 [stage-1 3/3] RUN cat /out.txt
#11 1.563 1
#11 DONE 1.6s

#13 [stage-1 1/3] FROM docker.io/library/debian:bookworm-slim
#13 CACHED

#12 [tail 1/1] RUN true
#12 CACHED

#14 exporting to image
#14 exporting layers done
#14 DONE 0.0s
"""


def test_steps_and_status() -> None:
    steps = parse_steps(LOG)
    assert [(s.stage, s.index, s.total, s.cached) for s in steps] == [
        ("build", 1, 5, False),
        ("build", 2, 5, True),
        ("build", 3, 5, True),
        ("build", 4, 5, True),
        ("build", 5, 5, False),
        ("stage-1", 1, 3, True),
        ("stage-1", 2, 3, False),
        ("stage-1", 3, 3, False),
        ("tail", 1, 1, True),
    ]


def test_lines_by_position_and_from_not_scored() -> None:
    result = BuildResult(LOG, parse_steps(LOG))
    map_steps(result.steps, DOCKERFILE)
    assert result.verdicts() == {4: "hit", 5: "hit", 6: "hit", 8: "miss", 10: "miss", 11: "miss", 13: "hit"}


def test_single_stage_has_no_label() -> None:
    log = "#5 [2/2] RUN true\n#5 CACHED\n#4 [1/2] FROM docker.io/library/debian:bookworm-slim\n#4 DONE 0.1s\n"
    result = BuildResult(log, parse_steps(log))
    map_steps(result.steps, "FROM debian:bookworm-slim\n# c\nRUN true\n")
    assert result.verdicts() == {3: "hit"}


def test_mismatch_is_an_error() -> None:
    steps = parse_steps("#5 [2/2] COPY a b\n#5 CACHED\n")
    with pytest.raises(ValueError, match="BuildKit ran"):
        map_steps(steps, "FROM debian:bookworm-slim\nRUN true\n")


def test_workdir_root_counts_in_the_total_but_has_no_step() -> None:
    """Real 0.8 output: ``WORKDIR /`` makes no mkdir step, yet BuildKit's ``n`` counts it."""
    log = (
        "#5 [2/5] WORKDIR /one\n#5 DONE 0.1s\n#6 [3/5] COPY a.txt ./\n#6 DONE 0.2s\n"
        "#7 [4/5] RUN ls /one /two || true\n#7 CACHED\n"
    )
    text = "FROM busybox:1.35\nWORKDIR /one\nCOPY a.txt ./\nWORKDIR /\nRUN ls /one /two || true\n"
    result = BuildResult(log, parse_steps(log))
    map_steps(result.steps, text)
    assert result.verdicts() == {2: "miss", 3: "miss", 5: "hit"}
