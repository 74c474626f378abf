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

_SECRET_TOKENS = (
    "apikey", "auth", "credential", "credentials", "key", "password", "pword", "passwd", "secret", "token",
)
_ALLOW_TOKENS = ("public", "file", "version")
_SECRET = LazyPattern(r"(?:_|^)(?:" + "|".join(_SECRET_TOKENS) + r")(?:_|$)", re.IGNORECASE)
_ALLOW = LazyPattern(r"(?:_|^)(?:" + "|".join(_ALLOW_TOKENS) + r")(?:_|$)", re.IGNORECASE)


def buildkit_secret_name(name: str) -> bool:
    """BuildKit's test: a secret token as a whole ``_``-delimited part, and no allow token."""
    return _SECRET.search(name) is not None and _ALLOW.search(name) is None


def _names(instruction: Instruction) -> Iterator[tuple[str, str, Span]]:
    """(instruction name, variable name, span of the name) for each ARG/ENV variable."""
    if isinstance(instruction, Arg):
        for decl in instruction.declarations:
            yield "ARG", decl.name, decl.name_span
    elif isinstance(instruction, Env):
        for pair in instruction.pairs:
            yield "ENV", pair.key, pair.key_span


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
        for stage in ctx.dockerfile.stages:
            for instruction in stage.instructions:
                for kind, name, span in _names(instruction):
                    if buildkit_secret_name(name):
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
_SUSPICIOUS = ("api_key", "client_key", "password", "private", "secret", "token", "username")


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
    position. hadolint's list also contains `TRAVIS_OS_NAME`, `TRAVIS_SUDO` and
    `STRIPE_DEVICE_NAME`, which hold no secret (`ENV TRAVIS_OS_NAME=linux` is harmless);
    dflint does not report them.

    ## References
    hadolint DL3064. See also DF108 (BuildKit's `SecretsUsedInArgOrEnv`).
    """

    code = "DL3064"
    name = "sensitive-arg-or-env"
    instructions = frozenset({"arg", "env"})
    severity = Severity.WARNING
    summary = "ARG/ENV may expose sensitive data"

    def check(self, ctx: Context) -> Iterator[Violation]:
        for instruction in ctx.dockerfile.instructions:
            target = instruction.trigger if isinstance(instruction, Onbuild) else instruction
            if target is None:
                continue
            for kind, name, span in _names(target):
                if hadolint_sensitive_name(name):
                    yield Violation(span, f"{kind} '{name}' may expose sensitive data in the image")
