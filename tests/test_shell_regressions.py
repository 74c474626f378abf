"""Regressions of analyse_script: every command, pipeline and list is reported exactly once.

A redirected statement (``(cd x && make) >log``) used to walk its body a second time looking for
command substitutions, because py-tree-sitter hands out a fresh Node object on each access and the
body was skipped by identity. Each enclosing redirected statement added one more copy, so the
nginx Dockerfile (case item > subshell, inside two redirected lists) listed its commands 3 times.
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dflint.shell import ShellScript, analyse_script

CORPUS = Path("/work/shared/corpus/realworld")
NGINX = CORPUS / "nginxinc+docker-nginx__stable__debian__Dockerfile"


def commands(script: str) -> list[tuple[str | None, int, int]]:
    return [(c.name, c.start, c.end) for c in analyse_script(script).commands]


def duplicates(analysed: ShellScript) -> dict[str, list[tuple[int, int]]]:
    """The (start, end) pairs seen more than once, per kind of element."""
    found: dict[str, list[tuple[int, int]]] = {}
    groups: dict[str, list[tuple[int, int]]] = {
        "commands": [(c.start, c.end) for c in analysed.commands],
        "pipelines": [(p.start, p.end) for p in analysed.pipelines],
        "lists": [(lst.start, lst.end) for lst in analysed.lists],
        "tokens": [(t.start, t.end) for t in analysed.tokens],
        "errors": [(e.start, e.end) for e in analysed.syntax_errors],
    }
    for kind, bounds in groups.items():
        repeated = sorted(b for b, n in Counter(bounds).items() if n > 1)
        if repeated:
            found[kind] = repeated
    return found


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        ('echo "$(date)" > f', [("echo", 0, 14), ("date", 8, 12)]),
        ("(cd /x) >f", [("cd", 1, 6)]),
        ("a && (cd /x && make) >log", [("a", 0, 1), ("cd", 6, 11), ("make", 15, 19)]),
        # two nested redirected statements: the subshell used to be listed three times
        ("{ (cd /x) >a; } >b", [("cd", 3, 8)]),
        (
            "case $a in *) t=$(mktemp) && (cd $t && make) >log ;; esac >out",
            [(None, 14, 25), ("mktemp", 18, 24), ("cd", 30, 35), ("make", 39, 43)],
        ),
        ("echo $(x) >f 2>$(y)", [("echo", 0, 9), ("x", 7, 8), ("y", 17, 18)]),
    ],
)
def test_redirected_statement_body_walked_once(
    script: str, expected: list[tuple[str | None, int, int]]
) -> None:
    assert commands(script) == expected


def test_redirected_subshell_pipeline_and_list_once() -> None:
    analysed = analyse_script("(a | b && c) > f")
    assert [(p.start, p.end) for p in analysed.pipelines] == [(1, 6)]
    assert [(lst.start, lst.end) for lst in analysed.lists] == [(1, 11)]
    assert duplicates(analysed) == {}


def test_redirect_still_attached_to_last_command() -> None:
    analysed = analyse_script("a && (b) && c >f")
    last = analysed.commands[-1]
    assert (last.name, [r.operator for r in last.redirects]) == ("c", [">"])
    assert [r.operator for c in analysed.commands[:-1] for r in c.redirects] == []


def test_error_inside_list_does_not_break_operator_pairing() -> None:
    # found by test_shell_hypothesis: the ERROR node (``$``) was taken as a list item, so the
    # pipeline's operator index ran past the end of the operators (IndexError)
    analysed = analyse_script("0$&&0|")
    assert [(e.message, e.start, e.end) for e in analysed.syntax_errors] == [("syntax error", 1, 2)]
    assert [(c.start, c.end) for c in analysed.commands] == [(0, 1), (4, 5)]
    assert [(p.preceded_by, p.followed_by) for p in analysed.pipelines] == [("&&", None)]
    assert [len(lst.items) for lst in analysed.lists] == [2]


def test_list_items_and_operators_still_paired() -> None:
    analysed = analyse_script("a && b | c || d | e && f")
    assert [(p.preceded_by, p.followed_by) for p in analysed.pipelines] == [("&&", "||"), ("||", "&&")]


# -- property: however constructs nest, each leaf command is listed once --------------------

#: (script, number of simple commands it holds)
LEAVES = st.sampled_from([("a", 1), ("b x", 1), ('echo "$(c)"', 2), ("d $(e f)", 2), ("V=$(g)", 2)])


def _extend(inner: st.SearchStrategy[tuple[str, int]]) -> st.SearchStrategy[tuple[str, int]]:
    pair = st.tuples(inner, inner)
    return st.one_of(
        inner.map(lambda x: (f"( {x[0]} )", x[1])),
        inner.map(lambda x: (f"{{ {x[0]}; }}", x[1])),
        inner.map(lambda x: (f"{x[0]} > f", x[1])),
        inner.map(lambda x: (f"echo $( {x[0]} )", x[1] + 1)),
        inner.map(lambda x: (f"case v in p) {x[0]} ;; esac", x[1])),
        pair.map(lambda p: (f"{p[0][0]} && {p[1][0]}", p[0][1] + p[1][1])),
        pair.map(lambda p: (f"{p[0][0]} | {p[1][0]}", p[0][1] + p[1][1])),
        pair.map(lambda p: (f"if {p[0][0]}; then {p[1][0]}; fi", p[0][1] + p[1][1])),
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.recursive(LEAVES, _extend, max_leaves=8))
def test_nested_constructs_list_each_command_once(case: tuple[str, int]) -> None:
    script, count = case
    analysed = analyse_script(script)
    assert duplicates(analysed) == {}
    if not analysed.syntax_errors:
        assert len(analysed.commands) == count


# -- real-world files ------------------------------------------------------------------------


def _shell_scripts(path: Path) -> list[tuple[int, ShellScript]]:
    from dflint.parser import parse_bytes
    from dflint.plugin import FileAnalysis

    df = parse_bytes(path.read_bytes(), str(path))
    analysis = FileAnalysis(df)
    out = []
    for ins in df.instructions:
        if str(ins.keyword).upper() in ("RUN", "CMD", "ENTRYPOINT", "HEALTHCHECK"):
            analysed = analysis.shell(ins)
            if analysed is not None:
                out.append((ins.span.start_line, analysed))
    return out


@pytest.mark.skipif(not NGINX.is_file(), reason="real-world corpus not available")
def test_nginx_reported_file_has_no_duplicates() -> None:
    scripts = _shell_scripts(NGINX)
    assert [(line, duplicates(s)) for line, s in scripts] == [(line, {}) for line, _ in scripts]
    run = next(s for line, s in scripts if line == 16)
    assert [c.start for c in run.commands if c.start == 2245 and c.name == "cd"] == [2245]


def _corpus_duplicates(files: list[Path]) -> list[tuple[str, int, dict[str, list[tuple[int, int]]]]]:
    found = []
    for path in files:
        for line, analysed in _shell_scripts(path):
            dups = duplicates(analysed)
            if dups:
                found.append((path.name, line, dups))
    return found


def test_corpus_slice_has_no_duplicates() -> None:
    if not CORPUS.is_dir():
        pytest.skip("real-world corpus not available")
    # files known to have had duplicates, plus a fixed slice
    names = [
        "CentOS+CentOS-Dockerfiles__freeipa__centos7__Dockerfile",
        "apache+arrow__ci__docker__linux-apt-docs.dockerfile",
        "devcontainers+images__src__php__.devcontainer__Dockerfile",
        "home-assistant+addons__silabs-multiprotocol__Dockerfile",
        "influxdata+influxdata-docker__influxdb__2.1__Dockerfile",
    ]
    files = [CORPUS / n for n in names if (CORPUS / n).is_file()]
    files += sorted(p for p in CORPUS.iterdir() if p.is_file())[:40]
    assert _corpus_duplicates(files) == []


@pytest.mark.corpus
@pytest.mark.skipif(os.environ.get("DFLINT_FULL_CORPUS") != "1", reason="set DFLINT_FULL_CORPUS=1")
def test_whole_corpus_has_no_duplicates() -> None:
    files = sorted(p for p in CORPUS.iterdir() if p.is_file())
    assert _corpus_duplicates(files) == []


# tree-sitter-bash#337: `{` then a 4-byte UTF-8 character reads out of bounds. Whether the process
# dies depends on the memory layout, so the check runs in a child process, many times over, with
# code points that crashed 2 to 4 runs in 5 before the fix.
_ASTRAL_AFTER_BRACE = ["{\U000ca31f", "x {\U000e0001", "echo {\U000f0000,b}", "m\xe4{\U0010ffff",
                       "{\U000d0000", "a={\U000b0000}; echo $a"]


def test_astral_character_after_a_brace_does_not_crash_the_shell_parser() -> None:
    import subprocess
    import sys

    child = (
        "from dflint.shell import analyse_script\n"
        f"cases = {_ASTRAL_AFTER_BRACE!r}\n"
        "for _ in range(40):\n"
        "    for case in cases:\n"
        "        analyse_script(case)\n"
    )
    done = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]


def test_astral_characters_keep_their_text_and_offsets() -> None:
    script = "echo {\U0001f680,\U000ca31f} \U00020000done"
    [command] = analyse_script(script).commands
    assert [w.text for w in command.words] == ["echo", "{\U0001f680,\U000ca31f}", "\U00020000done"]
    assert all(script[w.start:w.end] == w.text for w in command.words)
