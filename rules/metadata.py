"""LABEL rules from hadolint: key syntax and the label schema (DL3048-DL3056, DL3058).

The schema comes from the shared settings ``label-schema`` (name -> type) and
``strict-labels``; each rule receives them as typed options. Values that depend on a variable
are never validated (hadolint validates the raw text, so `LABEL version=$V` is "not semver"
there), and an empty value is only DL3051's business (hadolint also reports it as an invalid
URL, semver, ...).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import ClassVar

from dflint.finding import Severity, Violation
from dflint.lazyre import LazyPattern
from dflint.plugin import Context, Rule
from dflint.records import FACTORY, Factories, FrozenRecord
from dflint.span import Span
from dflint.tree import Dockerfile, KeyValue, Label

from ._stage_refs import lineage, output_stages
from ._words import escape_of, literal

_KEY_CHARS = LazyPattern(r"^[a-z0-9._/-]+$")
_RESERVED_PREFIXES = ("com.docker.", "io.docker.", "org.dockerproject.")


class LabelSchemaOptions(FrozenRecord):
    """The label schema (label name -> type) and whether labels outside it are errors."""

    __match_args__ = ("label_schema", "strict_labels")
    _factories: ClassVar[Factories] = {"label_schema": dict}

    label_schema: Mapping[str, str]
    strict_labels: bool

    def __init__(self, label_schema: Mapping[str, str] = FACTORY, strict_labels: bool = False) -> None:
        _set = object.__setattr__
        _set(self, "label_schema", {} if label_schema is FACTORY else label_schema)
        _set(self, "strict_labels", strict_labels)


class _LabelPair(FrozenRecord):
    __slots__ = ("instruction", "key", "pair", "value")
    __match_args__ = ("instruction", "pair", "key", "value")
    instruction: Label
    pair: KeyValue
    key: str | None  # unquoted key; None when it uses a variable
    value: str | None  # unquoted value; None when it uses a variable

    def __init__(self, instruction: Label, pair: KeyValue, key: str | None, value: str | None) -> None:
        _set = object.__setattr__
        _set(self, "instruction", instruction)
        _set(self, "pair", pair)
        _set(self, "key", key)
        _set(self, "value", value)

    @property
    def value_span(self) -> Span:
        """Where to point for a bad value: the value, or the key when the value is empty text."""
        span = self.pair.value_span
        return span if span.start != span.end else self.pair.key_span


def _label_pairs(dockerfile: Dockerfile) -> Iterator[_LabelPair]:
    """Every LABEL pair of the file in order (ONBUILD LABELs label child images, not this one)."""
    escape = escape_of(dockerfile)
    for instruction in dockerfile.instructions:
        if isinstance(instruction, Label):
            for pair in instruction.pairs:
                yield _LabelPair(instruction, pair, literal(pair.key, escape), literal(pair.value, escape))


def _schema(ctx: Context) -> Mapping[str, str]:
    return dict(getattr(ctx.options, "label_schema", None) or {})


class InvalidLabelKey(Rule):
    """## What it does
    Reports a LABEL key that breaks Docker's key conventions: it must start with a lower-case
    letter, end with a letter or digit, use only `a-z 0-9 . _ - /`, contain no `..` or `--`,
    and not use the reserved namespaces `com.docker.`, `io.docker.` or `org.dockerproject.`.

    ## Why is this bad?
    Tools that read labels (registries, scanners, `docker inspect` filters) expect reverse-DNS,
    lower-case keys; keys like `Maintainer` and `Version` are easy to misspell and collide.

    Quoted keys are judged without their quotes (`"com.example.x"=1` is fine); keys built from
    variables are not judged. Every bad key is reported (hadolint stops at one per line).

    ## Example
    ```dockerfile
    LABEL Maintainer="me@example.com"
    ```

    ## Use instead
    ```dockerfile
    LABEL org.opencontainers.image.authors="me@example.com"
    ```
    """

    code = "DL3048"
    name = "invalid-label-key"
    instructions = frozenset({"label"})
    severity = Severity.STYLE
    summary = "Invalid label key"

    def check(self, ctx: Context) -> Iterator[Violation]:
        for item in _label_pairs(ctx.dockerfile):
            if item.key is not None and not is_valid_label_key(item.key):
                yield Violation(item.pair.key_span, f"Invalid label key `{item.key}`")


def is_valid_label_key(key: str) -> bool:
    return (
        bool(key)
        and "a" <= key[0] <= "z"
        and key[-1].isascii()
        and key[-1].isalnum()
        and _KEY_CHARS.match(key) is not None
        and ".." not in key
        and "--" not in key
        and not key.startswith(_RESERVED_PREFIXES)
    )


class MissingLabel(Rule):
    """## What it does
    With a label schema, reports each schema label an image stage does not set, at the
    stage's `FROM`.

    ## Why is this bad?
    The schema is your organisation's contract (source URL, version, owner...); an image
    without one of its labels cannot be traced.

    Labels set in a stage reach the stages built `FROM` it (names compared
    case-insensitively; hadolint compares them case-sensitively and misses `AS Base` +
    `FROM base`). Stages that other stages build on or copy from are not images anyone ships
    and are not reported; the last stage always is. `ONBUILD LABEL` labels child images only.

    ## Example
    ```dockerfile
    # label-schema = { version = "semver" }
    FROM alpine:3.20
    ```

    ## Use instead
    ```dockerfile
    FROM alpine:3.20
    LABEL version="1.4.2"
    ```

    ## Options
    `label-schema` (table label -> type, shared setting): off when empty.
    """

    code = "DL3049"
    name = "missing-label"
    instructions = frozenset[str]()  # with its default options it reports nothing
    severity = Severity.INFO
    summary = "A label required by the label schema is missing"
    Options = LabelSchemaOptions

    def check(self, ctx: Context) -> Iterator[Violation]:
        schema = _schema(ctx)
        if not schema:
            return
        escape = escape_of(ctx.dockerfile)
        for info in output_stages(ctx.model):
            present: set[str] = set()
            for stage in lineage(info):
                for instruction in stage.instructions:
                    if isinstance(instruction, Label):
                        for pair in instruction.pairs:
                            key = literal(pair.key, escape)
                            if key is not None:
                                present.add(key)
            for label in schema:
                if label not in present:
                    yield Violation(info.from_.keyword_span, f"Label `{label}` is missing")


class SuperfluousLabel(Rule):
    """## What it does
    With `strict-labels`, reports LABEL keys that are not in the label schema.

    ## Why is this bad?
    A strict schema says which labels an image may carry; others are typos or leftovers. With
    an empty schema every label is reported, as in hadolint.

    ## Example
    ```dockerfile
    # label-schema = { version = "semver" }, strict-labels = true
    LABEL version="1.0.0" build-host="ci-7"
    ```

    ## Use instead
    ```dockerfile
    LABEL version="1.0.0"
    ```

    ## Options
    `strict-labels` (bool, default false) and `label-schema` (shared settings).
    """

    code = "DL3050"
    name = "superfluous-label"
    instructions = frozenset[str]()  # with its default options it reports nothing
    severity = Severity.INFO
    summary = "Superfluous label present"
    Options = LabelSchemaOptions

    def check(self, ctx: Context) -> Iterator[Violation]:
        if not getattr(ctx.options, "strict_labels", False):
            return
        schema = _schema(ctx)
        for item in _label_pairs(ctx.dockerfile):
            if item.key is not None and item.key not in schema:
                yield Violation(item.pair.key_span, f"Label `{item.key}` is not in the label schema")


class EmptyLabel(Rule):
    """## What it does
    Reports a label of the schema whose value is empty (`LABEL version=""`).

    ## Why is this bad?
    An empty value satisfies "the label is present" while carrying no information, usually
    because a build argument was not passed. Only this rule reports it; the type rules
    (DL3052-DL3058) skip empty values.

    ## Example
    ```dockerfile
    LABEL version=""
    ```

    ## Use instead
    ```dockerfile
    LABEL version="1.0.0"
    ```

    ## Options
    `label-schema` (shared setting): off when empty.
    """

    code = "DL3051"
    name = "empty-label"
    instructions = frozenset[str]()  # with its default options it reports nothing
    severity = Severity.WARNING
    summary = "Label is empty"
    Options = LabelSchemaOptions

    def check(self, ctx: Context) -> Iterator[Violation]:
        schema = _schema(ctx)
        for item in _label_pairs(ctx.dockerfile):
            if item.key in schema and item.value == "":
                yield Violation(item.value_span, f"Label `{item.key}` is empty")


class _TypedLabelRule(Rule):
    """A label of schema type ``label_type`` whose literal, non-empty value fails ``valid``."""

    label_type = ""
    what = ""
    Options = LabelSchemaOptions
    instructions = frozenset[str]()  # with its default options it reports nothing

    @staticmethod
    def valid(value: str) -> bool:  # pragma: no cover - overridden
        raise NotImplementedError

    def check(self, ctx: Context) -> Iterator[Violation]:
        schema = _schema(ctx)
        for item in _label_pairs(ctx.dockerfile):
            if item.key is None or schema.get(item.key) != self.label_type:
                continue
            if item.value and not type(self).valid(item.value):
                yield Violation(item.pair.value_span, f"Label `{item.key}` is not {self.what}")


_URI = LazyPattern(r"^[A-Za-z][A-Za-z0-9+.-]*:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*$")
_URI_AUTHORITY_SCHEMES = ("http", "https", "ftp", "ftps", "ws", "wss", "git", "ssh", "file")


def is_url(value: str) -> bool:
    """An absolute URI (RFC 3986): a scheme, then only URI characters; web schemes need `//`."""
    if _URI.match(value) is None or re.search(r"%(?![0-9A-Fa-f]{2})", value):
        return False
    scheme, _, rest = value.partition(":")
    return scheme.lower() not in _URI_AUTHORITY_SCHEMES or rest.startswith("//")


_RFC3339 = LazyPattern(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$"
)


def is_rfc3339(value: str) -> bool:
    """A full RFC 3339 date-time: date, `T`, time, and a `Z` or `±hh:mm` offset."""
    match = _RFC3339.match(value)
    if match is None:
        return False
    year, month, day, hour, minute, second = (int(g) for g in match.groups()[:6])
    try:
        datetime(year, month, day, hour, minute, min(second, 59))  # 60 = leap second
    except ValueError:
        return False
    zone = match.group(8)
    if zone not in ("Z", "z") and (int(zone[1:3]) > 23 or int(zone[4:6]) > 59):
        return False
    return second <= 60


_SEMVER = LazyPattern(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*)(?:\.(?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*))*))?"
    r"(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$"
)


def is_semver(value: str) -> bool:
    """Semantic Versioning 2.0.0 (no `v` prefix, no leading zeros in numeric parts)."""
    return _SEMVER.match(value) is not None


def is_git_hash(value: str) -> bool:
    """A short (7) or full (40) lower-case hexadecimal commit id, as hadolint requires."""
    return len(value) in (7, 40) and all(c in "0123456789abcdef" for c in value)


_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_EMAIL = LazyPattern(
    rf"^{_ATOM}(?:\.{_ATOM})*@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$"
)


def is_email(value: str) -> bool:
    """An RFC 5322 addr-spec in its dot-atom form (`local@domain`, no display name)."""
    return _EMAIL.match(value) is not None


_SPDX_TOKEN = LazyPattern(r"\s*(\(|\)|[A-Za-z0-9.+:-]+)")


def _spdx_syntax_ok(value: str) -> bool:
    """Expression grammar only (used when no SPDX license list is installed)."""
    tokens: list[str] = []
    pos = 0
    while pos < len(value):
        match = _SPDX_TOKEN.match(value, pos)
        if match is None:
            return value[pos:].strip() == ""
        tokens.append(match.group(1))
        pos = match.end()
    expect_operand, depth = True, 0
    for token in tokens:
        upper = token.upper()
        if token == "(":
            if not expect_operand:
                return False
            depth += 1
        elif token == ")":
            if expect_operand or depth == 0:
                return False
            depth -= 1
        elif upper in ("AND", "OR", "WITH"):
            if expect_operand:
                return False
            expect_operand = True
        else:
            if not expect_operand:
                return False
            expect_operand = False
    return bool(tokens) and not expect_operand and depth == 0


def is_spdx(value: str) -> bool:
    """An SPDX license expression: known ids (any case), `LicenseRef-`, `AND`/`OR`/`WITH`, `()`."""
    try:
        from packaging.licenses import InvalidLicenseExpression, canonicalize_license_expression
    except ImportError:  # packaging < 24.2: grammar only, ids unchecked
        return _spdx_syntax_ok(value)
    try:
        canonicalize_license_expression(value)
    except InvalidLicenseExpression:
        return False
    return True


class InvalidUrlLabel(_TypedLabelRule):
    """## What it does
    Reports a label of schema type `url` whose value is not an absolute URI.

    ## Why is this bad?
    Tools follow `org.opencontainers.image.source` and similar labels; `example.com/repo`
    or an scp-like git address is not a link. `mailto:` and `urn:` URIs are fine.

    ## Example
    ```dockerfile
    LABEL org.opencontainers.image.source=github.com/org/app
    ```

    ## Use instead
    ```dockerfile
    LABEL org.opencontainers.image.source=https://github.com/org/app
    ```

    ## Options
    `label-schema` (shared setting): only labels of type `url` are checked.
    """

    code = "DL3052"
    name = "invalid-url-label"
    severity = Severity.WARNING
    summary = "Label is not a valid URL"
    label_type = "url"
    what = "a valid URL"
    valid = staticmethod(is_url)


class InvalidTimeLabel(_TypedLabelRule):
    """## What it does
    Reports a label of schema type `rfc3339` whose value is not an RFC 3339 date-time.

    ## Why is this bad?
    `org.opencontainers.image.created` must be machine-readable: a full date, a time and a
    zone (`2024-05-01T12:00:00Z`); a bare date or a local time is ambiguous.

    ## Example
    ```dockerfile
    LABEL org.opencontainers.image.created=2024-05-01
    ```

    ## Use instead
    ```dockerfile
    LABEL org.opencontainers.image.created=2024-05-01T12:00:00Z
    ```

    ## Options
    `label-schema` (shared setting): only labels of type `rfc3339` are checked.
    """

    code = "DL3053"
    name = "invalid-time-label"
    severity = Severity.WARNING
    summary = "Label is not an RFC 3339 date-time"
    label_type = "rfc3339"
    what = "an RFC 3339 date-time"
    valid = staticmethod(is_rfc3339)


class InvalidSpdxLabel(_TypedLabelRule):
    """## What it does
    Reports a label of schema type `spdx` whose value is not an SPDX license expression.

    ## Why is this bad?
    License scanners read `org.opencontainers.image.licenses`, which the OCI spec defines as
    an SPDX *expression*. hadolint accepts only a single, exactly-cased, non-deprecated id, so
    it rejects valid values such as `MIT OR Apache-2.0`,
    `GPL-2.0-only WITH Classpath-exception-2.0` or `LicenseRef-internal`; dflint accepts
    them (ids matched case-insensitively, as the SPDX spec says).

    ## Example
    ```dockerfile
    LABEL org.opencontainers.image.licenses="Apache 2"
    ```

    ## Use instead
    ```dockerfile
    LABEL org.opencontainers.image.licenses="Apache-2.0"
    ```

    ## Options
    `label-schema` (shared setting): only labels of type `spdx` are checked.
    """

    code = "DL3054"
    name = "invalid-spdx-label"
    severity = Severity.WARNING
    summary = "Label is not a valid SPDX license expression"
    label_type = "spdx"
    what = "a valid SPDX license expression"
    valid = staticmethod(is_spdx)


class InvalidHashLabel(_TypedLabelRule):
    """## What it does
    Reports a label of schema type `hash` whose value is not a 7- or 40-character lower-case
    hexadecimal git commit id.

    ## Why is this bad?
    `org.opencontainers.image.revision` must identify the commit the image was built from.

    ## Example
    ```dockerfile
    LABEL org.opencontainers.image.revision=main
    ```

    ## Use instead
    ```dockerfile
    LABEL org.opencontainers.image.revision=0123456789abcdef0123456789abcdef01234567
    ```

    ## Options
    `label-schema` (shared setting): only labels of type `hash` are checked.
    """

    code = "DL3055"
    name = "invalid-hash-label"
    severity = Severity.WARNING
    summary = "Label is not a git commit hash"
    label_type = "hash"
    what = "a git commit hash"
    valid = staticmethod(is_git_hash)


class InvalidSemverLabel(_TypedLabelRule):
    """## What it does
    Reports a label of schema type `semver` whose value is not Semantic Versioning 2.0.0.

    ## Why is this bad?
    Tools compare `org.opencontainers.image.version` values; `v1.2`, `1.2` or `01.2.0` do not
    sort. hadolint's parser accepts leading zeros (`01.0.0`, `1.0.0-01`) that SemVer forbids;
    dflint reports them.

    ## Example
    ```dockerfile
    LABEL org.opencontainers.image.version=v1.2
    ```

    ## Use instead
    ```dockerfile
    LABEL org.opencontainers.image.version=1.2.0
    ```

    ## Options
    `label-schema` (shared setting): only labels of type `semver` are checked.
    """

    code = "DL3056"
    name = "invalid-semver-label"
    severity = Severity.WARNING
    summary = "Label is not a semantic version"
    label_type = "semver"
    what = "a semantic version"
    valid = staticmethod(is_semver)


class InvalidEmailLabel(_TypedLabelRule):
    """## What it does
    Reports a label of schema type `email` whose value is not a plain email address
    (`local@domain`).

    ## Why is this bad?
    Contact labels are read by tools; a display name (`Team <team@example.com>`) or a
    missing `@` is not an address they can use.

    ## Example
    ```dockerfile
    LABEL maintainer="Team A <team@example.com>"
    ```

    ## Use instead
    ```dockerfile
    LABEL maintainer=team@example.com
    ```

    ## Options
    `label-schema` (shared setting): only labels of type `email` are checked.
    """

    code = "DL3058"
    name = "invalid-email-label"
    severity = Severity.WARNING
    summary = "Label is not an RFC 5322 email address"
    label_type = "email"
    what = "an RFC 5322 email address"
    valid = staticmethod(is_email)
