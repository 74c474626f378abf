"""Single-instruction rules from hadolint: WORKDIR, USER, EXPOSE, ENV, ONBUILD, MAINTAINER,
HEALTHCHECK presence and inline ignore pragmas. None of them needs shell analysis."""

from __future__ import annotations

import re
from collections.abc import Iterator

from dflint.expand import VarUse, variables_in
from dflint.finding import Fix, FixSafety, Severity, TextEdit, Violation
from dflint.lazyre import LazyPattern
from dflint.plugin import Context, Rule
from dflint.semantic import use_span
from dflint.tree import Env, Expose, From, Healthcheck, Maintainer, Onbuild, User, Workdir

from ._stage_refs import lineage, output_stages
from ._words import escape_of, is_windows_drive, literal, onbuild_triggers, prefix_span, unquoted_head

_HADOLINT_INLINE = LazyPattern(r"^\s*hadolint\s+ignore\s*=", re.IGNORECASE)
_DFLINT_INLINE = LazyPattern(r"^\s*dflint\s*:\s*ignore(?![\w-])", re.IGNORECASE)


class InlineIgnorePragma(Rule):
    """## What it does
    Reports comments that silence rules for one instruction: `# hadolint ignore=...` and
    `# dflint: ignore...`. Off by default (hadolint's severity is "ignore").

    ## Why is this bad?
    Teams that want every exception recorded in the configuration (`per-file-ignores`, with
    a review) can enable this rule to forbid ad-hoc silencing in the Dockerfile itself.
    File-wide (`# hadolint global ignore=`, `# dflint: ignore-file=`) and range
    (`# dflint: disable=`) pragmas are not inline and are not reported; neither is text in a
    heredoc body, which is not a comment.

    ## Example
    ```dockerfile
    # hadolint ignore=DL3008
    RUN apt-get install -y curl
    ```

    ## Use instead
    ```dockerfile
    RUN apt-get install -y curl=8.5.0-2ubuntu10
    ```
    """

    code = "DL1001"
    name = "inline-ignore-pragma"
    severity = Severity.INFO
    summary = "Inline ignore pragmas are not allowed"
    enabled_by_default = False

    def check(self, ctx: Context) -> Iterator[Violation]:
        for comment in ctx.dockerfile.comments:
            if _HADOLINT_INLINE.match(comment.text) or _DFLINT_INLINE.match(comment.text):
                yield Violation(comment.span, "Inline ignore pragma; configure exceptions instead")


class RelativeWorkdir(Rule):
    """## What it does
    Reports a `WORKDIR` whose path is relative.

    ## Why is this bad?
    A relative `WORKDIR` is resolved against the previous one, which may come from the base
    image and change with any new tag; an absolute path says where you are.

    Quotes are removed first (`WORKDIR "app"` is relative). A path starting with a variable
    is not judged; Windows drive paths (`C:\\app`, `c:/app`) are absolute. Every relative
    WORKDIR is reported, also in `ONBUILD`. hadolint 2.15 crashes without a report on a
    one-character or empty path (`WORKDIR a`, `WORKDIR ""`); dflint reports them.

    ## Example
    ```dockerfile
    WORKDIR app
    ```

    ## Use instead
    ```dockerfile
    WORKDIR /usr/src/app
    ```

    ## References
    BuildKit check `WorkdirRelativePath` is narrower: it only reports the first WORKDIR of a
    stage lineage, after variable expansion, since later relative ones are resolved against
    an absolute path.
    """

    code = "DL3000"
    name = "relative-workdir"
    instructions = frozenset({"workdir"})
    severity = Severity.ERROR
    summary = "Use absolute WORKDIR"
    aliases = ("WorkdirRelativePath",)

    def check(self, ctx: Context) -> Iterator[Violation]:
        escape = escape_of(ctx.dockerfile)
        for instruction in [*ctx.dockerfile.instructions, *onbuild_triggers(ctx.dockerfile)]:
            if not isinstance(instruction, Workdir) or instruction.path is None:
                continue
            word = instruction.path
            head = unquoted_head(word.text)
            if head.startswith("$"):
                continue
            value = literal(word.text, escape)
            path = value if value is not None else head
            if path.startswith("/") or is_windows_drive(path):
                continue
            yield Violation(word.span, f"WORKDIR `{word.text}` is relative; use an absolute path")


def _is_root(user: str) -> bool:
    uid = user.split(":", 1)[0]
    return uid in ("root", "0")


class LastUserRoot(Rule):
    """## What it does
    Reports a stage whose last `USER` is `root` or uid `0` (with or without a group).

    ## Why is this bad?
    The container then runs as root; a process escaping it starts with root privileges.
    Switch back to an unprivileged user after the steps that need root.

    As in hadolint every stage is checked; a stage without any `USER` is not reported (the
    base image decides), nor is `ONBUILD USER` (it applies to child images). A user given by
    a variable is not judged.

    ## Example
    ```dockerfile
    FROM alpine:3.20
    USER root
    RUN apk add --no-cache curl
    ```

    ## Use instead
    ```dockerfile
    FROM alpine:3.20
    USER root
    RUN apk add --no-cache curl
    USER 10001
    ```

    ## Differences from hadolint
    hadolint keeps the spaces that end the line in the user name, so a `USER root` line that
    ends with a space is not reported by hadolint; dflint reports it, as BuildKit runs it as
    root. The fixture case `hadolint-diff-trailing-space-after-root` holds the example (a
    trailing space does not survive in this page).
    """

    code = "DL3002"
    name = "last-user-root"
    instructions = frozenset({"user"})
    severity = Severity.WARNING
    summary = "Last USER should not be root"

    def check(self, ctx: Context) -> Iterator[Violation]:
        escape = escape_of(ctx.dockerfile)
        for stage in ctx.dockerfile.stages:
            users = [i for i in stage.instructions if isinstance(i, User) and i.user is not None]
            if not users:
                continue
            word = users[-1].user
            assert word is not None
            value = literal(word.text, escape)
            if value is not None and _is_root(value):
                yield Violation(word.span, "Last USER should not be root")


class NonNumericUser(Rule):
    """## What it does
    Reports a `USER` whose user part (before `:`) is a name rather than a numeric uid, unless
    it comes from a declared `ARG` or `ENV`.

    ## Why is this bad?
    Orchestrators that enforce "run as non-root" (Kubernetes `runAsNonRoot`) can only verify
    a numeric uid; a name may also resolve differently in mounted files.

    A user given by an `ARG` is accepted: its value is chosen at build time. An `ENV` set to
    a literal is judged by its value (`ENV APP_UID=1654` + `USER $APP_UID` is fine,
    `ENV RUNAS=app` + `USER $RUNAS` is reported); an `ENV` built from an ARG is accepted like
    the ARG. A variable no ARG or ENV of the stage declares is reported (a global ARG must be
    declared again in the stage to be visible).

    ## Example
    ```dockerfile
    USER app
    ```

    ## Use instead
    ```dockerfile
    USER 10001:10001
    ```

    ## Differences from hadolint
    - hadolint accepts only ARG variables, and reports every ENV one whatever its value.
      hadolint reports lines 3 and 7 here; dflint reports neither (`1654` is numeric, `N`
      comes from an ARG):
      ```dockerfile
      FROM alpine:3.20
      ENV APP_UID=1654
      USER $APP_UID
      FROM alpine:3.20
      ARG U=app
      ENV N=$U
      USER $N
      ```
      Both report `ENV MSF_USER msf` + `USER $MSF_USER`; dflint's message names the value.
    - hadolint accepts a variable declared by an ARG anywhere in the file, even in another
      stage or before the first FROM without being declared again in the stage, where it
      expands to nothing. dflint reports line 4 here; hadolint does not:
      ```dockerfile
      FROM alpine:3.20 AS build
      ARG RUNAS=app
      FROM alpine:3.20
      USER ${RUNAS}
      ```
    """

    code = "DL3066"
    name = "non-numeric-user"
    instructions = frozenset({"user"})
    severity = Severity.INFO
    summary = "Use a numeric user id"

    def check(self, ctx: Context) -> Iterator[Violation]:
        escape = escape_of(ctx.dockerfile)
        for instruction in ctx.dockerfile.instructions:
            if not isinstance(instruction, User) or instruction.user is None:
                continue
            word = instruction.user
            raw_uid = word.text.split(":", 1)[0]
            uses = variables_in(raw_uid, escape)
            if uses:
                scope = ctx.model.scope_at(instruction)
                undeclared = [use.name for use in uses if not scope.is_declared(use.name)]
                if undeclared:
                    yield Violation(
                        prefix_span(word.span, len(raw_uid)),
                        f"User `{raw_uid}` is not a numeric uid: no ARG or ENV of this stage "
                        f"declares `{undeclared[0]}`",
                    )
                    continue
                fixed = _fixed_env_value(ctx, instruction, raw_uid, uses)
                if fixed is None or fixed.isdigit():
                    continue  # numeric, or an ARG (set at build time) or an ENV built from one
                yield Violation(
                    prefix_span(word.span, len(raw_uid)),
                    f"User `{raw_uid}` is `{fixed}` (set by ENV), not a numeric uid; "
                    "the host may not resolve it",
                )
                continue
            else:
                value = literal(raw_uid, escape)
                if value is None or value.isdigit():
                    continue
            yield Violation(
                prefix_span(word.span, len(raw_uid)),
                f"User `{raw_uid}` is not a numeric uid; the host may not resolve it",
            )


def _fixed_env_value(ctx: Context, instruction: User, text: str, uses: list[VarUse]) -> str | None:
    """The value of ``text`` when every variable in it is an ENV set to a literal, else None.

    An ARG can be given another value at build time, and so can an ENV built from one.
    """
    scope = ctx.model.scope_at(instruction)
    for use in uses:
        var = scope.get(use.name)
        if var is None or var.kind != "env" or var.value is None or "$" in (var.raw or ""):
            return None
    expansion = ctx.model.expand_in_scope(text, instruction)
    return expansion.value if expansion.error is None else None


class InvalidExposePort(Rule):
    """## What it does
    Reports an `EXPOSE` port (or either end of a port range) above 65535.

    ## Why is this bad?
    TCP, UDP and SCTP ports are 16-bit numbers; BuildKit rejects the instruction.
    Ports given by variables are not judged.

    ## Example
    ```dockerfile
    EXPOSE 80 70000
    ```

    ## Use instead
    ```dockerfile
    EXPOSE 80 7000
    ```
    """

    code = "DL3011"
    name = "invalid-expose-port"
    instructions = frozenset({"expose"})
    severity = Severity.ERROR
    summary = "Valid UNIX ports range from 0 to 65535"

    def check(self, ctx: Context) -> Iterator[Violation]:
        escape = escape_of(ctx.dockerfile)
        for instruction in ctx.dockerfile.instructions:
            if not isinstance(instruction, Expose):
                continue
            for word in instruction.ports:
                value = literal(word.text, escape)
                if value is None:
                    continue
                port = value.rsplit(":", 1)[-1].split("/", 1)[0]
                ends = port.split("-", 1)
                if all(e.isdigit() for e in ends) and any(int(e) > 65535 for e in ends):
                    yield Violation(word.span, f"Port `{value}` is outside 0-65535")


class OnbuildForbiddenTrigger(Rule):
    """## What it does
    Reports `ONBUILD ONBUILD`, `ONBUILD FROM` and `ONBUILD MAINTAINER`.

    ## Why is this bad?
    BuildKit forbids these triggers: they fail the build of this image already.

    ## Example
    ```dockerfile
    ONBUILD FROM alpine:3.20
    ```

    ## Use instead
    ```dockerfile
    ONBUILD RUN ./configure
    ```
    """

    code = "DL3043"
    name = "onbuild-forbidden-trigger"
    instructions = frozenset({"onbuild"})
    severity = Severity.ERROR
    summary = "ONBUILD, FROM or MAINTAINER triggered from within ONBUILD"

    def check(self, ctx: Context) -> Iterator[Violation]:
        for instruction in ctx.dockerfile.instructions:
            if not isinstance(instruction, Onbuild) or instruction.trigger is None:
                continue
            trigger = instruction.trigger
            if isinstance(trigger, Onbuild | From | Maintainer):
                yield Violation(
                    trigger.keyword_span, f"`{trigger.keyword.upper()}` is not allowed as an ONBUILD trigger"
                )


class EnvSelfReference(Rule):
    """## What it does
    Reports, in an `ENV` that sets several variables, a value that uses another variable set
    by the same `ENV` while that variable had no earlier value.

    ## Why is this bad?
    Every value of one `ENV` is expanded with the environment as it was *before* the
    instruction: `ENV A=/app B=$A/bin` sets `B` to `/bin`. Split the instruction.

    References in single quotes or escaped (`\\$A`) are literal text and fine; a variable set
    earlier by `ENV` or by an `ARG` of the stage (or of a stage it is built FROM) is fine,
    since then the old value is clearly what is meant. A global ARG is not visible in a stage
    unless declared again there.

    ## Example
    ```dockerfile
    ENV JAVA_HOME=/opt/java PATH=$JAVA_HOME/bin:$PATH
    ```

    ## Use instead
    ```dockerfile
    ENV JAVA_HOME=/opt/java
    ENV PATH=$JAVA_HOME/bin:$PATH
    ```

    ## Differences from hadolint
    hadolint only recognises the plain `$A` and `${A}` forms; a reference with a modifier
    such as `${A:-default}` is expanded before the ENV too (to the default, or to a value
    the base image set), yet hadolint does not report it. dflint reports line 2 here, hadolint
    only line 3:
    ```dockerfile
    FROM alpine:3.20
    ENV ROOT=/srv APP=${ROOT:-/opt}/app
    ENV A=1 B=${A}
    ```
    """

    code = "DL3044"
    name = "env-self-reference"
    text_contains = frozenset({"$"})
    instructions = frozenset({"env"})
    severity = Severity.ERROR
    summary = "Do not refer to an environment variable within the same ENV statement where it is defined"

    def check(self, ctx: Context) -> Iterator[Violation]:
        escape = escape_of(ctx.dockerfile)
        for instruction in ctx.dockerfile.instructions:
            if not isinstance(instruction, Env) or len(instruction.pairs) < 2:
                continue
            names = [literal(pair.key, escape) or pair.key for pair in instruction.pairs]
            scope = ctx.model.scope_at(instruction)
            for pair, own in zip(instruction.pairs, names, strict=True):
                for use in variables_in(pair.value, escape):
                    if use.name == own or use.name not in names or scope.is_declared(use.name):
                        continue
                    yield Violation(
                        use_span(pair.value_span, use),
                        f"`${use.name}` is expanded before this ENV sets `{use.name}`; split the ENV",
                    )


class MissingHealthcheck(Rule):
    """## What it does
    Reports an image stage with no `HEALTHCHECK` (`HEALTHCHECK NONE` counts as one). Off by
    default, as in hadolint.

    ## Why is this bad?
    Without a health check, orchestrators only know whether the process runs, not whether it
    serves.

    A `HEALTHCHECK` in a stage reaches the stages built `FROM` it (names compared
    case-insensitively). Stages that others build on or copy from (a `golang AS build` stage)
    are not images anyone runs and are not reported (hadolint reports them); the last stage
    always is. `ONBUILD HEALTHCHECK` only applies to child images.

    ## Example
    ```dockerfile
    FROM nginx:1.27
    ```

    ## Use instead
    ```dockerfile
    FROM nginx:1.27
    HEALTHCHECK CMD ["curl", "-f", "http://localhost/"]
    ```
    """

    code = "DL3057"
    name = "missing-healthcheck"
    severity = Severity.INFO
    summary = "HEALTHCHECK instruction missing"
    enabled_by_default = False

    def check(self, ctx: Context) -> Iterator[Violation]:
        for info in output_stages(ctx.model):
            if not any(isinstance(i, Healthcheck) for stage in lineage(info) for i in stage.instructions):
                yield Violation(info.from_.keyword_span, "HEALTHCHECK instruction missing")


class DeprecatedMaintainer(Rule):
    """## What it does
    Reports `MAINTAINER`, deprecated since Docker 1.13.

    ## Why is this bad?
    It sets the image's legacy `Author` field, which few tools read; a `maintainer` label (or
    `org.opencontainers.image.authors`) is the supported way.

    ## Example
    ```dockerfile
    MAINTAINER Jane Doe <jane@example.com>
    ```

    ## Use instead
    ```dockerfile
    LABEL maintainer="Jane Doe <jane@example.com>"
    ```

    ## Fix safety
    Safe: the text becomes a `maintainer` label verbatim (quotes, `$` and the escape
    character are escaped, since LABEL expands variables and MAINTAINER does not). The image's
    `Author` field is no longer set, which no build step depends on.

    ## References
    BuildKit check `MaintainerDeprecated`.
    """

    code = "DL4000"
    name = "deprecated-maintainer"
    instructions = frozenset({"maintainer"})
    severity = Severity.ERROR
    summary = "MAINTAINER is deprecated"
    aliases = ("MaintainerDeprecated",)
    fix_safety = FixSafety.SAFE

    def check(self, ctx: Context) -> Iterator[Violation]:
        escape = escape_of(ctx.dockerfile)
        for instruction in ctx.dockerfile.instructions:
            if not isinstance(instruction, Maintainer):
                continue
            fix = None
            if instruction.name is not None and instruction.name.text:
                value = _escape_label_value(instruction.name.text, escape)
                fix = Fix(
                    (TextEdit(instruction.span, f'LABEL maintainer="{value}"'),),
                    FixSafety.SAFE,
                    "Replace MAINTAINER with a maintainer label",
                )
            yield Violation(instruction.keyword_span, "MAINTAINER is deprecated; use a label", fix)


def _escape_label_value(text: str, escape: str) -> str:
    """Text that expands back to ``text`` inside double quotes (escape char, `"` and `$`)."""
    out = []
    for char in text:
        if char in (escape, '"', "$"):
            out.append(escape)
        out.append(char)
    return "".join(out)
