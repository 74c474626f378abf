"""The hand-written control-operator scanner: exact kinds and offsets, malformed sequences."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from dflint.shell import analyse_script, control_tokens, operator_problems
from dflint.shell.tokens import scan_script
from dflint.span import Position, Span


def kinds(script: str) -> list[tuple[str, int]]:
    return [(t.kind, t.start) for t in control_tokens(script)]


def problems(script: str) -> list[tuple[str, str, int]]:
    return [(p.kind, p.token.text, p.token.start) for p in operator_problems(control_tokens(script))]


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        ("a && b", [("&&", 2)]),
        ("a || b | c |& d", [("||", 2), ("|", 7), ("|&", 11)]),
        ("a; b & c", [(";", 1), ("&", 5)]),
        ("a\nb", [("newline", 1)]),
        ("apt-get update &&     apt-get install -y x", [("&&", 15)]),
        ("echo \"a && b\" 'c || d' $'e; f'", []),
        ("echo $(a && b) c", [("&&", 9)]),
        ("echo `a | b`", [("|", 8)]),
        ("echo $((1 && 2)) && (( x || y ))", [("&&", 17)]),
        ("echo ${x:-a && b} ; y", [(";", 18)]),
        ("a # b && c\nd", [("newline", 10)]),
        ("a#b && c", [("&&", 4)]),
        ("a 2>&1 | b &> f >| g >&- h", [("|", 7)]),
        ("a <<< 'x && y' && b", [("&&", 15)]),
        ("(a; b) && c", [("(", 0), (";", 2), (")", 5), ("&&", 7)]),
        ("[[ a && b || c ]] && d", [("&&", 18)]),
        ("case $x in a|b) y;; (c) z;& esac", [(";;", 17), (";&", 25)]),
        ("cat <<EOF && b\nx && y | z\nEOF\nc", [("&&", 10), ("newline", 14)]),
        ("cat <<-'E' ; b\n\tx ; y\n\tE\n", [(";", 11), ("newline", 14)]),
        ("a \\\n&& b", [("&&", 4)]),
        ('echo "$(a "b && c" ; d)"', [(";", 19)]),
        ("a <(b | c) >(d && e)", [("|", 6), ("&&", 15)]),
    ],
)
def test_control_tokens(script: str, expected: list[tuple[str, int]]) -> None:
    assert kinds(script) == expected


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        ("a && b || c; d & e | f", []),
        ("a & &", [("doubled", "&", 4)]),
        ("a &&& b", [("doubled", "&", 4)]),
        ("a && && b", [("doubled", "&&", 5)]),
        ("a; && b", [("doubled", "&&", 3)]),
        ("a ;; b", []),  # only a case-item terminator; left to tree-sitter
        ("a &&", [("trailing", "&&", 2)]),
        ("a ||   ", [("trailing", "||", 2)]),
        ("a |", [("trailing", "|", 2)]),
        ("a && \n\n", [("trailing", "&&", 2)]),
        ("&& a", [("leading", "&&", 0)]),
        ("  ; a", [("leading", ";", 2)]),
        ("a\n&& b", [("leading", "&&", 2)]),
        ("a &&\n\n  b", []),
        ("a |\n b", []),
        ("(a &&)", [("trailing", "&&", 3)]),
        ("x $(a &&) y", [("trailing", "&&", 6)]),
        ("x $(&& a)", [("leading", "&&", 4)]),
        ("(&& a)", [("leading", "&&", 1)]),
        ("a & ; b", [("doubled", ";", 4)]),
        ("a; ; b", [("doubled", ";", 3)]),
        ("(a) && b", []),
        ("a && (b)", []),
        ("case x in a) ;; b) c ;; esac", []),
        ("case x in\n a) y\n ;;\nesac", []),
        ("echo '&& &&' \"; ;\" # && &&", []),
        ("cat <<EOF\n&& ;\nEOF\n", []),
        ("apt-get update &&     && apt-get install x", [("doubled", "&&", 22)]),
    ],
)
def test_operator_problems(script: str, expected: list[tuple[str, str, int]]) -> None:
    assert problems(script) == expected


def test_token_spans_use_position_of() -> None:
    toks = control_tokens("a && b", lambda off: Position(7, 10 + off))
    assert toks[0].span == Span(7, 12, 7, 14)
    assert toks[0].text == "&&"


def test_default_positions_count_lines() -> None:
    toks = control_tokens("a\nb && c")
    assert toks[1].span == Span(2, 3, 2, 5)


def test_heredocs_found() -> None:
    _, docs = scan_script("cat <<-'EOF' >f && b\n\tbody $x\n\tEOF\nnext")
    assert len(docs) == 1
    doc = docs[0]
    assert (doc.operator, doc.delimiter, doc.quoted, doc.strip_tabs, doc.terminated) == (
        "<<-",
        "EOF",
        True,
        True,
        True,
    )
    assert (doc.start, doc.end, doc.body_start, doc.body_end) == (4, 12, 21, 30)


def test_unterminated_heredoc_runs_to_end() -> None:
    _, docs = scan_script("cat <<EOF\nabc")
    assert (docs[0].body_start, docs[0].body_end, docs[0].terminated) == (10, 13, False)
    _, docs = scan_script("cat <<EOF")
    assert (docs[0].body_start, docs[0].terminated) == (9, False)


# Cross-checks: every case the scanner flags is a syntax error for bash and for tree-sitter,
# and the clean cases are clean for both.
CROSS = [
    "a & &",
    "a &&& b",
    "a && && b",
    "a; && b",
    "a &&",
    "a |",
    "&& a",
    "; a",
    "a\n&& b",
    "(a &&)",
    "a & ; b",
    "a; ; b",
    "a || || b",
    "a | | b",
    "a | && b",
    "a && b",
    "a || b | c",
    "a; b & c",
    "a &&\n b",
    "(a) && b",
    "a & b &",
    "echo '&& &&'",
]


@pytest.mark.parametrize("script", CROSS)
def test_cross_check_tree_sitter(script: str) -> None:
    found = problems(script)
    # tree-sitter accepts a trailing `&&`/`|` (it waits for more input): that is why the
    # scanner exists; every other verdict must agree.
    if found and all(p[0] == "trailing" for p in found) and "(" not in script:
        assert analyse_script(script).syntax_errors == []
    else:
        assert bool(analyse_script(script).syntax_errors) == bool(found)


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash not installed")
@pytest.mark.parametrize("script", CROSS)
def test_cross_check_bash(script: str) -> None:
    flagged = bool(problems(script))
    result = subprocess.run(["bash", "-n", "-c", script], capture_output=True, check=False)
    assert (result.returncode != 0) == flagged
