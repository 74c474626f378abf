"""DF208: base images whose release has reached its end of life.

The dates live in ``dflint/data/eol.json`` (endoflife.date data, with its source and the day it
was retrieved), not in code, so refreshing them is a data change. "Today" is an option so that
results are reproducible: fixtures and CI pin it; by default it is the date of the run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from dflint.data import load_json
from dflint.finding import Severity, Violation
from dflint.lazyre import LazyPattern
from dflint.plugin import Context, Rule
from dflint.records import FrozenRecord
from dflint.span import Span
from dflint.tree import From

_REGISTRY_PREFIXES = ("docker.io/library/", "index.docker.io/library/", "registry-1.docker.io/library/",
                      "docker.io/", "index.docker.io/", "library/")
_VERSION = LazyPattern(r"^(\d+(?:\.\d+)*)")
_ALPINE_SUFFIX = LazyPattern(r"^alpine(\d+\.\d+)$")
#: Products recognised in a tag suffix of any image (`openjdk:11-jre-buster`, `x:1-alpine3.12`).
_OS_PRODUCTS = ("debian", "ubuntu", "alpine")


class EolHit(FrozenRecord):
    """One product release found in an image reference, with its end-of-life date."""

    __slots__ = ("cycle", "eol", "product", "source", "title")
    __match_args__ = ("product", "title", "cycle", "eol", "source")

    product: str
    title: str
    cycle: str
    eol: dt.date
    source: str

    def __init__(self, product: str, title: str, cycle: str, eol: dt.date, source: str) -> None:
        _set = object.__setattr__
        _set(self, "product", product)
        _set(self, "title", title)
        _set(self, "cycle", cycle)
        _set(self, "eol", eol)
        _set(self, "source", source)


def eol_table() -> dict[str, Any]:
    table: dict[str, Any] = load_json("eol.json")
    return table


def _products() -> dict[str, Any]:
    products: dict[str, Any] = eol_table()["products"]
    return products


def short_repository(repository: str) -> str:
    """``docker.io/library/python`` → ``python`` (official images only keep their bare name)."""
    name = repository.lower()
    for prefix in _REGISTRY_PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


def _cycle_from_version(version: str, cycles: dict[str, str]) -> str | None:
    """The longest leading part of ``3.8.12`` that names a cycle (``3.8``), else None."""
    parts = version.split(".")
    for n in range(min(len(parts), 2), 0, -1):
        candidate = ".".join(parts[:n])
        if candidate in cycles:
            return candidate
    return None


def _hit(product: str, cycle: str) -> EolHit | None:
    data = _products().get(product)
    if data is None or cycle not in data["cycles"]:
        return None
    return EolHit(product, data["title"], cycle, dt.date.fromisoformat(data["cycles"][cycle]), data["source"])


def _primary(product: str, tag: str) -> EolHit | None:
    data = _products()[product]
    cycles: dict[str, str] = data["cycles"]
    codenames: dict[str, str] = data.get("codenames", {})
    match = _VERSION.match(tag)
    if match is not None:
        cycle = _cycle_from_version(match.group(1), cycles)
        return _hit(product, cycle) if cycle else None
    for part in tag.lower().split("-"):
        if part in codenames:
            return _hit(product, codenames[part])
    return None


def _os_in_suffix(parts: list[str], skip: str | None) -> Iterator[EolHit]:
    products = _products()
    for part in parts:
        alpine = _ALPINE_SUFFIX.match(part)
        if alpine is not None and skip != "alpine":
            hit = _hit("alpine", alpine.group(1))
            if hit is not None:
                yield hit
            continue
        for product in _OS_PRODUCTS:
            if product == skip:
                continue
            codenames: dict[str, str] = products[product].get("codenames", {})
            if part in codenames:
                hit = _hit(product, codenames[part])
                if hit is not None:
                    yield hit


def releases_in(repository: str, tag: str) -> list[EolHit]:
    """Every known release an image reference names: the image's own product (``python:3.8``)
    and the OS of its variant (``-buster``, ``-alpine3.12``, ``-focal``)."""
    name = short_repository(repository)
    primary = next((p for p, d in _products().items() if name in d["images"]), None)
    hits: list[EolHit] = []
    if primary is not None:
        hit = _primary(primary, tag)
        if hit is not None:
            hits.append(hit)
    parts = tag.lower().split("-")
    hits.extend(_os_in_suffix(parts[1:], primary))
    return hits


def _today(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and value.strip():
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    return dt.date.today()


def _tag_span(from_: From, tag: str) -> Span | None:
    """The tag inside the FROM image word, when it is written literally on one line."""
    word = from_.image
    if word is None:
        return None
    text, span = word.text, word.span
    if "$" in text or span.start_line != span.end_line:
        return span
    slash = text.rfind("/")
    at = text.find("@")
    colon = text.find(":", slash + 1, at if at >= 0 else len(text))
    if colon < 0 or text[colon + 1: colon + 1 + len(tag)] != tag:
        return span
    start = span.start_col + colon + 1
    return Span(span.start_line, start, span.end_line, start + len(tag))


class EndOfLifeBaseImage(Rule):
    """## What it does
    Reports a `FROM` image whose release has reached its end of life: the language runtime
    (`python:3.8`, `node:16-alpine`, `golang:1.19`, `ruby`, `php`, `postgres`) or the OS release
    (`ubuntu:18.04`, `ubuntu:bionic`, `debian:buster`, `alpine:3.17`), including the OS of an
    image variant: `python:3.8.12-slim-buster` is Python 3.8 *and* Debian 10, and
    `node:20-alpine3.17` is Alpine 3.17.

    ## Why is this bad?
    After its end of life a release gets no more security fixes: every new vulnerability in
    it stays open in your image, and rebuilding does not help.

    The dates come from endoflife.date and ship with dflint in `dflint/data/eol.json`
    (with their source and retrieval date). Debian counts until the end of Debian LTS, Ubuntu
    until the end of standard support. Releases the table does not list, tags that name no
    release (`python:3`, `node:lts`) and images held in a variable with no default are not
    reported. A variable with a default (`FROM python:${PY}` after `ARG PY=3.8`) is judged by
    its default.

    ## Example
    ```dockerfile
    FROM python:3.8-slim-buster
    ```

    ## Use instead
    ```dockerfile
    FROM python:3.13-slim-bookworm
    ```

    ## Options
    - `today` (default: the date of the run, `datetime.date.today()`): the day to judge
      against, as `YYYY-MM-DD`. Pin it to make results reproducible.
    - `days-ahead` (default 0): also report releases whose end of life is at most this many
      days after `today`.

    ## References
    - https://endoflife.date
    """

    code = "DF208"
    name = "end-of-life-base-image"
    instructions = frozenset({"from"})
    severity = Severity.WARNING
    summary = "The base image's release has reached its end of life"

    class Options(FrozenRecord):
        __match_args__ = ("today", "days_ahead")
        today: str | dt.date | None
        days_ahead: int

        def __init__(self, today: str | dt.date | None = None, days_ahead: int = 0) -> None:
            _set = object.__setattr__
            _set(self, "today", today)
            _set(self, "days_ahead", days_ahead)

    def check(self, ctx: Context) -> Iterator[Violation]:
        today = _today(getattr(ctx.options, "today", None))
        horizon = today + dt.timedelta(days=int(getattr(ctx.options, "days_ahead", 0) or 0))
        for stage in ctx.model.stages:
            base = stage.base
            if not base.is_external or base.repository is None or not base.tag:
                continue
            for hit in releases_in(base.repository, base.tag):
                if hit.eol > horizon:
                    continue
                span = _tag_span(stage.from_, base.tag) or stage.from_.keyword_span
                verb = "reached" if hit.eol <= today else "reaches"
                expanded = f" (`{base.text}` after expansion)" if "$" in base.raw else ""
                yield Violation(
                    span,
                    f"{hit.title} {hit.cycle}{expanded} {verb} its end of life on "
                    f"{hit.eol.isoformat()} (source: {hit.source}): move to a supported release",
                )
