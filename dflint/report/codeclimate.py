"""``--format codeclimate``: the Code Climate engine stream, as hadolint writes it.

Each issue is a JSON object followed by a NUL byte (the Code Climate engine specification), not
an array: that is what ``codeclimate analyze`` reads from an engine. The objects are the
GitLab report's issues (see :mod:`dflint.report.gitlab`) minus the fingerprint, which the
engine protocol does not carry; for GitLab's Code Quality widget use ``--format gitlab``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, TextIO

from dflint.report.gitlab import issue
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
        item = issue(finding)
        del item["fingerprint"]
        out.write(json.dumps(item, ensure_ascii=False, separators=(",", ":")))
        out.write("\0")
