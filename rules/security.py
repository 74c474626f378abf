"""dflint's supply-chain and secret rules: DF201-DF204 and DF207.

* DF201/DF202 look at ARG defaults and ENV values (names are DL3064's job): anything written
  there is stored in the image config or the build history, readable by anyone who pulls it.
* DF203 reads pipelines and command substitutions to find a downloaded script run unverified.
* DF204 asks remote ADD sources for a ``--checksum``.
* DF207 (off by default) wants the final stage to switch to a non-root USER.

Messages never repeat a secret: reports end up in CI logs.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator

from dflint.finding import Severity, Violation
from dflint.lazyre import LazyPattern
from dflint.plugin import Context, Rule
from dflint.records import FrozenRecord
from dflint.shell import ShellScript, ShellWord, SimpleCommand
from dflint.shell.packages import parse_options
from dflint.span import Span
from dflint.tree import Add, Arg, Env, Instruction, Onbuild, Run, User

from .shell_misc import WGET_VALUES

# -- where values are ------------------------------------------------------------------------


class ValueText(FrozenRecord):
    """One ARG default or ENV value as written, with the file position of its first character."""

    __slots__ = ("instruction", "kind", "name", "span", "text")
    __match_args__ = ("instruction", "kind", "name", "text", "span")

    instruction: Instruction
    kind: str  # "ARG" or "ENV"
    name: str
    text: str
    span: Span

    def __init__(self, instruction: Instruction, kind: str, name: str, text: str, span: Span) -> None:
        _set = object.__setattr__
        _set(self, "instruction", instruction)
        _set(self, "kind", kind)
        _set(self, "name", name)
        _set(self, "text", text)
        _set(self, "span", span)

    def span_of(self, start: int, end: int) -> Span:
        """The file span of ``text[start:end]`` (the whole value when it spans several lines)."""
        if self.span.start_line != self.span.end_line:
            return self.span
        col = self.span.start_col
        return Span(self.span.start_line, col + start, self.span.start_line, col + end)


def _with_triggers(ctx: Context) -> Iterator[Instruction]:
    for ins in ctx.dockerfile.instructions:
        yield ins
        if isinstance(ins, Onbuild) and ins.trigger is not None:
            yield ins.trigger


def value_texts(ctx: Context) -> Iterator[ValueText]:
    """Every ARG default and ENV value of the file, ONBUILD triggers included."""
    for ins in _with_triggers(ctx):
        if isinstance(ins, Arg):
            for decl in ins.declarations:
                if decl.default is None:
                    continue
                line = decl.name_span.end_line
                start = Span(line, decl.name_span.end_col + 1, decl.span.end_line, decl.span.end_col)
                yield ValueText(ins, "ARG", decl.name, decl.default, start)
        elif isinstance(ins, Env):
            for pair in ins.pairs:
                yield ValueText(ins, "ENV", pair.key, pair.value, pair.value_span)


_SECRET_FIX = "pass secrets at build time with `RUN --mount=type=secret` instead"

# -- DF201 -----------------------------------------------------------------------------------

_TOKEN_PATTERNS: tuple[tuple[str, LazyPattern], ...] = (
    ("an AWS access key id", LazyPattern(r"(?<![A-Z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])")),
    ("a private key", LazyPattern(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----")),
    ("a GitHub token", LazyPattern(
        r"(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{36,251}|github_pat_[A-Za-z0-9_]{22,255})(?![A-Za-z0-9_])"
    )),
    ("a Slack token", LazyPattern(r"(?<![A-Za-z0-9])xox[abposr]-[0-9A-Za-z]+(?:-[0-9A-Za-z]+)+")),
    ("a Slack webhook URL", LazyPattern(r"https://hooks\.slack\.com/services/T[A-Z0-9]+/B[A-Z0-9]+/[A-Za-z0-9]+")),
)
#: Documentation placeholders (AWS's own examples end in EXAMPLE).
_PLACEHOLDER_MARK = LazyPattern(r"EXAMPLE|XXXXXXXX|xxxxxxxx|\.\.\.", re.ASCII)


def find_tokens(text: str) -> Iterator[tuple[str, int, int]]:
    """(what, start, end) for every well-known credential format in ``text``."""
    for what, pattern in _TOKEN_PATTERNS:
        for match in pattern.finditer(text):
            if _PLACEHOLDER_MARK.search(match.group(0)):
                continue
            if what == "a Slack token" and len(match.group(0)) < 15:
                continue
            yield what, match.start(), match.end()


class SecretTokenInValue(Rule):
    """## What it does
    Reports ARG defaults and ENV values that contain a credential in a well-known format: an
    AWS access key id (`AKIA...`, `ASIA...`), a private key (`-----BEGIN ... PRIVATE KEY-----`),
    a GitHub token (`ghp_...`, `gho_...`, `ghs_...`, `github_pat_...`), a Slack token
    (`xoxb-...`) or a Slack webhook URL.

    ## Why is this bad?
    ENV values are stored in the image configuration and ARG values in the build history:
    anyone who can pull the image (or read the Dockerfile) can read the secret, and removing
    it in a later instruction does not help. Rotate the credential, then pass it at build time
    with a secret mount, which never reaches a layer or the history.

    AWS's documentation placeholders (`AKIAIOSFODNN7EXAMPLE`) are not reported. The variable
    *names* (`ENV GITHUB_TOKEN=...`) are DL3064's subject; this rule reads the values, so
    `ENV CONFIG="key=AKIA..."` is caught whatever the name.

    ## Example
    ```dockerfile
    FROM python:3.13
    ENV AWS_ACCESS_KEY_ID=AKIA2E0A8F3B244C9986
    RUN aws s3 cp s3://bucket/model.bin /models/
    ```

    ## Use instead
    ```dockerfile
    FROM python:3.13
    RUN --mount=type=secret,id=aws,target=/root/.aws/credentials \\
        aws s3 cp s3://bucket/model.bin /models/
    ```
    built with `docker build --secret id=aws,src=$HOME/.aws/credentials .`

    ## References
    - Docker documentation, "Build secrets" (`RUN --mount=type=secret`).
    """

    code = "DF201"
    name = "secret-token-in-value"
    instructions = frozenset({"arg", "env"})
    severity = Severity.ERROR
    summary = "ARG/ENV value contains a credential (access key, token, private key)"

    def check(self, ctx: Context) -> Iterator[Violation]:
        for value in value_texts(ctx):
            for what, start, end in find_tokens(value.text):
                yield Violation(
                    value.span_of(start, end),
                    f"{value.kind} `{value.name}` contains {what}: {_SECRET_FIX}",
                )


# -- DF202 -----------------------------------------------------------------------------------

_KEYWORD_ASSIGNMENT = LazyPattern(
    r"(?i)(?<![a-z0-9])(?:password|passwd|pwd|pass|secret|token|api[_-]?key|access[_-]?key"
    r"|client[_-]?secret|auth)[\"']?\s*[=:]\s*[\"']?(?P<value>[^\s\"'&;,)]+)"
)
_URL_CREDENTIALS = LazyPattern(r"(?i)\b[a-z][a-z0-9+.-]*://[^/\s:@\"']+:(?P<value>[^/\s@\"']+)@")
_PLACEHOLDERS = frozenset({
    "changeme", "change_me", "changeit", "password", "passw0rd", "secret", "example", "default",
    "xxxxxxxx", "placeholder", "redacted", "none", "null", "true", "false", "your_password",
    "yourpassword", "mypassword", "required", "optional",
})


def shannon_entropy(text: str) -> float:
    """Bits per character: ``aaaaaaaa`` is 0, ``changeme`` 2.75, ``x7Kq9zP2`` 3."""
    if not text:
        return 0.0
    counts: dict[str, int] = {}
    for ch in text:
        counts[ch] = counts.get(ch, 0) + 1
    n = len(text)
    return -sum(c / n * math.log2(c / n) for c in counts.values())


def looks_like_secret(candidate: str, min_length: int, min_entropy: float) -> bool:
    """A literal (no ``$``, ``{{``, ``<...>``), not a known placeholder, long and varied enough."""
    if any(mark in candidate for mark in ("$", "{{", "<", ">", "%(", "*")):
        return False
    if candidate.lower() in _PLACEHOLDERS or len(candidate) < min_length:
        return False
    return shannon_entropy(candidate) >= min_entropy


class PasswordInValue(Rule):
    """## What it does
    Reports ARG defaults and ENV values that embed a password-like literal: `password=...`,
    `secret: ...`, `token=...`, `api_key=...` inside the value, or the password part of a URL
    (`postgres://user:s3cr3tPa55@db/app`).

    ## Why is this bad?
    The value is stored in the image configuration (ENV) or the build history (ARG), readable
    by anyone who pulls the image. Pass the secret at build time with a secret mount, or at
    run time through the orchestrator's secret store.

    This is a heuristic, kept apart from DF201 so it can be tuned or turned off on its own.
    A candidate is reported only when it is a literal (no `$VAR`, `{{ }}` or `<placeholder>`),
    is not a well-known placeholder (`changeme`, `password`...), has at least `min-length`
    characters and a Shannon entropy of at least `min-entropy` bits per character.

    ## Example
    ```dockerfile
    FROM eclipse-temurin:21
    ENV JAVA_OPTS="-Ddb.password=Zq8vR2xLw9"
    ```

    ## Use instead
    ```dockerfile
    FROM eclipse-temurin:21
    # read the password from /run/secrets/db_password at run time
    ENV JAVA_OPTS="-Ddb.password.file=/run/secrets/db_password"
    ```
    For a value needed while building, use `RUN --mount=type=secret,id=db_password ...`.

    ## Options
    - `min-length` (default 8): shortest candidate reported.
    - `min-entropy` (default 3.0): lowest entropy, in bits per character, reported.

    ## References
    - Docker documentation, "Build secrets" (`RUN --mount=type=secret`).
    """

    code = "DF202"
    name = "password-in-value"
    instructions = frozenset({"arg", "env"})
    severity = Severity.WARNING
    summary = "ARG/ENV value embeds a password-like literal"

    class Options(FrozenRecord):
        __match_args__ = ("min_length", "min_entropy")
        min_length: int
        min_entropy: float

        def __init__(self, min_length: int = 8, min_entropy: float = 3.0) -> None:
            _set = object.__setattr__
            _set(self, "min_length", min_length)
            _set(self, "min_entropy", min_entropy)

    def check(self, ctx: Context) -> Iterator[Violation]:
        min_length = int(getattr(ctx.options, "min_length", 8))
        min_entropy = float(getattr(ctx.options, "min_entropy", 3.0))
        for value in value_texts(ctx):
            token_spans = [(s, e) for _, s, e in find_tokens(value.text)]
            for pattern, what in ((_KEYWORD_ASSIGNMENT, "a password-like setting"),
                                  (_URL_CREDENTIALS, "a password in a URL")):
                for match in pattern.finditer(value.text):
                    start, end = match.span("value")
                    if any(s <= start < e for s, e in token_spans):
                        continue  # DF201 reports it
                    if not looks_like_secret(match.group("value"), min_length, min_entropy):
                        continue
                    yield Violation(
                        value.span_of(start, end),
                        f"{value.kind} `{value.name}` contains {what}: {_SECRET_FIX}",
                    )


# -- DF203 -----------------------------------------------------------------------------------

_DOWNLOADERS = frozenset({"curl", "wget", "fetch"})
_SHELLS = frozenset({"sh", "bash", "dash", "ash", "zsh", "ksh", "mksh"})
_INTERPRETER = LazyPattern(r"^(?:python[0-9.]*|pypy[0-9.]*|perl[0-9.]*|ruby[0-9.]*|node|nodejs|php[0-9.]*)$")
_CURL_VALUES = frozenset(
    ["-o", "--output", "-H", "--header", "-d", "--data", "-u", "--user", "-X", "--request", "-A",
     "--user-agent", "-e", "--referer", "-w", "--write-out", "-x", "--proxy", "-T", "--upload-file",
     "-b", "--cookie", "-c", "--cookie-jar", "-K", "--config", "-r", "--range", "-m", "--max-time",
     "-E", "--cert", "-F", "--form", "--retry", "--connect-timeout", "--cacert", "--data-binary",
     "--data-raw", "--url", "-C", "--continue-at", "-y", "-Y", "-z", "--proto", "--proto-redir"]
)
_STDIN_SCRIPT = frozenset({"-", "/dev/stdin"})
_INLINE_CODE = frozenset({"-c", "-m", "-e", "-E", "-p", "-r", "--eval", "--print", "--command"})


def downloads_to_stdout(cmd: SimpleCommand) -> bool:
    """Whether a curl/wget/fetch command writes what it downloads to its standard output."""
    if cmd.basename == "curl":
        options, _ = parse_options(cmd.args, _CURL_VALUES)
        for opt in options:
            if opt.name in ("-O", "--remote-name", "--remote-name-all", "-J"):
                return False
            if opt.name in ("-o", "--output") and opt.value not in (None, "-"):
                return False
        return True
    if cmd.basename == "wget":
        options, _ = parse_options(cmd.args, WGET_VALUES)
        return any(o.name in ("-O", "--output-document") and o.value == "-" for o in options)
    if cmd.basename == "fetch":
        options, _ = parse_options(cmd.args, frozenset({"-o", "--output"}))
        return any(o.name in ("-o", "--output") and o.value == "-" for o in options)
    return False


def is_interpreter(cmd: SimpleCommand) -> bool:
    name = cmd.basename
    return name is not None and (name in _SHELLS or _INTERPRETER.match(name) is not None)


def _inline_flag(cmd: SimpleCommand) -> bool:
    """``sh -c``/``bash -xc``/``python -c``/``perl -e``...: the script is an argument."""
    options, _ = parse_options(cmd.args, frozenset())
    if cmd.basename in _SHELLS:
        return any(o.name == "-c" for o in options)
    return any(o.name in _INLINE_CODE for o in options)


def reads_script_from_stdin(cmd: SimpleCommand) -> bool:
    """``sh``, ``sh -s -- args``, ``bash -``, ``python3 -``: the program runs what it reads."""
    if not is_interpreter(cmd) or _inline_flag(cmd):
        return False
    options, operands = parse_options(cmd.args, frozenset())
    if cmd.basename in _SHELLS and any(o.name == "-s" for o in options):
        return True
    return not operands or operands[0].value in _STDIN_SCRIPT


def _piped_to_interpreter(script: ShellScript) -> Iterator[tuple[SimpleCommand, SimpleCommand]]:
    for pipeline in script.pipelines:
        commands = [stage.command for stage in pipeline.stages]
        for i, down in enumerate(commands):
            if down is None or down.basename not in _DOWNLOADERS or not downloads_to_stdout(down):
                continue
            for runner in commands[i + 1:]:
                if runner is not None and reads_script_from_stdin(runner):
                    yield down, runner
                    break
            break


def _word_holding(cmd: SimpleCommand, inner: SimpleCommand) -> ShellWord | None:
    return next((w for w in cmd.args if w.start <= inner.start < w.end), None)


def _substituted_into_interpreter(script: ShellScript) -> Iterator[tuple[SimpleCommand, SimpleCommand]]:
    """``sh -c "$(curl ...)"``, ``eval "$(curl ...)"``, ``bash <(curl ...)``, ``. <(curl ...)``."""
    downloads = [c for c in script.commands
                 if c.basename in _DOWNLOADERS and c.in_substitution and downloads_to_stdout(c)]
    if not downloads:
        return
    for runner in script.commands:
        name = runner.basename
        if name is None or not (is_interpreter(runner) or name in ("eval", "source", ".")):
            continue
        for down in downloads:
            word = _word_holding(runner, down)
            if word is None:
                continue
            if name in ("eval", "source", ".") or word.text.startswith("<(") or _inline_flag(runner):
                yield down, runner
                break


class PipeToShell(Rule):
    """## What it does
    Reports a script downloaded and run in one go: `curl ... | sh`, `wget -qO- ... | bash`,
    `curl ... | sudo python3 -`, `sh -c "$(curl ...)"`, `bash <(curl ...)`,
    `eval "$(wget -qO- ...)"`.

    ## Why is this bad?
    Nothing checks what was downloaded before it runs as part of your image: a compromised
    or hijacked server, a proxy, or a truncated download (the shell runs the part it got)
    decides what ends up in the image. It also makes the build unrepeatable: the script can
    change between two builds of the same Dockerfile.

    Only a download written to standard output counts (`curl -o file` or plain `wget URL`
    save a file, which can then be verified), and only a program that runs what it reads:
    `curl ... | tar -xz` or `curl ... | sh -c 'cat > x'` are not reported.

    ## Example
    ```dockerfile
    FROM debian:12
    RUN curl -fsSL https://example.com/install.sh | sh
    ```

    ## Use instead
    ```dockerfile
    FROM debian:12
    ADD --checksum=sha256:<hash> https://example.com/install.sh /tmp/install.sh
    RUN sh /tmp/install.sh && rm /tmp/install.sh
    ```
    or download it, check it (`echo "<hash>  install.sh" | sha256sum -c -`), then run it.

    ## References
    - Docker documentation, `ADD --checksum`.
    """

    code = "DF203"
    name = "pipe-to-shell"
    instructions = frozenset({"run", "cmd", "entrypoint", "healthcheck"})
    commands = frozenset({"curl", "wget", "fetch"})
    severity = Severity.WARNING
    summary = "A downloaded script is run without verification (curl | sh)"

    def check(self, ctx: Context) -> Iterator[Violation]:
        for ins in _with_triggers(ctx):
            if ins.keyword.upper() not in ("RUN", "CMD", "ENTRYPOINT", "HEALTHCHECK"):
                continue
            script = ctx.shell(ins)
            if script is None:
                continue
            seen: set[int] = set()
            for down, runner in (*_piped_to_interpreter(script), *_substituted_into_interpreter(script)):
                if id(runner) in seen or runner.name_word is None:
                    continue
                seen.add(id(runner))
                yield Violation(
                    runner.name_word.span,
                    f"`{runner.basename}` runs a script downloaded by `{down.basename}` without "
                    "verifying it: download to a file, check its checksum, then run it",
                )


# -- DF204 -----------------------------------------------------------------------------------

_GIT_PREFIXES = ("git://", "git@", "ssh://")


def remote_kind(source: str) -> str | None:
    """``http``, ``git`` or None (local) for an ADD source, after BuildKit's URL detection."""
    lowered = source.lower()
    if lowered.startswith(_GIT_PREFIXES):
        return "git"
    if lowered.startswith(("http://", "https://")):
        path = lowered.split("#", 1)[0].split("?", 1)[0]
        return "git" if path.endswith(".git") or ("#" in lowered and ".git" in path) else "http"
    return None


#: A git source pinned to a full commit: `repo.git#<sha>` or the query form BuildKit also takes,
#: `repo.git?ref=<sha>` / `?commit=<sha>` (the build checks the commit it fetched).
_COMMIT = LazyPattern(r"#[0-9a-f]{40}(?::|$)|[?&](?:commit|ref)=[0-9a-f]{40}(?:&|#|$)")


class AddRemoteWithoutChecksum(Rule):
    """## What it does
    Reports `ADD` of a remote source (an `http(s)://` URL or a git repository) without
    `--checksum`.

    ## Why is this bad?
    Whatever the server returns goes into the image: a changed, compromised or truncated file
    is built in silently, and two builds of the same Dockerfile can differ. `--checksum` makes
    BuildKit verify the download (`sha256:<hex>`) or the git commit.

    A git source pinned to a full commit (`...repo.git#<40 hex digits>`, or in the query:
    `?commit=<40 hex digits>`, `?ref=<40 hex digits>`) is already fixed and is not reported.
    Nor is a download that a later RUN of the stage verifies and names: `sha256sum -c`
    (also `echo "$SUM  file" | sha256sum -c -`), `sha512sum`/`md5sum`/`shasum -c`,
    `gpg --verify`, `gpgv`, `cosign verify-blob`,
    `minisign -V`, with the downloaded file's name in that RUN. Sources held in variables
    are judged after expansion with the ARG/ENV values in effect.

    ## Example
    ```dockerfile
    FROM debian:12
    ADD https://github.com/tianon/gosu/releases/download/1.17/gosu-amd64 /usr/local/bin/gosu
    ```

    ## Use instead
    ```dockerfile
    FROM debian:12
    ADD --checksum=sha256:bbc4136d03ab138b1ad66fa4fc051bafc6cc7ffae632b069a53657279a450de3 \\
        https://github.com/tianon/gosu/releases/download/1.17/gosu-amd64 /usr/local/bin/gosu
    ```

    ## References
    - Docker documentation, `ADD --checksum` (Dockerfile syntax 1.6).
    """

    code = "DF204"
    name = "add-remote-without-checksum"
    instructions = frozenset({"add"})
    severity = Severity.WARNING
    summary = "ADD of a remote URL without --checksum"

    def check(self, ctx: Context) -> Iterator[Violation]:
        for ins in _with_triggers(ctx):
            if not isinstance(ins, Add) or ins.checksum is not None or ins.flag("checksum") is not None:
                continue
            for source in ins.sources:
                text = source.text
                if "$" in text:
                    expansion = ctx.model.expand_in_scope(text, ins)
                    if expansion.error is not None:
                        continue
                    text = expansion.value
                text = text.strip("\"'")
                kind = remote_kind(text)
                if kind is None or (kind == "git" and _COMMIT.search(text.lower())):
                    continue
                if kind == "http" and _verified_later(ctx, ins, text):
                    continue
                how = "--checksum=sha256:<hex>" if kind == "http" else "--checksum=<commit>"
                yield Violation(
                    source.span,
                    f"ADD of a remote {'URL' if kind == 'http' else 'git repository'} without "
                    f"--checksum: pin it with `{how}`",
                )


#: Commands that check a file against a checksum or a signature, with the option that makes
#: them check (None: the command itself verifies).
_VERIFIERS: dict[str, tuple[str, ...] | None] = {
    "sha256sum": ("-c", "--check"), "sha512sum": ("-c", "--check"), "sha384sum": ("-c", "--check"),
    "sha224sum": ("-c", "--check"), "sha1sum": ("-c", "--check"), "md5sum": ("-c", "--check"),
    "b2sum": ("-c", "--check"), "shasum": ("-c", "--check"), "gpg": ("--verify",), "gpg2": ("--verify",),
    "gpgv": None, "gpgv2": None, "cosign": ("verify-blob", "verify"), "minisign": ("-V", "-Vm"),
    "signify": ("-V", "-C"),
}


def _is_verifier(cmd: SimpleCommand) -> bool:
    if cmd.basename not in _VERIFIERS:
        return False
    needs = _VERIFIERS[cmd.basename]
    if needs is None:
        return True
    for word in cmd.args:
        value = word.value or ""
        if value in needs:
            return True
        short = [n[1] for n in needs if len(n) == 2 and n.startswith("-")]
        if value.startswith("-") and not value.startswith("--") and any(c in value[1:] for c in short):
            return True  # bundled short options: `sha256sum -sc`
    return False


def _verified_later(ctx: Context, add: Add, source: str) -> bool:
    """A later RUN of the stage checks the downloaded file (``sha256sum -c``, ``echo "$SUM  f" |
    sha256sum -c -``, ``gpg --verify f.asc f``, ``cosign verify-blob ... f``) and names it: the
    file's name (from the destination, or the URL when the destination is a directory)
    appears in that RUN."""
    stage = ctx.model.stage_of(add)
    if stage is None or add.destination is None:
        return False
    dest = add.destination.text
    if "$" in dest:
        expansion = ctx.model.expand_in_scope(dest, add)
        if expansion.error is not None:
            return False
        dest = expansion.value
    dest = dest.strip("\"'")
    name = dest.rstrip("/").rsplit("/", 1)[-1]
    if dest.endswith("/") or not name or name == ".":
        name = source.split("#", 1)[0].split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    if not name:
        return False
    instructions = stage.instructions
    position = next((i for i, ins in enumerate(instructions) if ins is add), len(instructions))
    for ins in instructions[position + 1 :]:
        if not isinstance(ins, Run):
            continue
        script = ctx.shell(ins)
        if script is None or not any(_is_verifier(c) for c in script.commands):
            continue
        if name in (ins.original or ""):
            return True
    return False


# -- DF207 -----------------------------------------------------------------------------------

_NONROOT_IMAGE = LazyPattern(r"nonroot|rootless", re.IGNORECASE)


class NoNonRootUser(Rule):
    """## What it does
    Reports a final stage that never sets `USER`, in itself or in the stages it is built
    `FROM`, so the container runs as the base image's user, root for almost every image.

    ## Why is this bad?
    A process running as root in a container is root on the files it can reach and one kernel
    bug away from root on the host. Create an unprivileged user and switch to it.

    Off by default: many images are meant to run as root (build tools, init systems) or get
    their user from the orchestrator (`runAsUser`). A `USER root` at the end is DL3002's case
    and is left to it. Base images whose reference says `nonroot` or `rootless`
    (`gcr.io/distroless/static:nonroot`) already run unprivileged; Windows stages are skipped.

    ## Example
    ```dockerfile
    FROM python:3.13-slim
    COPY app.py /app/
    CMD ["python", "/app/app.py"]
    ```

    ## Use instead
    ```dockerfile
    FROM python:3.13-slim
    RUN useradd --system --uid 10001 app
    COPY app.py /app/
    USER app
    CMD ["python", "/app/app.py"]
    ```

    ## References
    - Docker documentation, `USER`.
    """

    code = "DF207"
    name = "no-non-root-user"
    severity = Severity.WARNING
    summary = "The final stage never switches to a non-root USER"
    enabled_by_default = False

    def check(self, ctx: Context) -> Iterator[Violation]:
        model = ctx.model
        if not model.stages:
            return
        final = model.stages[-1]
        if not model.is_posix_shell(final.from_):
            return
        chain = [final, *final.ancestors()]
        if any(isinstance(ins, User) for stage in chain for ins in stage.instructions):
            return
        root = chain[-1]
        if _NONROOT_IMAGE.search(root.base.text or root.base_text or ""):
            return
        yield Violation(
            final.from_.keyword_span,
            "The final stage never sets USER: the container runs as root; add a non-root USER",
        )
