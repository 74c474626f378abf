"""DL3003: ``cd`` in a RUN, with a WORKDIR fix where the rewrite is exact.

The fix turns ``RUN cd /abs/dir && rest`` into ``WORKDIR /abs/dir`` + ``RUN rest``. That is the
same build only when nothing later depends on the working directory the ``cd`` did not change:
``cd`` lasts for one RUN, WORKDIR for every later instruction of the stage, for stages built
``FROM`` it, and for the image's runtime configuration. :func:`workdir_persists_harmlessly`
decides, and the fix is marked unsafe whenever it cannot prove it.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from dflint.finding import Fix, FixSafety, Severity, TextEdit, Violation
from dflint.lazyre import LazyPattern
from dflint.plugin import Context, Rule
from dflint.shell import ShellScript, SimpleCommand
from dflint.span import Span
from dflint.tree import Add, Copy, Onbuild, Run, Volume, Workdir

from ._cd_scratch import scratch_area_cds
from ._pkgmgr import RunScript, run_scripts
from ._words import escape_of, literal

#: Paths a WORKDIR can take verbatim: no quotes, blanks, variables or escape characters needed.
_PLAIN_PATH = LazyPattern(r"^/[A-Za-z0-9._/@+,=-]*$")


def _is_absolute_literal(text: str | None, escape: str) -> bool:
    if text is None:
        return False
    value = literal(text, escape)
    return value is not None and value.startswith("/")


def workdir_persists_harmlessly(ctx: Context, run: Run) -> bool:
    """Whether a WORKDIR put in place of this RUN's ``cd`` is invisible to the rest of the build.

    True when, before anything reads the working directory (a RUN, an ONBUILD trigger, a
    relative COPY/ADD destination or VOLUME, a relative WORKDIR), an absolute WORKDIR resets it;
    or when the stage ends there and is neither the final stage (its WORKDIR would become the
    image's) nor the base of a later stage (which would inherit it).
    """
    model = ctx.model
    stage = model.stage_of(run)
    if stage is None:
        return False
    escape = escape_of(ctx.dockerfile)
    instructions = stage.instructions
    try:
        at = next(i for i, ins in enumerate(instructions) if ins is run)
    except StopIteration:
        return False
    for ins in instructions[at + 1 :]:
        if isinstance(ins, Workdir):
            return _is_absolute_literal(ins.path.text if ins.path else None, escape)
        if isinstance(ins, (Run, Onbuild)):
            return False
        if isinstance(ins, (Copy, Add)) and not _is_absolute_literal(
            ins.destination.text if ins.destination else None, escape
        ):
            return False
        if isinstance(ins, Volume) and not all(_is_absolute_literal(p.text, escape) for p in ins.paths):
            return False
    if stage is model.stages[-1]:
        return False
    return not any(other.parent is stage for other in model.stages)


def _workdir_before(ctx: Context, run: Run, escape: str) -> str:
    """The working directory a RUN starts in, from the WORKDIRs before it in its stage and the
    stages it is built FROM ("" when unknown: none, or one using a variable)."""
    stage = ctx.model.stage_of(run)
    if stage is None:
        return ""
    workdir = ""
    for info in reversed([stage, *stage.ancestors()]):
        for ins in info.instructions:
            if ins is run:
                return workdir
            if isinstance(ins, Workdir):
                value = literal(ins.path.text, escape) if ins.path is not None else None
                if value is None:
                    workdir = ""
                elif value.startswith("/"):
                    workdir = value
                elif workdir:
                    workdir = posixpath.join(workdir, value)
    return workdir


def _cd_target(cd: SimpleCommand) -> str | None:
    """The absolute directory a ``cd`` names as written, None when it is relative or dynamic."""
    operands = [w for w in cd.args if not w.unquoted.startswith("-")]
    if len(operands) != 1 or operands[0].value is None or not operands[0].value.startswith("/"):
        return None
    return posixpath.normpath(operands[0].value)


def _leading_cd_split(item: RunScript) -> tuple[SimpleCommand, str, int] | None:
    """For ``cd /abs && rest`` at the very start of a plain RUN: (cd command, path, offset of rest)."""
    run, script = item.run, item.script
    if item.onbuild or run.form != "shell" or run.json or run.heredocs or not script.commands:
        return None
    cd = script.commands[0]
    if cd.basename != "cd" or cd.name != "cd" or cd.scope or cd.in_pipeline or cd.negated:
        return None
    if cd.redirects or cd.assignments or cd.wrappers or len(cd.args) != 1:
        return None
    if script.script[: cd.start].strip():
        return None
    path = cd.args[0].value
    if path is None or not _PLAIN_PATH.match(path) or cd.args[0].text != path:
        return None
    lst = next((lst for lst in script.lists if lst.items and lst.items[0].start == cd.start), None)
    if lst is None or len(lst.items) < 2 or lst.operators[0].kind != "&&":
        return None
    if lst.items[0].end != cd.end:
        return None
    if _needs_oldpwd(script) or any(m.target and not m.target.startswith("/") for m in run.mounts):
        return None
    return cd, path, lst.items[1].start


def _needs_oldpwd(script: ShellScript) -> bool:
    """``cd -`` and ``$OLDPWD`` see the directory before the ``cd``, which WORKDIR does not set."""
    if "OLDPWD" in script.script:
        return True
    return any(c.has_arg("-") for c in script.cd_commands)


def _workdir_fix(ctx: Context, item: RunScript) -> Fix | None:
    found = _leading_cd_split(item)
    if found is None:
        return None
    cd, path, rest = found
    run = item.run
    start = cd.name_word.span if cd.name_word is not None else cd.span
    end = item.script.position_of(rest)
    keyword = run.keyword_span
    line_text = ctx.dockerfile.lines[keyword.start_line - 1] if ctx.dockerfile.lines else ""
    indent = line_text[: keyword.start_col - 1]
    if indent.strip():
        return None
    safety = FixSafety.SAFE if workdir_persists_harmlessly(ctx, run) else FixSafety.UNSAFE
    return Fix(
        (
            TextEdit(Span.point(keyword.start_line, keyword.start_col), f"WORKDIR {path}\n{indent}"),
            TextEdit(Span(start.start_line, start.start_col, end.line, end.col), ""),
        ),
        safety,
        f"Replace `cd {path} &&` by WORKDIR {path}",
    )


class CdInsteadOfWorkdir(Rule):
    """## What it does
    Reports `cd` in a RUN.

    ## Why is this bad?
    A `cd` lasts for one RUN only; the next RUN starts again in the WORKDIR. Steps that depend
    on a directory are easier to read, and harder to break when RUNs are split or reordered,
    when the directory is set once with `WORKDIR`.

    A `cd` inside a command substitution (`DIR=$(cd "$(dirname "$0")" && pwd)`) computes a
    path and changes no directory; WORKDIR cannot replace it, so it is not reported (hadolint
    reports it).

    Nor is a `cd` into a directory the same RUN removes later (`git clone ... /src/app && cd
    /src/app && make install && rm -rf /src/app`, `cd build && make && cd .. && rm -rf build`),
    or one that leaves such a directory (`cd ..`, `cd /`, `cd -` before the `rm`; the php
    images' `docker-php-source delete` removes `/usr/src/php`; a bare `cd` followed by the
    removal of the directory it left, by its name in the home directory: `cd; rm -rf tmp`): the
    directory is a scratch area of that one step (a directory cloned relative to an unknown
    WORKDIR counts as removed when the script removes it by an absolute path that ends with it:
    `git clone $URL app && cd app && ... && rm -rf /app`). Nor is a `cd` inside a shell function
    (`clone() { git clone "$1" "$2"; cd "$2"; }`): it goes where each call says, which no single
    WORKDIR can express. Nor is a first `cd` into the directory the
    WORKDIR already set (`WORKDIR /src` then `RUN cd /src && make`): it changes nothing, and
    WORKDIR is already used. A WORKDIR would have to be set before the
    RUN creates it, and splitting the RUN around it would keep the temporary files in a
    layer. `cd -` is not reported either: it undoes the `cd` before it, which is reported.

    ## Example
    ```dockerfile
    FROM golang:1.23
    RUN cd /src && go build ./...
    ```

    ## Use instead
    ```dockerfile
    FROM golang:1.23
    WORKDIR /src
    RUN go build ./...
    ```

    ## Fix safety
    Offered only for a plain shell-form RUN that starts exactly with `cd /absolute/dir && `:
    it becomes `WORKDIR /absolute/dir` followed by `RUN` with the rest of the script (its RUN
    flags kept). Not offered for ONBUILD, exec form, heredocs, `cd` with options, variables or
    quotes, `;` instead of `&&` (the rest would also run when `cd` fails), relative `--mount`
    targets (they are resolved against the working directory), or scripts using `cd -` or
    `$OLDPWD`.

    The fix is **safe** only when the new WORKDIR provably changes nothing else: before any
    later instruction reads the working directory (RUN, ONBUILD, relative COPY/ADD destination,
    relative VOLUME or WORKDIR), an absolute WORKDIR resets it, or the stage ends there and is
    neither the final stage nor the base of another stage. Otherwise it is **unsafe**, because
    WORKDIR persists: later RUNs, relative destinations, stages built `FROM` this one and the
    image's working directory at run time would all change. In both cases WORKDIR creates a
    missing directory where `cd` would fail, which only matters for a build that fails today.

    ## Differences from hadolint
    hadolint reports every RUN with a `cd`: lines 2, 3 and 7 here. dflint reports `cd /src`
    (line 2) and `cd /opt` (line 7), not the RUN of line 3, whose `cd`s enter (line 4) and
    leave (line 6) a directory that RUN removes, nor `cd -`:
    ```dockerfile
    FROM debian:12
    RUN cd /src && make
    RUN curl -fsSL https://example.com/app.tar.gz | tar -xz -C /tmp \
        && cd /tmp/app-1.0 \
        && ./configure && make install \
        && cd / && rm -rf /tmp/app-1.0
    RUN cd /opt && tar -xf pkg.tar && cd -
    ```

    ## References
    - hadolint DL3003
    """

    code = "DL3003"
    name = "cd-instead-of-workdir"
    instructions = frozenset({"run"})
    commands = frozenset({"cd"})
    severity = Severity.WARNING
    summary = "Use WORKDIR to switch to a directory"
    fix_safety = FixSafety.UNSAFE

    def check(self, ctx: Context) -> Iterator[Violation]:
        escape = escape_of(ctx.dockerfile)
        for item in run_scripts(ctx):
            first = True
            start = "" if item.onbuild else _workdir_before(ctx, item.run, escape)
            scratch = scratch_area_cds(item.script, start)
            for cd in item.script.cd_commands:
                if cd.in_substitution or cd.name_word is None or cd.in_function:
                    continue  # a function's cd goes where its caller says: no WORKDIR can
                fix = _workdir_fix(ctx, item) if first else None
                stays = first and _cd_target(cd) == start != ""
                first = False
                if cd in scratch or cd.has_arg("-") or stays:
                    continue
                yield Violation(cd.name_word.span, "Use WORKDIR to switch to a directory", fix)
