"""Inline suppressions (dflint/suppress.py), tested on plain (line, text) tuples."""

from __future__ import annotations

from dflint.span import Span
from dflint.suppress import PragmaProblem, Suppressions, UnusedSuppression

ALIASES = {
    "no-latest-tag": "DL3007",
    "apt-pin-versions": "DL3008",
    "stage-name-casing": "DF010",
    "StageNameCasing": "DF010",
    "JSONArgsRecommended": "DF020",
    "json-args-recommended": "DF020",
}


def build(text: str, check: str | None = None, disable: bool = False) -> Suppressions:
    """Split a Dockerfile into comments and instruction line ranges (enough for these tests)."""
    comments: list[tuple[int, str]] = []
    instructions: list[tuple[int, int]] = []
    stages: list[int] = []
    start: int | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith("#"):
            comments.append((number, line + "\n"))
            continue
        if not stripped and start is None:
            continue
        if start is None:
            start = number
            if stripped.upper().startswith("FROM"):
                stages.append(number)
        if not stripped.endswith("\\"):
            instructions.append((start, number))
            start = None
    return Suppressions.from_comments(comments, instructions, check, ALIASES, disable_pragmas=disable,
                                      stage_starts=stages)


def suppressed_lines(s: Suppressions, code: str, last: int = 12) -> list[int]:
    return [line for line in range(1, last + 1) if s.is_suppressed(code, line)]


def test_ignore_applies_to_next_instruction_all_lines() -> None:
    s = build(
        "FROM a\n"
        "# dflint: ignore=DL3008\n"
        "\n"
        "RUN apt-get install \\\n"
        "    curl\n"
        "RUN apt-get install wget\n"
    )
    assert suppressed_lines(s, "DL3008") == [4, 5]
    assert suppressed_lines(s, "DL3007") == []


def test_bracket_form_names_and_reasons() -> None:
    s = build(
        "# dflint: ignore[dl3008, no-latest-tag]  # base image is pinned by digest elsewhere\n"
        "FROM a:latest\n"
        "# dflint: ignore=StageNameCasing -- legacy name\n"
        "FROM b AS Build\n"
    )
    assert suppressed_lines(s, "DL3007") == [2]
    assert suppressed_lines(s, "dl3008") == [2]
    assert suppressed_lines(s, "DF010") == [4]
    assert s.problems == []


def test_consecutive_pragmas_accumulate() -> None:
    s = build("# dflint: ignore=DL3008\n# hadolint ignore=DL3007\n# dflint: ignore[DF010]\nFROM a\nFROM b\n")
    assert [suppressed_lines(s, c) for c in ("DL3008", "DL3007", "DF010")] == [[4], [4], [4]]


def test_bare_ignore_silences_everything_there() -> None:
    s = build("# dflint: ignore -- generated file\nRUN x\nRUN y\n")
    assert suppressed_lines(s, "DL3008") == [2]
    assert suppressed_lines(s, "SC2086") == [2]


def test_pragma_inside_continuation_applies_to_that_instruction() -> None:
    s = build("RUN a && \\\n    # dflint: ignore=DL3008\n    b\nRUN c\n")
    assert suppressed_lines(s, "DL3008") == [1, 2, 3]


def test_ignore_file_and_hadolint_global() -> None:
    s = build("FROM a\nRUN b\n# dflint: ignore-file=DL3008\n# hadolint global ignore=DL3007, SC2086\nRUN c\n")
    assert suppressed_lines(s, "DL3008", 5) == [1, 2, 3, 4, 5]
    assert suppressed_lines(s, "SC2086", 5) == [1, 2, 3, 4, 5]
    assert suppressed_lines(s, "DL3007", 2) == [1, 2]
    assert not s.is_suppressed("DF010", 1)
    assert s.is_suppressed("DL3008", 10_000)  # findings past the end of the file (EOF checks)


def test_bare_ignore_file_means_all() -> None:
    s = build("# dflint: ignore-file\nFROM a\n")
    assert s.is_suppressed("DF999", 2)


def test_disable_enable_ranges() -> None:
    s = build(
        "FROM a\n"                          # 1
        "# dflint: disable=DL3008,DL3007\n"  # 2
        "RUN a\n"                           # 3
        "RUN b\n"                           # 4
        "# dflint: enable=DL3008\n"         # 5
        "RUN c\n"                           # 6
        "# dflint: disable\n"               # 7
        "RUN d\n"                           # 8
        "# dflint: enable\n"                # 9
        "RUN e\n"                           # 10
    )
    assert suppressed_lines(s, "DL3008", 10) == [3, 4, 8]
    assert suppressed_lines(s, "DL3007", 10) == [3, 4, 5, 6, 7, 8]
    assert suppressed_lines(s, "DF010", 10) == [8]


def test_hadolint_ignore_next_instruction() -> None:
    s = build("# hadolint ignore=DL3008,SC2086 # pinned upstream\nRUN apt-get install x\nRUN y\n")
    assert suppressed_lines(s, "DL3008") == [2]
    assert suppressed_lines(s, "SC2086") == [2]


def test_hadolint_stage_ignore_above_from_covers_the_stage_and_the_next_from() -> None:
    # Lines hadolint 2.15.1 silences here (checked with the binary): 3, 4 and the next FROM (5);
    # dflint also silences line 2, the FROM right below the comment, which hadolint still reports.
    s = build(
        "# hadolint stage ignore=DL3006,DL3003\n"  # 1
        "FROM ubuntu\n"                            # 2
        "RUN cd /a\n"                              # 3
        "RUN cd /b\n"                              # 4
        "FROM debian\n"                            # 5
        "RUN cd /c\n"                              # 6
    )
    assert suppressed_lines(s, "DL3006", 6) == [2, 3, 4, 5]
    assert suppressed_lines(s, "DL3003", 6) == [2, 3, 4, 5]
    assert suppressed_lines(s, "DL3059", 6) == []


def test_hadolint_stage_ignore_mid_stage_runs_to_the_next_from() -> None:
    s = build(
        "FROM ubuntu:22.04\n"                # 1
        "RUN true\n"                         # 2
        "# hadolint stage ignore=DL3003 # why\n"  # 3
        "RUN apt-get install -y \\\n"        # 4
        "  curl && cd /x\n"                  # 5
        "\n"                                 # 6
        "RUN cd /b\n"                        # 7
        "FROM alpine:3\n"                    # 8
        "RUN cd /c\n"                        # 9
    )
    assert suppressed_lines(s, "DL3003", 9) == [4, 5, 6, 7, 8]


def test_hadolint_stage_ignore_in_the_last_stage_runs_to_the_end() -> None:
    s = build("FROM a:1\n#hadolint stage  ignore = DL3003 , DL3059\nRUN cd /a\nRUN cd /b\n")
    assert suppressed_lines(s, "DL3059", 4) == [3, 4]
    assert s.is_suppressed("DL3003", 10_000)
    assert not s.is_suppressed("DL3003", 1)


def test_disable_ignore_pragma_turns_stage_pragmas_off() -> None:
    s = build("# hadolint stage ignore=DL3006\nFROM a\nFROM b\n", disable=True)
    assert suppressed_lines(s, "DL3006", 3) == []


def test_check_directive_skip_maps_buildkit_names() -> None:
    s = build("# check=skip=StageNameCasing,UnknownCheck;error=true\nFROM a AS B\nRUN x\n",
              check="skip=StageNameCasing,UnknownCheck;error=true")
    assert suppressed_lines(s, "DF010", 3) == [1, 2, 3]
    assert suppressed_lines(s, "DL3008", 3) == []
    assert s.unused() == []  # unknown BuildKit names are never reported


def test_check_skip_all_means_buildkit_checks_only() -> None:
    s = build("# check=skip=all\nFROM a AS B\n", check="skip=all")
    assert s.is_suppressed("DF010", 2)
    assert s.is_suppressed("DF020", 2)
    assert not s.is_suppressed("DL3008", 2)


def test_per_instruction_check_comment_first_one_counts() -> None:
    s = build(
        "# syntax=docker/dockerfile:1\n"             # 1 directive, not attached
        "FROM a\n"                                  # 2
        "# check=skip=JSONArgsRecommended // why\n"  # 3
        "# check=skip=StageNameCasing\n"            # 4 ignored: only the first counts
        "CMD run\n"                                 # 5
        "CMD again\n"                               # 6
    )
    assert suppressed_lines(s, "DF020", 6) == [5]
    assert suppressed_lines(s, "DF010", 6) == []


def test_directive_block_check_is_not_an_attached_comment() -> None:
    s = build("# check=skip=JSONArgsRecommended\nFROM a\n", check=None)
    assert not s.is_suppressed("DF020", 2)


def test_disable_pragmas_turns_everything_off() -> None:
    s = build("# dflint: ignore-file\n# check=skip=all\nFROM a\n", check="skip=all", disable=True)
    assert not s.is_suppressed("DF010", 3)
    assert s.unused() == []


def test_unused_reports_code_positions() -> None:
    text = (
        "# dflint: ignore=DL3008, DL3007\n"  # DL3007 used, DL3008 unused
        "FROM a:latest\n"
        "# hadolint global ignore=SC2086\n"
        "# dflint: ignore\n"
        "RUN x\n"
    )
    s = build(text)
    assert s.is_suppressed("DL3007", 2)
    assert s.unused() == [
        UnusedSuppression(1, 18, "DL3008", Span(1, 18, 1, 24), "dflint"),
        UnusedSuppression(3, 26, "SC2086", Span(3, 26, 3, 32), "hadolint"),
        UnusedSuppression(4, 1, "*", Span(4, 1, 4, 17), "dflint"),
    ]


def test_redundant_file_wide_entry_is_the_unused_one() -> None:
    s = build("# dflint: ignore-file=DL3008\n# dflint: ignore=DL3008\nRUN x\n")
    assert s.is_suppressed("DL3008", 3)
    assert [(u.line, u.code) for u in s.unused()] == [(1, "DL3008")]


def test_duplicate_code_in_accumulated_pragmas_is_unused() -> None:
    s = build("# dflint: ignore=DL3008\n# dflint: ignore=DL3008\nRUN x\n")
    assert s.is_suppressed("DL3008", 3)
    assert [(u.line, u.code) for u in s.unused()] == [(2, "DL3008")]


def test_pragma_after_last_instruction_is_unused() -> None:
    s = build("FROM a\n# dflint: ignore=DL3008\n")
    assert not s.is_suppressed("DL3008", 1)
    assert [(u.line, u.code) for u in s.unused()] == [(2, "DL3008")]


def test_malformed_dflint_pragmas_are_problems() -> None:
    s = build("# dflint: ignroe=DL3008\n# dflint: ignore DL3008\n# dflint: ignore[DL3008\nRUN x\n")
    assert not s.is_suppressed("DL3008", 4)
    assert s.problems == [
        PragmaProblem(1, 11, "expected ignore, ignore-file, disable or enable", Span(1, 11, 1, 24)),
        PragmaProblem(2, 17, "expected '=' or '[' before the codes, found 'D'", Span(2, 17, 2, 24)),
        PragmaProblem(3, 17, "expected ']' after the codes", Span(3, 17, 3, 24)),
    ]


def test_not_a_pragma() -> None:
    s = build("# dflint is great\n# hadolint shell=powershell\n# ignore=DL3008\nRUN x\n")
    assert not s.is_suppressed("DL3008", 4)
    assert s.problems == []
    assert s.unused() == []


def test_empty() -> None:
    s = Suppressions.empty()
    assert not s.is_suppressed("DL3008", 1)
    assert s.unused() == []
