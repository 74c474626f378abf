"""``--format sarif``: SARIF 2.1.0 as GitHub code scanning accepts it.

What GitHub needs beyond the schema (see docs/ecosystem-conventions.md §2): one run with
``tool.driver.rules`` describing every reported rule, ``ruleIndex`` pointing into that table,
no empty strings where text is required, repository-relative URIs, and
``partialFingerprints.primaryLocationLineHash`` -- without it an upload through the REST API
(rather than the upload-sarif action) creates a new alert each time a line moves.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, TextIO

import dflint
from dflint.finding import Finding, Fix, Severity
from dflint.report._common import artifact_uri, rule_url
from dflint.report.model import FileResult, iter_findings
from dflint.span import Span

if TYPE_CHECKING:
    from dflint.plugin import Rule

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/dflint/dflint"
LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note", Severity.STYLE: "note"}
_SHORT_LIMIT = 1024
_NAME_LIMIT = 255
_SECTION_RE = re.compile(r"^#+\s*What it does\s*\n(?P<body>.*?)(?=^#+\s|\Z)", re.M | re.S)


def _nonempty(*candidates: str) -> str:
    for text in candidates:
        if text and text.strip():
            return text
    return "(no description)"


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _safe(call: Any, default: str) -> str:
    try:
        value = call()
    except Exception:  # a plugin's broken documentation() must not break the report
        return default
    return value if isinstance(value, str) else default


def _full_description(documentation: str, summary: str) -> str:
    """The "What it does" section of the rule page, else the summary."""
    match = _SECTION_RE.search(documentation)
    if match and match.group("body").strip():
        return " ".join(match.group("body").split())
    return summary


def rule_descriptor(code: str, rule: type[Rule] | None, sample: Finding) -> dict[str, Any]:
    """A reportingDescriptor for ``code``; built from the finding alone for an unknown rule."""
    if rule is None:
        summary = _nonempty(sample.name, code)
        documentation = summary
        name, aliases, default = sample.name, tuple(sample.aliases), sample.severity
        help_uri = sample.url
    else:
        summary = _nonempty(getattr(rule, "summary", ""), sample.name, code)
        documentation = _nonempty(_safe(rule.documentation, summary), summary)
        name = getattr(rule, "name", sample.name)
        aliases = tuple(getattr(rule, "aliases", ()))
        default = getattr(rule, "severity", sample.severity)
        help_uri = rule_url(sample, {code: rule})
    descriptor: dict[str, Any] = {"id": code}
    if name:
        descriptor["name"] = _clip(name, _NAME_LIMIT)
    descriptor.update(
        {
            "shortDescription": {"text": _clip(summary, _SHORT_LIMIT)},
            "fullDescription": {"text": _nonempty(_full_description(documentation, summary), summary)},
            "help": {"text": documentation, "markdown": documentation},
            "defaultConfiguration": {"level": LEVEL.get(default, "warning")},
            "properties": {"tags": ["dockerfile", *aliases]},
        }
    )
    if help_uri:
        descriptor["helpUri"] = help_uri
    return descriptor


def _region(span: Span) -> dict[str, int]:
    """A SARIF region; positions clamped to 1 because the schema forbids 0."""
    start_line, start_col = max(span.start_line, 1), max(span.start_col, 1)
    end_line = max(span.end_line, start_line)
    end_col = max(span.end_col, 1)
    if end_line == start_line:
        end_col = max(end_col, start_col)
    return {"startLine": start_line, "startColumn": start_col, "endLine": end_line, "endColumn": end_col}


def line_digest(code: str, line_text: str) -> str:
    """The code and the stripped line text, hashed: survives the line moving, not its text changing."""
    return hashlib.sha256(f"{code}\0{line_text.strip()}".encode("utf-8", "surrogatepass")).hexdigest()[:16]


def _fix(fix: Fix, uri: str) -> dict[str, Any] | None:
    if not fix.edits:
        return None
    result: dict[str, Any] = {
        "artifactChanges": [
            {
                "artifactLocation": {"uri": uri},
                "replacements": [
                    {"deletedRegion": _region(edit.span), "insertedContent": {"text": edit.new_text}}
                    for edit in fix.edits
                ],
            }
        ],
        "properties": {"safety": fix.safety.value},
    }
    if fix.description.strip():
        result["description"] = {"text": fix.description}
    return result


def build_log(results: Sequence[FileResult], rules: Mapping[str, type[Rule]]) -> dict[str, Any]:
    """The whole SARIF log as a dict (tests validate this against the schema)."""
    descriptors: list[dict[str, Any]] = []
    index: dict[str, int] = {}
    sarif_results: list[dict[str, Any]] = []
    occurrences: dict[tuple[str, str], int] = {}
    uris: dict[str, str] = {}
    for result, finding in iter_findings(results):
        if finding.code not in index:
            index[finding.code] = len(descriptors)
            descriptors.append(rule_descriptor(finding.code, rules.get(finding.code), finding))
        uri = uris.get(finding.file) or uris.setdefault(finding.file, artifact_uri(finding.file))
        line_text = result.source_line(finding.line)
        digest = line_digest(finding.code, line_text if line_text is not None else finding.message)
        key = (uri, digest)
        occurrences[key] = occurrences.get(key, 0) + 1
        item: dict[str, Any] = {
            "ruleId": finding.code,
            "ruleIndex": index[finding.code],
            "level": LEVEL[finding.severity],
            "message": {"text": _nonempty(finding.message, finding.name, finding.code)},
            "locations": [
                {"physicalLocation": {"artifactLocation": {"uri": uri}, "region": _region(finding.span)}}
            ],
            "partialFingerprints": {"primaryLocationLineHash": f"{digest}:{occurrences[key]}"},
        }
        if finding.fix is not None:
            fix = _fix(finding.fix, uri)
            if fix is not None:
                item["fixes"] = [fix]
        sarif_results.append(item)
    driver: dict[str, Any] = {
        "name": "dflint",
        "semanticVersion": dflint.__version__,
        "informationUri": INFORMATION_URI,
        "rules": descriptors,
    }
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{"tool": {"driver": driver}, "columnKind": "unicodeCodePoints", "results": sarif_results}],
    }


def render(
    results: Sequence[FileResult],
    rules: Mapping[str, type[Rule]],
    *,
    color: str,
    statistics: bool,
    out: TextIO,
) -> None:
    # Not indented: the pretty-printing encoder is pure Python and takes 7x as long on big runs;
    # SARIF is read by machines (``jq .`` for people).
    json.dump(build_log(results, rules), out, ensure_ascii=False)
    out.write("\n")
