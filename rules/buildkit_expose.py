"""BuildKit's EXPOSE checks: protocol casing (DF113) and host mappings (DF114).

EXPOSE only documents container ports in the image config. BuildKit expands each word (with
word splitting), lower-cases nothing and drops any ``ip:hostport:`` part; the rules below say
so where the text suggests otherwise. Ports written literally get exact spans and fixes;
ports built from variables are judged on their expanded value and reported at the word.
"""

from __future__ import annotations

from collections.abc import Iterator

from dflint.expand import expand_words, variables_in
from dflint.finding import Fix, FixSafety, Severity, TextEdit, Violation
from dflint.plugin import Context, Rule
from dflint.records import FrozenRecord
from dflint.span import Span
from dflint.tree import Expose, Word

from ._bk_spans import source_text, sub_span
from ._words import escape_of


class _Port(FrozenRecord):
    """One expanded port spec and, when it is the literal word, where it is."""

    __slots__ = ("literal", "text", "word")
    __match_args__ = ("text", "word", "literal")

    text: str
    word: Word
    literal: bool

    def __init__(self, text: str, word: Word, literal: bool) -> None:
        _set = object.__setattr__
        _set(self, "text", text)
        _set(self, "word", word)
        _set(self, "literal", literal)


def _ports(ctx: Context) -> Iterator[tuple[Expose, _Port]]:
    escape = escape_of(ctx.dockerfile)
    model = ctx.model
    for stage in ctx.dockerfile.stages:
        for instruction in stage.instructions:
            if not isinstance(instruction, Expose):
                continue
            env = model.scope_at(instruction).env()
            for word in instruction.ports:
                literal = (
                    not variables_in(word.text, escape)
                    and source_text(ctx.dockerfile, word.span) == word.text
                    and not any(c in word.text for c in "\"'" + escape)
                )
                result = expand_words(word.text, env, escape=escape)
                if result.error is not None:
                    continue
                for text in result.words:
                    yield instruction, _Port(text, word, literal)


def split_port(spec: str) -> tuple[str, str, str, str]:
    """``[ip:][hostport:]port[/proto]`` → (ip, host port, container port, protocol) like Docker's nat."""
    body, _, proto = spec.partition("/")
    parts = body.split(":")
    if len(parts) == 1:
        return "", "", parts[0], proto
    if len(parts) == 2:
        return "", parts[0], parts[1], proto
    return ":".join(parts[:-2]), parts[-2], parts[-1], proto


class ExposeProtoCasing(Rule):
    """## What it does
    Reports an EXPOSE protocol that is not lower-case: `EXPOSE 80/TCP`.

    ## Why is this bad?
    Protocols are `tcp`, `udp` and `sctp`; the upper-case spelling is accepted but is not
    how the image config, `docker inspect` or compose files write them, so comparisons and
    searches miss it.

    ## Example
    ```dockerfile
    EXPOSE 53/UDP
    ```

    ## Use instead
    ```dockerfile
    EXPOSE 53/udp
    ```

    ## Fix safety
    Safe for a literal port: BuildKit accepts the protocol in any case and stores it
    lower-case. Ports built from variables are reported without a fix.

    ## References
    BuildKit check `ExposeProtoCasing`.
    """

    code = "DF113"
    name = "expose-proto-casing"
    instructions = frozenset({"expose"})
    severity = Severity.WARNING
    summary = "EXPOSE protocol should be lower-case"
    aliases = ("ExposeProtoCasing",)
    fix_safety = FixSafety.SAFE

    def check(self, ctx: Context) -> Iterator[Violation]:
        for instruction, port in _ports(ctx):
            _, _, _, proto = split_port(port.text)
            if not proto or proto == proto.lower():
                continue
            message = f"Protocol '{proto}' in EXPOSE should be lower-case"
            if not port.literal:
                yield Violation(port.word.span, message)
                continue
            start = port.text.index("/") + 1
            span = sub_span(instruction, port.word, start, start + len(proto))
            fix = Fix((TextEdit(span, proto.lower()),), FixSafety.SAFE, f"Write '{proto.lower()}'")
            yield Violation(span, message, fix)


class ExposeInvalidFormat(Rule):
    """## What it does
    Reports an EXPOSE port with an IP address or a host port: `EXPOSE 8080:80`,
    `EXPOSE 127.0.0.1:80:80`.

    ## Why is this bad?
    EXPOSE cannot publish anything: publishing is decided by `docker run -p` or compose.
    BuildKit silently drops the IP and host-port parts and exposes only the container port,
    so the line promises a mapping that never happens.

    ## Example
    ```dockerfile
    EXPOSE 8080:80/tcp
    ```

    ## Use instead
    ```dockerfile
    EXPOSE 80/tcp
    ```

    ## Fix safety
    Safe for a literal port: the fix keeps only the container port and protocol, which is
    exactly what BuildKit stores. Ports built from variables are reported without a fix.

    ## References
    BuildKit check `ExposeInvalidFormat`.
    """

    code = "DF114"
    name = "expose-invalid-format"
    instructions = frozenset({"expose"})
    severity = Severity.WARNING
    summary = "EXPOSE should not define an IP address or host port"
    aliases = ("ExposeInvalidFormat",)
    fix_safety = FixSafety.SAFE

    def check(self, ctx: Context) -> Iterator[Violation]:
        for _instruction, port in _ports(ctx):
            ip, host, container, proto = split_port(port.text)
            if not ip and not host:
                continue
            what = "IP address and host port" if ip else "host port"
            message = f"EXPOSE '{port.text}' defines a {what}; only the container port is exposed"
            span: Span = port.word.span
            if not port.literal or not container:
                yield Violation(span, message)
                continue
            replacement = container + (f"/{proto}" if proto else "")
            fix = Fix((TextEdit(span, replacement),), FixSafety.SAFE, f"Write '{replacement}'")
            yield Violation(span, message, fix)
