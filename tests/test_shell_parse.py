"""analyse_script: commands, words, wrappers, structure, pipefail, heredocs, errors, positions."""

from __future__ import annotations

import subprocess
import sys

import pytest

from dflint.shell import analyse_script
from dflint.span import Position, Span


def names(script: str) -> list[str | None]:
    return [c.name for c in analyse_script(script).commands]


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        ("apt-get update &&     apt-get install -y x", ["apt-get", "apt-get"]),
        ("a | b; c & d || e", ["a", "b", "c", "d", "e"]),
        ("echo $(curl -s x | sh) `id -u`", ["echo", "curl", "sh", "id"]),
        ("(cd /x && make) ; { ls; }", ["cd", "make", "ls"]),
        ("if test -f x; then a; elif b; then c; else d; fi", ["test", "a", "b", "c", "d"]),
        ("for i in 1 2; do x $i; done; while read l; do y; done < f", ["x", "read", "y"]),
        ("case $x in a) p;; *) q;; esac", ["p", "q"]),
        ("f() { g; }; f", ["g", "f"]),
        ("A=1 B=2 make", ["make"]),
        ("A=1", [None]),
        ("export A=1 B; unset C", ["export", "unset"]),
        ("[ -f x ] && [[ -d y ]]", ["[", "[["]),
        ("cat <<EOF | grep x && y\nbody $(not_a_command)\nEOF\n", ["cat", "grep", "y"]),
        ("x=$(a | b) y", ["y", "a", "b"]),
        ("$CC -o x", [None]),
        ("/usr/bin/pip install x", ["/usr/bin/pip"]),
        ("", []),
        ("# only a comment", []),
    ],
)
def test_command_names(script: str, expected: list[str | None]) -> None:
    assert names(script) == expected


def test_words_offsets_and_values() -> None:
    script = 'apt-get install -y "x" \'y z\' $V a\\ b "p==$V" pre$(cmd)'
    cmd = analyse_script(script).commands[0]
    assert cmd.name == "apt-get"
    assert cmd.name_word is not None and (cmd.name_word.start, cmd.name_word.end) == (0, 7)
    assert [(w.text, w.value, w.unquoted, w.start, w.end) for w in cmd.args] == [
        ("install", "install", "install", 8, 15),
        ("-y", "-y", "-y", 16, 18),
        ('"x"', "x", "x", 19, 22),
        ("'y z'", "y z", "y z", 23, 28),
        ("$V", None, "$V", 29, 31),
        ("a\\ b", "a b", "a b", 32, 36),
        ('"p==$V"', None, "p==$V", 37, 44),
        ("pre$(cmd)", None, "pre$(cmd)", 45, 54),
    ]
    assert (cmd.start, cmd.end) == (0, 54)
    assert cmd.args[2].span == Span(1, 20, 1, 23)


def test_ansi_c_and_escaped_double_quotes() -> None:
    cmd = analyse_script('printf $\'a\\tb\' "q\\"r\\$s"').commands[0]
    assert [w.value for w in cmd.args] == ["a\tb", 'q"r$s']


def test_wrappers_and_assignments() -> None:
    cmd = analyse_script(
        "DEBIAN_FRONTEND=noninteractive sudo -u root -E env A=b nohup apt-get install x"
    ).commands[0]
    assert cmd.name == "apt-get"
    assert cmd.wrapper_names == ["sudo", "env", "nohup"]
    assert [w.text for w in cmd.wrappers[0].words] == ["sudo", "-u", "root", "-E"]
    assert [(a.name, a.value) for a in cmd.assignments] == [("DEBIAN_FRONTEND", "noninteractive"), ("A", "b")]
    assert [w.text for w in cmd.args] == ["install", "x"]
    assert [w.text for w in cmd.words][:2] == ["sudo", "-u"]


@pytest.mark.parametrize(
    ("script", "name", "args"),
    [
        ("command -v curl", "command", ["-v", "curl"]),
        ("command curl x", "curl", ["x"]),
        ("sudo -l", "sudo", ["-l"]),
        ("env", "env", []),
        ("exec gosu app pip install x", "pip", ["install", "x"]),
        ("timeout 10s curl x", "curl", ["x"]),
        ("time -p make", "make", []),
        ("eatmydata apt-get install x", "apt-get", ["install", "x"]),
        ("/usr/bin/sudo -- ls", "ls", []),
    ],
)
def test_wrapper_table(script: str, name: str, args: list[str]) -> None:
    cmd = analyse_script(script).commands[0]
    assert (cmd.name, [w.text for w in cmd.args]) == (name, args)


def test_redirects() -> None:
    cmd = analyse_script("a 2>&1 >out <in").commands[0]
    assert [(r.operator, r.descriptor, r.target.text if r.target else None) for r in cmd.redirects] == [
        (">&", "2", "1"),
        (">", None, "out"),
        ("<", None, "in"),
    ]


def test_redirect_of_last_list_item_belongs_to_it() -> None:
    script = analyse_script("a && b >f")
    a, b = script.commands
    assert a.redirects == [] and [r.target.text for r in b.redirects if r.target] == ["f"]


def test_heredoc_inside_script() -> None:
    script = analyse_script("a && cat <<-EOF >/etc/x; z\n\tline && $(x)\n\tEOF\necho done")
    assert [c.name for c in script.commands] == ["a", "cat", "z", "echo"]
    cat = script.commands[1]
    assert [(r.operator, r.heredoc_body) for r in cat.redirects] == [("<<-", "\tline && $(x)\n"), (">", None)]
    assert script.syntax_errors == []
    assert [o.kind for o in script.operators] == ["&&", ";", "newline"]


def test_pipelines_and_lists() -> None:
    script = analyse_script("a | b && c || ! d | e; f |& g")
    assert [([s.kind for s in p.stages], [o.kind for o in p.operators]) for p in script.pipelines] == [
        (["command", "command"], ["|"]),
        (["command", "command"], ["|"]),
        (["command", "command"], ["|&"]),
    ]
    first, second, third = script.pipelines
    assert (first.in_list, first.preceded_by, first.followed_by, first.is_last_in_list) == (
        True,
        None,
        "&&",
        False,
    )
    assert (second.in_list, second.preceded_by, second.followed_by, second.is_last_in_list) == (
        True,
        "||",
        None,
        True,
    )
    assert second.negated and not first.negated
    assert (third.in_list, third.is_last_in_list) == (False, False)
    assert len(script.lists) == 1
    lst = script.lists[0]
    assert [o.kind for o in lst.operators] == ["&&", "||"]
    assert [(i.kind, i.start, i.end) for i in lst.items] == [
        ("pipeline", 0, 5),
        ("command", 9, 10),
        ("pipeline", 14, 21),
    ]
    b = script.commands[1]
    assert (b.name, b.in_pipeline, b.pipeline_index, b.pipeline_position, b.pipeline_length) == (
        "b",
        True,
        0,
        1,
        2,
    )
    c = script.commands[2]
    assert (c.in_pipeline, c.list_index, c.list_position) == (False, 0, 1)


def test_context_flags() -> None:
    script = analyse_script("if ! grep -q x f; then (cd /a && make); fi; y=$(id) & wait")
    grep, cd, make, id_, wait = (
        script.commands[0],
        *script.commands[1:3],
        script.commands[4],
        script.commands[5],
    )
    assert (grep.in_condition, grep.negated) == (True, True)
    assert (cd.in_subshell, cd.in_condition, cd.enclosing) == (True, False, ("if_statement", "subshell"))
    assert make.in_subshell
    assert id_.in_substitution and not id_.in_subshell
    assert script.commands[3].kind == "assignment" and script.commands[3].background
    assert not wait.background


def test_cd_commands() -> None:
    script = analyse_script("cd /tmp && (cd x) && ls")
    assert [w.text for c in script.cd_commands for w in c.args] == ["/tmp", "x"]


def test_commands_named_matches_basename() -> None:
    script = analyse_script("/usr/bin/curl x | sudo bash; wget y")
    assert [c.name for c in script.commands_named("curl", "bash")] == ["/usr/bin/curl", "bash"]


@pytest.mark.parametrize(
    ("script", "shell", "expected"),
    [
        ("curl x | sh", None, False),
        ("set -o pipefail && curl x | sh", None, True),
        ("set -euo pipefail; curl x | sh", None, True),
        ("set -eux -o pipefail\ncurl x | sh", None, True),
        ("set -o pipefail; set +o pipefail; curl x | sh", None, False),
        ("curl x | sh; set -o pipefail", None, False),
        ("(set -o pipefail); curl x | sh", None, False),
        ("$(set -o pipefail) ; curl x | sh", None, False),
        ("set -o errexit; curl x | sh", None, False),
        ("curl x | sh", ("/bin/bash", "-o", "pipefail", "-c"), True),
        ("curl x | sh", ("/bin/bash", "-euo", "pipefail", "-c"), True),
        ("curl x | sh", ("/bin/bash", "-c"), False),
        # bash reads options after -c too; the command string is the first non-option argument
        ("curl x | sh", ("/bin/bash", "-c", "-o", "pipefail"), True),
        ("set +o pipefail; curl x | sh", ("/bin/bash", "-o", "pipefail", "-c"), False),
    ],
)
def test_has_pipefail(script: str, shell: tuple[str, ...] | None, expected: bool) -> None:
    analysed = analyse_script(script)
    pipeline = analysed.pipelines[0]
    assert analysed.has_pipefail(pipeline, shell=shell) is expected
    assert analysed.has_pipefail(pipeline.commands[0], shell=shell) is expected


def test_has_pipefail_from_analysis_shell_and_inside_subshell() -> None:
    analysed = analyse_script("curl x | sh", shell=("bash", "-o", "pipefail", "-c"))
    assert analysed.has_pipefail()
    inner = analyse_script("(set -o pipefail; curl x | sh)")
    assert inner.has_pipefail(inner.pipelines[0])
    assert not inner.has_pipefail()


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        ("a && b", []),
        ("a & &", [("syntax error", None)]),
        ("if a; then b", [("syntax error", None)]),
        ("echo $(a", [("missing `)`", ")")]),
    ],
)
def test_syntax_errors(script: str, expected: list[tuple[str, str | None]]) -> None:
    assert [(e.message, e.missing) for e in analyse_script(script).syntax_errors] == expected


def test_position_of_is_used_for_every_span() -> None:
    script = analyse_script("a &&  b", lambda off: Position(3, 5 + off))
    assert script.commands[1].span == Span(3, 11, 3, 12)
    assert script.operators[0].span == Span(3, 7, 3, 9)
    assert script.lists[0].span == Span(3, 5, 3, 12)


def test_non_ascii_offsets_are_code_points() -> None:
    script = analyse_script("echo 'héllo wörld' && ünïcode ✓")
    second = script.commands[1]
    assert second.name == "ünïcode" and (second.start, second.end) == (22, 31)
    assert second.args[0].text == "✓" and second.args[0].start == 30
    assert script.operators[0].start == 19


def test_import_is_lazy() -> None:
    code = "import sys, dflint.shell; print('tree_sitter' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
