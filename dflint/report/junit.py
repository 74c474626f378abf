"""``--format junit``: JUnit XML, which every CI shows as a test report.

One ``<testsuite>`` per linted file (``tests`` and ``failures`` count its findings; a clean file
is a suite with one passing test case, so CI shows it was checked), one ``<testcase>`` per
finding with a ``<failure>`` whose ``type`` is the severity. Unlike hadolint's, the output
carries no timestamp, so the same findings give the same bytes.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, TextIO

from dflint.report._common import display_path
from dflint.report.checkstyle import write_xml, xml_text
from dflint.report.model import FileResult

if TYPE_CHECKING:
    from dflint.plugin import Rule


def build_tree(results: Sequence[FileResult]) -> ET.Element:
    root = ET.Element("testsuites", name="dflint")
    total = tests = 0
    for result in sorted(results, key=lambda r: display_path(r.path)):
        path = xml_text(display_path(result.path))
        findings = result.all_findings()
        total += len(findings)
        tests += max(len(findings), 1)
        suite = ET.SubElement(root, "testsuite", name=path, tests=str(max(len(findings), 1)),
                              failures=str(len(findings)), errors="0")
        if not findings:
            ET.SubElement(suite, "testcase", classname=path, name="dflint")
        for finding in findings:
            name = f"{finding.code} line {finding.line}, column {finding.column}"
            case = ET.SubElement(suite, "testcase", classname=path, name=xml_text(name))
            failure = ET.SubElement(case, "failure", type=finding.severity.label,
                                    message=xml_text(f"{finding.code}: {finding.message}"))
            failure.text = xml_text(
                f"{display_path(finding.file)}:{finding.line}:{finding.column}: {finding.code} "
                f"{finding.severity.label}: {finding.message}"
            )
    root.set("tests", str(tests))
    root.set("failures", str(total))
    return root


def render(
    results: Sequence[FileResult],
    rules: Mapping[str, type[Rule]],
    *,
    color: str,
    statistics: bool,
    out: TextIO,
) -> None:
    write_xml(build_tree(results), out)
