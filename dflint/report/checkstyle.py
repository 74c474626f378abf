"""``--format checkstyle``: Checkstyle 4.3 XML, as hadolint writes it (Jenkins warnings-ng, reviewdog).

Every input file gets a ``<file>`` element, findings or not, because some consumers count clean
files from it. ElementTree does the escaping; characters XML 1.0 cannot carry at all (control
characters from a binary file's message, say) are replaced first, or the report would not parse.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, TextIO

from dflint.report._common import display_path
from dflint.report.model import FileResult

if TYPE_CHECKING:
    from dflint.plugin import Rule

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    """``text`` with the characters XML 1.0 forbids replaced by U+FFFD."""
    return _NOT_XML.sub("\ufffd", text)


def build_tree(results: Sequence[FileResult]) -> ET.Element:
    root = ET.Element("checkstyle", version="4.3")
    for result in sorted(results, key=lambda r: display_path(r.path)):
        file_el = ET.SubElement(root, "file", name=xml_text(display_path(result.path)))
        for finding in result.all_findings():
            ET.SubElement(
                file_el,
                "error",
                line=str(finding.line),
                column=str(finding.column),
                severity=finding.severity.label,
                message=xml_text(finding.message),
                source=xml_text(f"dflint.{finding.code}"),
            )
    return root


def write_xml(root: ET.Element, out: TextIO) -> None:
    """An indented XML document with its declaration (checkstyle and junit share it)."""
    ET.indent(root)
    out.write("<?xml version='1.0' encoding='UTF-8'?>\n")
    out.write(ET.tostring(root, encoding="unicode"))
    out.write("\n")


def render(
    results: Sequence[FileResult],
    rules: Mapping[str, type[Rule]],
    *,
    color: str,
    statistics: bool,
    out: TextIO,
) -> None:
    write_xml(build_tree(results), out)
