"""Property tests: the analysis never raises, and the scanner agrees with bash on operator soup."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dflint.shell import analyse_script, control_tokens, operator_problems
from dflint.shell.tokens import TOKEN_KINDS

SHELLISH = st.lists(
    st.sampled_from([*"ab &|;()<>$`'\"\\#\n{}=-é", "<<EOF\n", "\nEOF\n", "$(", "${", "&&", "||"]),
    max_size=40,
).map("".join)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=60), SHELLISH))
def test_never_raises(script: str) -> None:
    analysed = analyse_script(script)
    for cmd in analysed.commands:
        assert 0 <= cmd.start <= cmd.end <= len(script)
        for word in cmd.words:
            assert script[word.start : word.end] == word.text
    toks = control_tokens(script)
    for tok in toks:
        assert tok.kind in TOKEN_KINDS
        assert script[tok.start : tok.end] == tok.text
    assert [t.start for t in toks] == sorted(t.start for t in toks)
    operator_problems(toks)


WORDS = st.sampled_from(["a", "b", "echo x", "'q'", '"d d"'])
OPS = st.sampled_from(["&&", "||", "|", ";", "&", "\n", "&&&", "& &", "; &&", "| |"])


@st.composite
def operator_soup(draw: st.DrawFn) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 5))):
        if draw(st.booleans()):
            parts.append(draw(WORDS))
        parts.append(draw(OPS))
    if draw(st.booleans()):
        parts.append(draw(WORDS))
    return " ".join(parts)


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash not installed")
@settings(max_examples=60, deadline=None)
@given(operator_soup())
def test_scanner_agrees_with_bash(script: str) -> None:
    flagged = bool(operator_problems(control_tokens(script)))
    bash = subprocess.run(["bash", "-n", "-c", script], capture_output=True, check=False)
    assert flagged == (bash.returncode != 0), bash.stderr
