"""--format json: exact shape, order and positions."""

from __future__ import annotations

import io
import json

from report_samples import RULES, sample_results

from dflint.report import render


def _render(**kwargs: object) -> list[dict[str, object]]:
    buf = io.StringIO()
    render("json", sample_results(), RULES, out=buf, **kwargs)  # type: ignore[arg-type]
    text = buf.getvalue()
    assert text.endswith("\n")
    data: list[dict[str, object]] = json.loads(text)
    return data


def test_exact_shape_and_order() -> None:
    assert _render() == [
        {
            "code": "DF000",
            "name": "syntax-error",
            "severity": "error",
            "level": "error",
            "message": "unterminated heredoc",
            "file": "Dockerfile",
            "line": 1,
            "column": 10,
            "end_line": 1,
            "end_column": 13,
            "url": "https://github.com/dflint/dflint/blob/main/docs/rules/DF000.md",
            "fix": None,
        },
        {
            "code": "DL3008",
            "name": "apt-get-pin-versions",
            "severity": "warning",
            "level": "warning",
            "message": "Pin versions in apt-get install: curl",
            "file": "Dockerfile",
            "line": 2,
            "column": 21,
            "end_line": 2,
            "end_column": 25,
            "url": "https://github.com/dflint/dflint/blob/main/docs/rules/DL3008.md",
            "fix": {
                "safety": "safe",
                "description": "Pin curl to 8.0",
                "edits": [{"line": 2, "column": 25, "end_line": 2, "end_column": 25, "new_text": "=8.0"}],
            },
        },
        {
            "code": "DF010",
            "name": "instruction-case",
            "severity": "style",
            "level": "style",
            "message": "Write RUN in upper case",
            "file": "Dockerfile",
            "line": 3,
            "column": 1,
            "end_line": 3,
            "end_column": 4,
            "url": "https://github.com/dflint/dflint/blob/main/docs/rules/DF010.md",
            "fix": None,
        },
    ]


def test_sorted_across_files_and_paths_normalised() -> None:
    from report_samples import case_finding, pin_finding

    from dflint.report import FileResult

    results = [
        FileResult("b\\Dockerfile", [pin_finding("b\\Dockerfile")], None),
        FileResult("./a/Dockerfile", [case_finding("./a/Dockerfile")], None),
    ]
    buf = io.StringIO()
    render("json", results, {}, out=buf)
    data = json.loads(buf.getvalue())
    assert [(d["file"], d["line"]) for d in data] == [("a/Dockerfile", 3), ("b/Dockerfile", 2)]


def test_no_findings_is_empty_list() -> None:
    from dflint.report import FileResult

    buf = io.StringIO()
    render("json", [FileResult("Dockerfile", [], [])], {}, out=buf)
    assert buf.getvalue() == "[]\n"


def test_statistics() -> None:
    assert _render(statistics=True) == [
        {"code": "DF000", "name": "syntax-error", "count": 1, "fixable": 0},
        {"code": "DF010", "name": "instruction-case", "count": 1, "fixable": 0},
        {"code": "DL3008", "name": "apt-get-pin-versions", "count": 1, "fixable": 1},
    ]
