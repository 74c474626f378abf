"""DL4003, DL4004, DL3012: a stage keeps only its last CMD, ENTRYPOINT and HEALTHCHECK.

One family module: the three rules are the same fold over a stage's instructions, differing
only in the instruction type, so they share :class:`_OnlyLastCounts`. BuildKit reports the
same problem as one check, ``MultipleInstructionsDisallowed``, which all three list as an alias
(``# check=skip=MultipleInstructionsDisallowed`` skips the three).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from dflint.finding import Severity, Violation
from dflint.plugin import Context, Rule
from dflint.tree import Cmd, Entrypoint, Healthcheck, Instruction

__all__ = ["MultipleCmd", "MultipleEntrypoint", "MultipleHealthcheck"]


class _OnlyLastCounts(Rule):
    """Shared check: report every instruction of ``kind`` that overrides an earlier one.

    Only the stage's own instructions count: an ``ONBUILD CMD`` is a trigger for child builds
    (the tree keeps it inside an ``Onbuild`` node, so it never matches here), and each FROM
    starts a new stage with nothing to override. The later instruction is reported (hadolint's
    position; BuildKit reports the earlier one) and the message names the line it overrides.
    """

    kind: ClassVar[type[Instruction]]
    keyword: ClassVar[str]

    def check(self, ctx: Context) -> Iterator[Violation]:
        for stage in ctx.dockerfile.stages:
            previous: Instruction | None = None
            for instruction in stage.instructions:
                if not isinstance(instruction, self.kind):
                    continue
                if previous is not None:
                    yield Violation(
                        instruction.span,
                        f"{self.keyword} at line {previous.start_line} is overridden by this "
                        f"{self.keyword}; only the last {self.keyword} in a stage takes effect",
                    )
                previous = instruction


class MultipleCmd(_OnlyLastCounts):
    """## What it does
    Reports a `CMD` that follows another `CMD` in the same stage.

    `ONBUILD CMD` does not count (it belongs to child builds), and every `FROM` starts afresh.

    ## Why is this bad?
    Only the last `CMD` of a stage takes effect; the earlier ones are dead code that misleads
    the reader about what the container runs.

    ## Example
    ```dockerfile
    FROM python:3.12-slim
    CMD ["python", "migrate.py"]
    CMD ["python", "app.py"]
    ```

    ## Use instead
    ```dockerfile
    FROM python:3.12-slim
    CMD ["sh", "-c", "python migrate.py && exec python app.py"]
    ```

    ## References
    - [hadolint DL4003](https://github.com/hadolint/hadolint/wiki/DL4003)
    - [BuildKit MultipleInstructionsDisallowed](https://docs.docker.com/reference/build-checks/multiple-instructions-disallowed/)
    """

    code = "DL4003"
    name = "multiple-cmd"
    instructions = frozenset({"cmd"})
    severity = Severity.WARNING
    summary = "Several CMD instructions in one stage; only the last takes effect"
    aliases = ("MultipleInstructionsDisallowed",)
    kind = Cmd
    keyword = "CMD"


class MultipleEntrypoint(_OnlyLastCounts):
    """## What it does
    Reports an `ENTRYPOINT` that follows another `ENTRYPOINT` in the same stage.

    `ONBUILD ENTRYPOINT` does not count, and every `FROM` starts afresh.

    ## Why is this bad?
    Only the last `ENTRYPOINT` of a stage takes effect, so the earlier one never runs; this is
    usually a leftover that hides which program the container really starts.

    ## Example
    ```dockerfile
    FROM alpine:3.20
    ENTRYPOINT ["/bin/sh"]
    ENTRYPOINT ["/docker-entrypoint.sh"]
    ```

    ## Use instead
    ```dockerfile
    FROM alpine:3.20
    ENTRYPOINT ["/docker-entrypoint.sh"]
    ```

    ## References
    - [hadolint DL4004](https://github.com/hadolint/hadolint/wiki/DL4004)
    - [BuildKit MultipleInstructionsDisallowed](https://docs.docker.com/reference/build-checks/multiple-instructions-disallowed/)
    """

    code = "DL4004"
    name = "multiple-entrypoint"
    instructions = frozenset({"entrypoint"})
    severity = Severity.ERROR
    summary = "Several ENTRYPOINT instructions in one stage; only the last takes effect"
    aliases = ("MultipleInstructionsDisallowed",)
    kind = Entrypoint
    keyword = "ENTRYPOINT"


class MultipleHealthcheck(_OnlyLastCounts):
    """## What it does
    Reports a `HEALTHCHECK` that follows another `HEALTHCHECK` in the same stage, including
    `HEALTHCHECK NONE` (it overrides too).

    `ONBUILD HEALTHCHECK` does not count, and every `FROM` starts afresh.

    ## Why is this bad?
    Only the last `HEALTHCHECK` of a stage takes effect: the earlier probe, with its interval
    and timeout, is silently dropped.

    ## Example
    ```dockerfile
    FROM nginx:1.27
    HEALTHCHECK CMD curl -f http://localhost/ || exit 1
    HEALTHCHECK --interval=30s CMD curl -f http://localhost/health || exit 1
    ```

    ## Use instead
    ```dockerfile
    FROM nginx:1.27
    HEALTHCHECK --interval=30s CMD curl -f http://localhost/health || exit 1
    ```

    ## References
    - [hadolint DL3012](https://github.com/hadolint/hadolint/wiki/DL3012)
    - [BuildKit MultipleInstructionsDisallowed](https://docs.docker.com/reference/build-checks/multiple-instructions-disallowed/)
    """

    code = "DL3012"
    name = "multiple-healthcheck"
    instructions = frozenset({"healthcheck"})
    severity = Severity.ERROR
    summary = "Several HEALTHCHECK instructions in one stage; only the last takes effect"
    aliases = ("MultipleInstructionsDisallowed",)
    kind = Healthcheck
    keyword = "HEALTHCHECK"
