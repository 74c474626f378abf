"""Secrets passed through ARG or ENV: BuildKit's check (DF108) and hadolint's DL3064.

Both judge only the *name* of the variable: a value is usually a placeholder or a ``$VAR``
reference, while a name like ``GITHUB_TOKEN`` says what will flow through it. The two rules
use different word lists and scopes (BuildKit: whole ``_``-separated tokens, stage ARGs and
ENV; hadolint: a list of known names plus substrings, every ARG/ENV including ONBUILD), so a
name may trigger both; select the one you want.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from dflint.finding import Severity, Violation
from dflint.lazyre import LazyPattern
from dflint.plugin import Context, Rule
from dflint.span import Span
from dflint.tree import Arg, Env, Instruction, Onbuild

from ._words import escape_of, literal

_SECRET_TOKENS = (
    "apikey", "auth", "credential", "credentials", "key", "password", "pword", "passwd", "secret", "token",
)
_ALLOW_TOKENS = ("public", "file", "version")
_SECRET = LazyPattern(r"(?:_|^)(?:" + "|".join(_SECRET_TOKENS) + r")(?:_|$)", re.IGNORECASE)
_ALLOW = LazyPattern(r"(?:_|^)(?:" + "|".join(_ALLOW_TOKENS) + r")(?:_|$)", re.IGNORECASE)


def buildkit_secret_name(name: str) -> bool:
    """BuildKit's test: a secret token as a whole ``_``-delimited part, and no allow token."""
    return _SECRET.search(name) is not None and _ALLOW.search(name) is None


def _names(instruction: Instruction) -> Iterator[tuple[str, str, Span, str | None]]:
    """(instruction name, variable name, span of the name, raw value or None) per ARG/ENV variable."""
    if isinstance(instruction, Arg):
        for decl in instruction.declarations:
            yield "ARG", decl.name, decl.name_span, decl.default
    elif isinstance(instruction, Env):
        for pair in instruction.pairs:
            yield "ENV", pair.key, pair.key_span, pair.value


#: A name that ends in one of these holds where a secret is, not the secret: ``sa_password_path``,
#: ``KEY_DIR``, ``SECRETFILE``, ``TOKEN_URL``.
_REFERENCE_NAME = LazyPattern(r"(?:file|files|path|dir|directory|_url|_uri)$", re.IGNORECASE)
#: GPG/PGP key names hold fingerprints of public keys used to verify downloads (``GPG_KEY`` in
#: the official python images); a private key or passphrase says so in its name.
_PUBLIC_KEY_NAME = LazyPattern(r"(?:_|^)(?:gpg|pgp|gnupg)(?:_|$)", re.IGNORECASE)
_PRIVATE_PART = LazyPattern(r"private|passphrase|password|passwd|secret|token", re.IGNORECASE)
#: .NET configuration binds ``Section__0__Key=ProcessId`` to ``Section[0].Key``: the key of a list
#: entry, a configuration name and not a key.
_LIST_ENTRY_KEY = LazyPattern(r"__\d+__key$", re.IGNORECASE)
_SWITCH = frozenset({"true", "false", "yes", "no", "on", "off"})
#: ENV values that say they are no secret: `testtest`, `dummy`, `notasecret`, `changeme`.
_PLACEHOLDER_WORDS = LazyPattern(r"(?:test|dummy)+|notasecret|changeme|placeholder|example|none|null",
                                 re.IGNORECASE)
#: A script or data file name, or an absolute path (``resetOSPassword.sh``, ``C:\\secrets\\sa``).
_FILE_VALUE = LazyPattern(
    r"^(?:/|~/|\./|[A-Za-z]:[\\/])\S*$"
    r"|^[\w.-]+\.(?:sh|bash|ps1|cmd|bat|py|rb|pl|js|txt|json|ya?ml|conf|cfg|ini|xml|rsp|properties|pem|crt|key)$"
)


def holds_no_secret(kind: str, name: str, raw_value: str | None, escape: str) -> bool:
    """A name that sounds secret whose declaration shows it carries no secret.

    The name tests hold for any ARG/ENV. An ARG value is only a default, overridden with
    ``--build-arg`` (a placeholder there still invites the real secret), so the value tests
    that need the value to be final (empty, placeholder) apply to ENV only.
    """
    if _REFERENCE_NAME.search(name) or _LIST_ENTRY_KEY.search(name):
        return True
    if _PUBLIC_KEY_NAME.search(name) and not _PRIVATE_PART.search(name):
        return True
    if raw_value is None:
        return False  # ARG without a default: the value comes with --build-arg
    value = literal(raw_value, escape)
    if value is None:
        return False  # uses a variable: whatever flows in (an ARG) is kept
    if value.lower() in _SWITCH or _FILE_VALUE.match(value):
        return True
    if kind != "ENV":
        return False
    bare = value.replace("-", "").replace(" ", "")
    if bare in ("", "_", "*", "~") or (len(bare) >= 8 and len(set(bare)) == 1):  # `~`: YAML null
        return True
    return _PLACEHOLDER_WORDS.fullmatch(bare) is not None


class SecretsUsedInArgOrEnv(Rule):
    """## What it does
    Reports an ARG (inside a stage) or ENV whose name contains, as a whole `_`-separated
    part and in any case, one of `apikey`, `auth`, `credential(s)`, `key`, `password`,
    `pword`, `passwd`, `secret` or `token`, unless it also has a `public`, `file` or
    `version` part (`GPG_KEY_FILE`, `PUBLIC_KEY`, `TOKEN_VERSION` pass).

    ## Why is this bad?
    ARG and ENV values end up in the image: ENV in its config, ARG in the build history
    and the environment of every RUN. Anyone who can pull the image can read them. Use
    `RUN --mount=type=secret` or build secrets instead.

    ## Example
    ```dockerfile
    FROM alpine:3.20
    ARG GITHUB_TOKEN
    RUN git clone https://$GITHUB_TOKEN@github.com/org/repo
    ```

    ## Use instead
    ```dockerfile
    FROM alpine:3.20
    RUN --mount=type=secret,id=github_token,env=GITHUB_TOKEN \\
        git clone https://$GITHUB_TOKEN@github.com/org/repo
    ```

    ## Differences from BuildKit
    BuildKit judges the name alone. dflint also reads the declaration and stays quiet when it
    shows that no secret is stored (the same exceptions apply to DL3064):

    - the name says where a secret is, not what it is: it ends in `file`, `path`, `dir`,
      `directory`, `_url` or `_uri` (`sa_password_path`, `KEY_DIR`);
    - the name is a GPG/PGP key (`GPG_KEY`, `JENKINS_GPG_KEY`): these hold fingerprints of
      public keys that verify downloads, as in the official python images; a name that also
      says `private`, `passphrase`, `password`, `secret` or `token` is still reported;
    - the name is the key of a .NET configuration list entry (`Filters__0__Key=ProcessId`);
    - the value, free of variables, is a switch (`true`, `false`, `yes`, `no`, `on`, `off`:
      `TS_DISABLE_TOKEN_AUTHORIZATION=true`) or a file name or absolute path
      (`RESET_OS_PASSWORD=resetOSPassword.sh`);
    - an ENV value is empty (`ENV PASSWORD=`) or a placeholder: `_`, `*`, `~` (YAML's null, as
      in Symfony's `SYMFONY__ENV__DATABASE_PASSWORD=~`), one character
      repeated at least 8 times (`000...`, `XXXXXXXX`), or a word that says so (`testtest`,
      `dummy`, `notasecret`, `changeme`, `placeholder`, `example`, `none`, `null`): nothing
      secret is in the image. An
      ARG's value is only a default that `--build-arg` replaces, so `ARG TOKEN=changeme` is
      still reported.

    A value that uses a variable (`ENV NPM_TOKEN=$NPM_TOKEN`) is always reported: it copies
    what the build was given into the image.

    ## References
    BuildKit check `SecretsUsedInArgOrEnv` (global ARGs before the first FROM and ONBUILD
    triggers are not checked, as in BuildKit). See also DL3064.
    """

    code = "DF108"
    name = "secrets-used-in-arg-or-env"
    instructions = frozenset({"arg", "env"})
    severity = Severity.WARNING
    summary = "Sensitive data should not be passed with ARG or ENV"
    aliases = ("SecretsUsedInArgOrEnv",)

    def check(self, ctx: Context) -> Iterator[Violation]:
        escape = escape_of(ctx.dockerfile)
        for stage in ctx.dockerfile.stages:
            for instruction in stage.instructions:
                for kind, name, span, value in _names(instruction):
                    if buildkit_secret_name(name) and not holds_no_secret(kind, name, value, escape):
                        yield Violation(
                            span, f"Do not use ARG or ENV instructions for sensitive data ({kind} \"{name}\")"
                        )


#: hadolint's list of well-known secret variable names (compared upper-cased). Three entries of
#: hadolint's list are left out because they name no secret: TRAVIS_OS_NAME, TRAVIS_SUDO and
#: STRIPE_DEVICE_NAME.
_KNOWN_SENSITIVE = frozenset({
    "ACCESS_TOKEN", "APPLICATION_KEY", "APP_SECRET", "AUTH_TOKEN", "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY", "BITTREX_API_KEY", "BITTREX_API_SECRET", "CF_PASSWORD", "CF_USERNAME",
    "CIRCLE_TOKEN", "CI_DEPLOY_PASSWORD", "CI_DEPLOY_USER", "DOCKERHUB_PASSWORD", "DOCKER_EMAIL",
    "DOCKER_PASSWORD", "DOCKER_USERNAME", "FACEBOOK_ACCESS_TOKEN", "FACEBOOK_APP_ID",
    "FACEBOOK_APP_SECRET", "FIREBASE_API_TOKEN", "FIREBASE_TOKEN", "FOSSA_API_KEY",
    "GH_ENTERPRISE_TOKEN", "GH_TOKEN", "GITHUB_ENTERPRISE_TOKEN", "GITHUB_TOKEN", "HEROKU_API_KEY",
    "HEROKU_API_USER", "NPM_AUTH_TOKEN", "NPM_TOKEN", "OKTA_AUTHN_GROUPID", "OKTA_CLIENT_ORGURL",
    "OKTA_CLIENT_TOKEN", "OKTA_OAUTH2_CLIENTID", "OKTA_OAUTH2_CLIENTSECRET", "OPENAI_API_KEY",
    "OS_PASSWORD", "OS_USERNAME", "POSTGRES_PASSWORD", "SLACK_TOKEN", "STRIPE_API_KEY",
    "TRAVIS_SECURE_ENV_VARS", "VAULT_CLIENT_KEY", "VAULT_TOKEN",
})
#: hadolint's substrings, less ``username``: a login name is no secret (``ARG USERNAME=vscode``
#: in every dev-container definition); the known names above still include CF_USERNAME & co.
_SUSPICIOUS = ("api_key", "client_key", "password", "private", "secret", "token")


def hadolint_sensitive_name(name: str) -> bool:
    """hadolint's DL3064 test: a known secret name, or a suspicious substring (lower-cased)."""
    lowered = name.lower()
    return name.upper() in _KNOWN_SENSITIVE or any(s in lowered for s in _SUSPICIOUS)


class SensitiveArgOrEnv(Rule):
    """## What it does
    Reports an ARG or ENV whose name is a well-known secret variable (`GITHUB_TOKEN`,
    `AWS_SECRET_ACCESS_KEY`, `NPM_TOKEN`, ...) or contains, in any case, `api_key`,
    `client_key`, `password`, `private`, `secret`, `token` or `username`. Global ARGs and
    ONBUILD triggers are checked too.

    ## Why is this bad?
    ARG and ENV values are stored in the image (config or history) and visible to anyone
    who can pull it. Pass secrets with `RUN --mount=type=secret` instead.

    ## Example
    ```dockerfile
    FROM node:20
    ARG NPM_TOKEN
    ```

    ## Use instead
    ```dockerfile
    FROM node:20
    RUN --mount=type=secret,id=npm,target=/root/.npmrc npm ci
    ```

    ## Differences from hadolint
    hadolint reports an ENV instruction once; dflint reports each offending name at its own
    position. hadolint also matches the substring `username`; a login name is no secret
    (`ARG USERNAME=vscode` in every dev-container definition), so dflint leaves it out (the
    known names `CF_USERNAME`, `DOCKER_USERNAME`, `OS_USERNAME` stay). Declarations that show
    no secret is stored (a path, a GPG key fingerprint, a switch, an empty or placeholder ENV
    value) are not reported: the list is on DF108's page. hadolint's list also contains
    `TRAVIS_OS_NAME`, `TRAVIS_SUDO` and `STRIPE_DEVICE_NAME`, which hold no secret
    (`ENV TRAVIS_OS_NAME=linux` is harmless); dflint does not report them.

    ## References
    hadolint DL3064. See also DF108 (BuildKit's `SecretsUsedInArgOrEnv`).
    """

    code = "DL3064"
    name = "sensitive-arg-or-env"
    instructions = frozenset({"arg", "env"})
    severity = Severity.WARNING
    summary = "ARG/ENV may expose sensitive data"

    def check(self, ctx: Context) -> Iterator[Violation]:
        escape = escape_of(ctx.dockerfile)
        for instruction in ctx.dockerfile.instructions:
            target = instruction.trigger if isinstance(instruction, Onbuild) else instruction
            if target is None:
                continue
            for kind, name, span, value in _names(target):
                if hadolint_sensitive_name(name) and not holds_no_secret(kind, name, value, escape):
                    yield Violation(span, f"{kind} '{name}' may expose sensitive data in the image")
