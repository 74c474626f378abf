"""Findings that come from the engine itself rather than from a rule's check.

They are declared as rules so that every output (rule list, docs, SARIF rule table, LSP hover)
describes them from the same metadata as any other code.
"""

from __future__ import annotations

from collections.abc import Iterable

from dflint.finding import Severity, Violation
from dflint.plugin import Context, Rule


class SyntaxError_(Rule):
    """## What it does
    Reports a Dockerfile that BuildKit would refuse to parse or to accept: an unterminated
    heredoc, a JSON array with non-string elements, `ENV` without a value, an unknown
    instruction, a misplaced parser directive, a line longer than 65,535 bytes, a file with no
    instruction.

    ## Why is this bad?
    `docker build` stops at the first of these errors. dflint reports every one it can find
    and keeps linting the instructions that did parse.

    ## Example
    ```dockerfile
    FROM alpine:3.20
    RUN <<EOF
    echo never closed
    ```

    ## Use instead
    ```dockerfile
    FROM alpine:3.20
    RUN <<EOF
    echo closed
    EOF
    ```
    """

    code = "DF000"
    name = "syntax-error"
    severity = Severity.ERROR
    summary = "The Dockerfile does not parse the way BuildKit requires"
    aliases = ("DL1000",)

    def check(self, ctx: Context) -> Iterable[Violation]:
        for error in ctx.dockerfile.errors:
            yield Violation(error.span, error.message)


class UnreadableFile(Rule):
    """## What it does
    Reports a path that could not be read as a Dockerfile: missing, a directory, no
    permission, or binary content.

    ## Why is this bad?
    Nothing in it can be checked. dflint exits with code 2 when any input is unreadable,
    after linting the other files.

    ## Example
    ```console
    $ dflint missing/Dockerfile
    missing/Dockerfile:1:1: DF900 [error] cannot read missing/Dockerfile: No such file or directory
    ```

    ## Use instead
    Pass paths that exist and are readable text files.
    """

    code = "DF900"
    name = "unreadable-file"
    severity = Severity.ERROR
    summary = "The file could not be read"

    def check(self, ctx: Context) -> Iterable[Violation]:
        return ()



class UnusedIgnore(Rule):
    """## What it does
    With `--report-unused-ignores`, reports an ignore comment (`# dflint: ignore=...`,
    `# hadolint ignore=...`, `# check=skip=...`) that suppressed nothing.

    ## Why is this bad?
    A stale ignore hides the next real problem of that kind on the same line.

    ## Example
    ```dockerfile
    # dflint: ignore=DL3008
    RUN echo nothing to pin here
    ```

    ## Use instead
    ```dockerfile
    RUN echo nothing to pin here
    ```
    """

    code = "DF901"
    name = "unused-ignore"
    severity = Severity.INFO
    summary = "An ignore comment suppresses nothing"
    enabled_by_default = False

    def check(self, ctx: Context) -> Iterable[Violation]:
        return ()



class NotUtf8(Rule):
    """## What it does
    Reports a Dockerfile that is not valid UTF-8, naming the first invalid byte by its byte
    offset, line and column.

    ## Why is this bad?
    BuildKit does not decode the file, so the build goes on with the raw bytes, but labels,
    ENV values and paths then hold bytes no tool displays the same way, and editors may
    rewrite them on save. Usually the file was saved in a legacy encoding (Latin-1, UTF-16).

    ## Example
    A file saved as Latin-1:
    ```dockerfile
    LABEL maintainer="Jos\xe9"
    ```

    ## Use instead
    Save the file as UTF-8:
    ```dockerfile
    LABEL maintainer="José"
    ```
    """

    code = "DF902"
    name = "not-utf8"
    severity = Severity.WARNING
    summary = "The file is not valid UTF-8"

    def check(self, ctx: Context) -> Iterable[Violation]:
        for warning in ctx.dockerfile.warnings:
            if warning.layer == "input" and warning.code == "non-utf8":
                yield Violation(warning.span, warning.message)


class TemplateFile(Rule):
    """## What it does
    Says once that the file is a template: it holds placeholders that a generator fills in
    before the Dockerfile exists (`{{ .version }}`, `{% if %}`, ERB's `<%= ruby_version %>`,
    `%%TAG%%`, `${templateOption:imageVariant}`, and in a file that is a template also
    `__NAME__`, `#NAME#`, `@NAME@`). A file is a template when it is named `*.template`,
    `*.tmpl`, `*.tpl`, `*.j2`, `*.jinja`, `*.jinja2`, `*.gotmpl`, `*.in`, `*.tt` or `*.erb`, or
    when it holds one of the placeholders above, a line that is nothing but a `__NAME__` or
    `@NAME@` token, or such a token as the image of a FROM (none of these is a Dockerfile).
    The finding points at the first placeholder and counts them.

    ## Why is this bad?
    It is not: it tells you what dflint did. The text inside a placeholder is neither
    Dockerfile syntax nor shell, so dflint reads each placeholder as a plain word, does not
    lint it, and drops any finding that would touch it (`FROM {{ .python.from }}` is no
    syntax error, `%%PKG%%` no package to pin). A line holding only a template statement
    (`{% if arm %}`, `<% end -%>`) is read as a comment, so an instruction continued across
    it stays one instruction; when such a conditional opens inside a continued instruction,
    its first branch is read and the others are skipped. Everything else in the file is
    linted as usual. To check the placeholders' values too, lint the generated Dockerfile.

    What a command fills in at run time is not a placeholder, in a file that is not otherwise
    a template: a `{{ ... }}` or ERB tag inside quotes (`docker inspect --format '{{.Id}}'`),
    in a heredoc body (a config file the build writes), or an unspaced `{{.name}}` that is an
    argument of a shell command (`easy-add --var app=demo --file {{.app}}` fills it in from its
    own flags); these stay shell text.

    ## Example
    ```dockerfile
    FROM golang:{{ .go.version }}-bookworm
    RUN go version
    ```

    ## Use instead
    Nothing to change; lint the generated Dockerfile for full coverage, or turn this notice
    off with `ignore = ["DF903"]`. Its severity is `style`, below the default failure
    threshold (`info`), so the notice alone does not make dflint exit with 1.
    ```dockerfile
    FROM golang:1.23-bookworm
    RUN go version
    ```
    """

    code = "DF903"
    name = "template-file"
    severity = Severity.STYLE  # below the default failure threshold: the notice alone fails no run
    summary = "The file is a template: placeholders are not linted"

    def check(self, ctx: Context) -> Iterable[Violation]:
        marks = [w for w in ctx.dockerfile.warnings if w.code == "template-placeholder"]
        if marks:
            first = marks[0]
            more = f" and {len(marks) - 1} more" if len(marks) > 1 else ""
            yield Violation(first.span, f"this file is a template ({first.message}{more}): placeholders "
                                        "are not linted; lint the generated Dockerfile to check them")


CORE_RULES: tuple[type[Rule], ...] = (SyntaxError_, UnreadableFile, UnusedIgnore, NotUtf8, TemplateFile)
