"""--format checkstyle: well-formed XML, escaping, one <file> per input."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

from report_samples import RULES, sample_results, syntax_finding

from dflint.report import FileResult, render


def _xml(results: list[FileResult]) -> str:
    buf = io.StringIO()
    render("checkstyle", results, RULES, out=buf)
    return buf.getvalue()


def test_structure() -> None:
    text = _xml(sample_results())
    assert text.startswith("<?xml version='1.0' encoding='UTF-8'?>\n<checkstyle version=\"4.3\">")
    root = ET.fromstring(text)
    assert root.tag == "checkstyle"
    assert root.get("version") == "4.3"
    files = root.findall("file")
    assert [f.get("name") for f in files] == ["Dockerfile", "app/Dockerfile"]
    assert files[1].findall("error") == []  # files without findings are listed too
    errors = [e.attrib for e in files[0].findall("error")]
    assert errors == [
        {"line": "1", "column": "10", "severity": "error", "message": "unterminated heredoc",
         "source": "dflint.DF000"},
        {"line": "2", "column": "21", "severity": "warning",
         "message": "Pin versions in apt-get install: curl", "source": "dflint.DL3008"},
        {"line": "3", "column": "1", "severity": "style", "message": "Write RUN in upper case",
         "source": "dflint.DF010"},
    ]


def test_escaping() -> None:
    nasty = 'a <b> & "c" \'d\'\nnext\x1bline'
    text = _xml([FileResult('dir/"x"&<y>', [], None, errors=[syntax_finding('dir/"x"&<y>', nasty)])])
    assert "&lt;b&gt; &amp; &quot;c&quot;" in text
    assert 'name="dir/&quot;x&quot;&amp;&lt;y&gt;"' in text
    root = ET.fromstring(text)
    error = root.find("file/error")
    assert error is not None
    assert root.find("file").get("name") == 'dir/"x"&<y>'  # type: ignore[union-attr]
    # the newline survives as &#10;; ESC, which XML 1.0 cannot carry, becomes U+FFFD
    assert error.get("message") == 'a <b> & "c" \'d\'\nnext\ufffdline'
