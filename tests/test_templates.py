"""Template placeholders (dflint/templates.py): what counts as one, and the text the parser reads.

The rule fixtures (DF000, DF903, DL3009) check what users see; these pin the masking itself:
spans never move, statement lines become comments, a conditional inside a continued
instruction keeps its first branch, and a finding about the instruction around a placeholder
stands while one about the placeholder's own word goes.
"""

from __future__ import annotations

import pytest
from rule_harness import RuleCase, run_case

from dflint.templates import find_placeholders, mask


def _masked(text: str, path: str = "Dockerfile") -> str:
    return mask(text, find_placeholders(text, path))


def test_masking_keeps_every_line_and_column() -> None:
    text = "FROM ruby:<%= v %>-slim\n<% if node? -%>\nRUN a\n<% end -%>\n"
    masked = _masked(text)
    assert [len(line) for line in masked.split("\n")] == [len(line) for line in text.split("\n")]
    assert masked.split("\n")[0] == "FROM ruby:xxxxxxxx-slim"


@pytest.mark.parametrize("token, role", [
    ("<%= Gem.ruby_version %>", "output"),
    ("<% if using_node? -%>", "open"),
    ("<% unless options.api? -%>", "open"),
    ("<% packages.each do |p| %>", "open"),
    ("<% else %>", "else"),
    ("<% end -%>", "close"),
    ("<%# a comment %>", "statement"),
    ("{% if arm %}", "open"),
    ("{%- elif x %}", "else"),
    ("{% endif -%}", "close"),
    ("{% set a = 1 %}", "statement"),
    ("{{ if .arm }}", "open"),
    ("{{- end }}", "close"),
    ("{{ .version }}", "output"),
])
def test_roles(token: str, role: str) -> None:
    [placeholder] = find_placeholders(f"FROM alpine\n{token}\n", "Dockerfile.tmpl")
    assert placeholder.role == role


def test_statement_lines_inside_a_continuation_become_comments() -> None:
    text = "RUN a \\\n{% if x %}\n  && b\n{% endif %}\n"
    lines = _masked(text).split("\n")
    assert lines[1].startswith("#") and lines[3].startswith("#")
    assert lines[2] == "  && b"


def test_the_first_branch_of_a_conditional_inside_a_continuation_is_read() -> None:
    text = "RUN a \\\n<% if x %>\n  && b\n<% elsif y %>\n  && c\n<% else %>\n  && d\n<% end %>\nEXPOSE 80\n"
    lines = _masked(text).split("\n")
    assert lines[2] == "  && b"
    assert all(lines[k].lstrip().startswith("#") for k in (3, 4, 5, 6, 7))
    assert lines[8] == "EXPOSE 80"


def test_a_conditional_of_whole_instructions_keeps_every_branch() -> None:
    text = "FROM a\n{% if x %}\nRUN b\n{% else %}\nRUN c\n{% endif %}\n"
    lines = _masked(text).split("\n")
    assert lines[2] == "RUN b" and lines[4] == "RUN c"


def test_an_output_line_inside_a_continuation_stays_a_word() -> None:
    lines = _masked("RUN a \\\n    {{ .more }}\n", "Dockerfile.tmpl").split("\n")
    assert lines[1] == "    xxxxxxxxxxx"


def test_no_template_no_placeholders() -> None:
    text = 'FROM python:3.12\nRUN python -c "print(__name__)" && echo "user@HOST@example"\n'
    assert find_placeholders(text, "Dockerfile") == []


def test_a_legacy_env_around_a_placeholder_is_still_reported() -> None:
    case = RuleCase("DF107", "legacy-env", "FROM {{ .base }}\nENV ZOOM_VERSION {{ .version }}\n", [])
    assert [f.span.start_line for f in run_case(case)] == [2]


def test_a_finding_on_the_placeholder_word_is_dropped() -> None:
    case = RuleCase("DL3006", "untagged", "FROM {{ .image }}\nRUN true\n", [])
    assert run_case(case) == []


def test_a_fix_computed_from_masked_text_is_not_offered() -> None:
    from rule_harness import run_fix

    case = RuleCase("DF107", "legacy-env", "FROM {{ .base }}\nENV ZOOM_VERSION {{ .version }}\n", [])
    [finding] = run_case(case)
    assert finding.fix is None
    assert run_fix(case).fixed == case.dockerfile


def test_a_fix_that_copies_masked_text_elsewhere_is_not_offered() -> None:
    from dflint.engine import _Placeholders
    from dflint.finding import Fix, TextEdit
    from dflint.span import Span

    placeholders = _Placeholders([Span(3, 14, 3, 25)], ["FROM a", "RUN b", "COPY --chown={{ .user }} . ."])
    insert = Fix((TextEdit(Span(1, 1, 1, 1), "COPY --chown=xxxxxxxxxxx a ./\n"),))
    assert placeholders.edited_by(insert)
    assert not placeholders.edited_by(Fix((TextEdit(Span(2, 1, 2, 1), "# note\n"),)))
