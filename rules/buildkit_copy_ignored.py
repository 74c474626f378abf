"""BuildKit's ``CopyIgnoredFile`` check (DF111): COPY/ADD of a path that .dockerignore excludes.

The build context sent to BuildKit does not contain ignored files, so such a COPY fails with
"not found" or, for a directory, silently copies less than it says. The .dockerignore lives
next to the build context, not in the Dockerfile; rules may not read files, so the CLI passes
its lines through this rule's ``dockerignore`` option.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator

from dflint.finding import Severity, Violation
from dflint.lazyre import LazyPattern
from dflint.plugin import Context, Rule
from dflint.records import FrozenRecord
from dflint.tree import Add, Copy

from ._dockerignore import has_exclusions, matches_or_parent_matches, read_patterns

_REMOTE = LazyPattern(r"^(https?://|git@|git://|ssh://)", re.IGNORECASE)
_MATCH_ALL = frozenset({"*", "**", "**/*"})


class CopyIgnoredFile(Rule):
    """## What it does
    Reports a COPY or ADD source from the build context that the context's `.dockerignore`
    excludes (the path itself or one of its parent folders matches a pattern).

    ## Why is this bad?
    Ignored files are not sent to the builder. `COPY config/ /etc/app/` with `config` in
    `.dockerignore` fails with "not found"; with `config/*.local` ignored it silently copies
    fewer files than the line suggests.

    ## Example
    `.dockerignore`:
    ```text
    *.md
    ```
    ```dockerfile
    FROM alpine:3.20
    COPY README.md /docs/
    ```

    ## Use instead
    Remove the pattern from `.dockerignore`, or stop copying the file.

    ## Options
    * `dockerignore` (list of strings, default `[]`): the lines of the build context's
      `.dockerignore`, exactly as in the file (comments and blank lines allowed). The CLI
      fills it from the `.dockerignore` next to the Dockerfile (or `<Dockerfile>.dockerignore`,
      which BuildKit prefers); with no lines the rule does nothing.

    ## Differences from BuildKit
    As in BuildKit, the rule stays silent when `.dockerignore` has `!` exceptions (a folder
    may be ignored while a file inside it is re-included), `COPY --from` and remote ADD
    sources are never checked, and `.` or `/` count as ignored only with a match-all
    pattern (`*`, `**`, `**/*`). Sources using a variable are checked with its value when the
    value is known, skipped otherwise. A leading `/` in a source is taken relative to the
    context root. BuildKit reports the instruction; dflint points at the source.

    ## References
    BuildKit check `CopyIgnoredFile`.
    """

    code = "DF111"
    name = "copy-ignored-file"
    instructions = frozenset({"copy", "add"})
    severity = Severity.WARNING
    summary = "COPY/ADD source is excluded by .dockerignore"
    aliases = ("CopyIgnoredFile",)

    class Options(FrozenRecord):
        __match_args__ = ("dockerignore",)
        dockerignore: tuple[str, ...]

        def __init__(self, dockerignore: tuple[str, ...] = ()) -> None:
            _set = object.__setattr__
            _set(self, "dockerignore", dockerignore)

    def check(self, ctx: Context) -> Iterator[Violation]:
        options = ctx.options
        if not isinstance(options, CopyIgnoredFile.Options):
            options = CopyIgnoredFile.Options()
        patterns = read_patterns(tuple(options.dockerignore))
        if not patterns or has_exclusions(patterns):
            return
        match_all = any(p.text in _MATCH_ALL for p in patterns)
        model = ctx.model
        for stage in ctx.dockerfile.stages:
            for instruction in stage.instructions:
                if not isinstance(instruction, Copy | Add):
                    continue
                if isinstance(instruction, Copy) and instruction.flag("from") is not None:
                    continue
                verb = "COPY" if isinstance(instruction, Copy) else "ADD"
                for word in instruction.sources:
                    if instruction.heredocs and word.text.lstrip("0123456789").startswith("<<"):
                        continue
                    expansion = model.expand_in_scope(word.text, instruction)
                    if expansion.error is not None or expansion.unset:
                        continue
                    source = expansion.value
                    if not source or (isinstance(instruction, Add) and _REMOTE.match(source)):
                        continue
                    path = posixpath.normpath(source)
                    if path in (".", "/"):
                        ignored = match_all
                    else:
                        ignored = matches_or_parent_matches(patterns, path.lstrip("/"))
                    if ignored:
                        yield Violation(word.span, f"{verb} source '{path}' is excluded by .dockerignore")
