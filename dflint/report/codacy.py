"""``--format codacy``: hadolint's Codacy output, for Codacy's hadolint tool wrapper.

One JSON object per finding (``filename``, ``line``, ``message``, ``patternId``), written one
after the other with no separator, exactly as hadolint 2.15 writes them: Codacy's wrapper reads
the stream object by object.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, TextIO

from dflint.report._common import display_path
from dflint.report.model import FileResult, iter_findings

if TYPE_CHECKING:
    from dflint.plugin import Rule


def render(
    results: Sequence[FileResult],
    rules: Mapping[str, type[Rule]],
    *,
    color: str,
    statistics: bool,
    out: TextIO,
) -> None:
    for _, finding in iter_findings(results):
        item = {"filename": display_path(finding.file), "line": finding.line, "message": finding.message,
                "patternId": finding.code}
        out.write(json.dumps(item, ensure_ascii=False, separators=(",", ":")))
