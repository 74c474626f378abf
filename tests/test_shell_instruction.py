"""analyse_instruction: which text of an instruction is shell, with file positions."""

from __future__ import annotations

from typing import Any

import pytest

from dflint.shell import analyse_instruction
from dflint.span import Span

parser = pytest.importorskip("dflint.parser")
semantic = pytest.importorskip("dflint.semantic")

DOCKERFILE = """FROM alpine
RUN apk add x && \\
    curl y | sh
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN <<EOF
set -e
curl z | sh
EOF
RUN cat <<EOT > /x && echo hi
a && b
EOT
CMD ["sh", "-c", "exec app --port 1"]
ENTRYPOINT ["app", "-c", "x"]
RUN <<-EOF
\tcurl a | sh
\tEOF
HEALTHCHECK CMD curl -f http://localhost || exit 1
"""


def analysed() -> list[tuple[str, Any]]:
    df = parser.parse_text(DOCKERFILE)
    model = semantic.SemanticModel.build(df)
    return [(i.keyword.upper(), analyse_instruction(i, model)) for i in df.instructions]


def test_instruction_table() -> None:
    rows = analysed()
    summary = [(kw, None if s is None else [(c.name, c.span) for c in s.commands]) for kw, s in rows]
    assert summary == [
        ("FROM", None),
        ("RUN", [("apk", Span(2, 5, 2, 14)), ("curl", Span(3, 5, 3, 11)), ("sh", Span(3, 14, 3, 16))]),
        ("SHELL", None),
        ("RUN", [("set", Span(6, 1, 6, 7)), ("curl", Span(7, 1, 7, 7)), ("sh", Span(7, 10, 7, 12))]),
        ("RUN", [("cat", Span(9, 5, 9, 8)), ("echo", Span(9, 23, 9, 30))]),
        ("CMD", [("app", Span(12, 19, 12, 36))]),
        ("ENTRYPOINT", None),
        ("RUN", [("curl", Span(15, 2, 15, 8)), ("sh", Span(15, 11, 15, 13))]),
        ("HEALTHCHECK", [("curl", Span(17, 17, 17, 41)), ("exit", Span(17, 45, 17, 51))]),
    ]


def test_pipefail_follows_the_stage_shell() -> None:
    rows = analysed()
    first_run, heredoc_run = rows[1][1], rows[3][1]
    assert first_run is not None and not first_run.has_pipefail(first_run.pipelines[0])
    assert heredoc_run is not None and heredoc_run.has_pipefail(heredoc_run.pipelines[0])


def test_heredoc_bodies_reach_redirects() -> None:
    script = analysed()[4][1]
    assert script is not None
    assert [(r.operator, r.heredoc_body) for r in script.commands[0].redirects] == [
        ("<<", "a && b\n"),
        (">", None),
    ]
    assert script.syntax_errors == []


class _NotPosix:
    def is_posix_shell(self, instruction: Any) -> bool:
        return False


def test_non_posix_shell_gives_none() -> None:
    df = parser.parse_text("FROM mcr.microsoft.com/windows\nRUN dir && echo\n")
    assert analyse_instruction(df.instructions[1], _NotPosix()) is None


def test_model_without_semantic_api_is_tolerated() -> None:
    df = parser.parse_text("FROM a\nRUN a && b\n")
    script = analyse_instruction(df.instructions[1], object())
    assert script is not None and [c.name for c in script.commands] == ["a", "b"]
