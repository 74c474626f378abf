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
from dflint.tree import Arg, Env, Expose, From, Healthcheck, Maintainer, Onbuild, User, Workdir

from ._stage_refs import lineage, output_stages, runtime_users
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
    Reports the `USER` an image runs as when it is `root` or uid `0` (with or without a
    group): the last `USER` of a stage that is an image of its own (the last stage, or one no
    other stage builds on or copies from), or, when that stage has none, the last `USER` of
    the stage it is built `FROM`.

    ## Why is this bad?
    The container then runs as root; a process escaping it starts with root privileges.
    Switch back to an unprivileged user after the steps that need root.

    A stage without any `USER` in its lineage is not reported (the base image decides), nor
    is `ONBUILD USER` (it applies to child images). A user given by a variable is not judged.

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
    - hadolint checks the last `USER` of every stage. A stage that only serves others (built
      `FROM`, or read by `COPY --from`) never runs as a container; its last `USER` is not
      what the image runs as. hadolint reports line 2 here; dflint does not:
      ```dockerfile
      FROM debian:12 AS base
      USER root
      RUN apt-get update && apt-get install -y --no-install-recommends curl
      FROM base
      USER 10001
      ```
    - hadolint keeps the spaces that end the line in the user name, so a `USER root` line
      that ends with a space is not reported by hadolint; dflint reports it, as BuildKit runs
      it as root. The fixture case `hadolint-diff-trailing-space-after-root` holds the
      example (a trailing space does not survive in this page).
    """

    code = "DL3002"
    name = "last-user-root"
    instructions = frozenset({"user"})
    severity = Severity.WARNING
    summary = "Last USER should not be root"

    def check(self, ctx: Context) -> Iterator[Violation]:
        escape = escape_of(ctx.dockerfile)
        for user in runtime_users(ctx.model):
            word = user.user
            assert word is not None
            value = literal(word.text, escape)
            if value is not None and _is_root(value):
                yield Violation(word.span, "Last USER should not be root")


class NonNumericUser(Rule):
    """## What it does
    Reports the `USER` an image runs as (see DL3002: the last `USER` of a stage that is an
    image of its own, or of the stage it is built `FROM`) when its user part (before `:`) is a
    name rather than a numeric uid, unless it comes from a declared `ARG` or `ENV`.

    ## Why is this bad?
    Orchestrators that enforce "run as non-root" (Kubernetes `runAsNonRoot`) can only verify
    a numeric uid; a name may also resolve differently in mounted files.

    Only the user containers start as matters: an earlier `USER` (`USER root` for some build
    steps, a builder stage's user) is resolved inside the image during the build. `root` is
    not reported (it is uid 0 in every Linux image, and DL3002 reports it), nor are Windows
    images, whose accounts (`ContainerUser`) have no numeric id.

    A user given by an `ARG` is accepted: its value is chosen at build time. An `ENV` set to
    a literal is judged by its value (`ENV APP_UID=1654` + `USER $APP_UID` is fine,
    `ENV RUNAS=app` + `USER $RUNAS` is reported); an `ENV` built from an ARG is accepted like
    the ARG. A variable that no ARG or ENV of the file declares comes from the base image
    (`USER $APP_UID` on .NET images) and is not judged; one declared only elsewhere in the
    file (a global ARG not declared again in the stage, an ARG of another stage) expands to
    nothing here and is reported.

    ## Example
    ```dockerfile
    USER app
    ```

    ## Use instead
    ```dockerfile
    USER 10001:10001
    ```

    ## Differences from hadolint
    - hadolint checks every `USER`, Windows and `root` included. dflint reports only line 8
      here, hadolint lines 2, 5 and 8:
      ```dockerfile
      FROM golang:1.22 AS build
      USER builder
      RUN go build -o /out/app .
      FROM alpine:3.20
      USER root
      RUN apk add --no-cache curl
      COPY --from=build /out/app /usr/local/bin/app
      USER app
      ```
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
        for instruction in runtime_users(ctx.model):
            stage = ctx.model.stage_of(instruction)
            if stage is None or ctx.model.looks_windows(stage):
                continue
            word = instruction.user
            assert word is not None
            raw_uid = word.text.split(":", 1)[0]
            uses = variables_in(raw_uid, escape)
            if uses:
                message = _variable_user_problem(ctx, instruction, raw_uid, uses)
                if message is not None:
                    yield Violation(prefix_span(word.span, len(raw_uid)), message)
                continue
            value = literal(raw_uid, escape)
            if value is None or value.isdigit() or value == "root":
                continue
            yield Violation(
                prefix_span(word.span, len(raw_uid)),
                f"User `{raw_uid}` is not a numeric uid; the host may not resolve it",
            )


def _variable_user_problem(ctx: Context, instruction: User, raw_uid: str, uses: list[VarUse]) -> str | None:
    """Why a USER given by variables is not a numeric uid, or None when it is or may be."""
    scope = ctx.model.scope_at(instruction)
    undeclared = [use.name for use in uses if not scope.is_declared(use.name)]
    if undeclared:
        elsewhere = [name for name in undeclared if _declared_in_file(ctx, name)]
        if not elsewhere:
            return None  # from the base image's ENV (USER $APP_UID): not judged
        return (f"User `{raw_uid}` is not a numeric uid: no ARG or ENV of this stage "
                f"declares `{elsewhere[0]}`")
    fixed = _fixed_env_value(ctx, instruction, raw_uid, uses)
    if fixed is None or fixed.isdigit() or fixed == "root":
        return None  # numeric, or an ARG (set at build time) or an ENV built from one
    return f"User `{raw_uid}` is `{fixed}` (set by ENV), not a numeric uid; the host may not resolve it"


def _declared_in_file(ctx: Context, name: str) -> bool:
    """Whether some ARG or ENV of the file (global ARGs too) declares ``name``."""
    escape = escape_of(ctx.dockerfile)
    for instruction in ctx.dockerfile.instructions:
        if isinstance(instruction, Arg) and any(d.name == name for d in instruction.declarations):
            return True
        if isinstance(instruction, Env) and any(
            (literal(pair.key, escape) or pair.key) == name for pair in instruction.pairs
        ):
            return True
    return False


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
    unless declared again there. A value may use the variable it sets (`PATH=/x:$PATH`), but
    when one ENV sets a variable twice, the second value sees the value from before the ENV
    and the first assignment is lost (`ENV PATH=/a:$PATH PATH=/b:$PATH`): that is reported.
    A reference written exactly as the value the ENV gives that variable
    (`ROOT="${ROOT:-/srv}" HOME="${ROOT:-/srv}/home"`) expands the same either way and is fine.

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
            for index, (pair, own) in enumerate(zip(instruction.pairs, names, strict=True)):
                for use in variables_in(pair.value, escape):
                    if use.name == own:
                        if use.name not in names[:index]:
                            continue  # its own earlier value (PATH=/x:$PATH): what is meant
                        yield Violation(
                            use_span(pair.value_span, use),
                            f"`${use.name}` is the value from before this ENV, so the `{use.name}` "
                            "set earlier in this ENV is lost; split the ENV",
                        )
                        continue
                    if use.name not in names or scope.is_declared(use.name):
                        continue
                    if _same_expansion(instruction, names, use.name, pair.value[use.start:use.end]):
                        continue
                    yield Violation(
                        use_span(pair.value_span, use),
                        f"`${use.name}` is expanded before this ENV sets `{use.name}`; split the ENV",
                    )


def _same_expansion(instruction: Env, names: list[str], name: str, reference: str) -> bool:
    """``X="${X:-/d}" Y="${X:-/d}/y"``: the ENV sets ``name`` to exactly the reference text, so
    the value from before the ENV and the new one are the same expansion."""
    values = []
    for pair, key in zip(instruction.pairs, names, strict=True):
        if key == name:
            value = pair.value
            if len(value) >= 2 and value[0] == value[-1] == '"':
                value = value[1:-1]
            values.append(value)
    return bool(values) and all(value == reference for value in values)


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
