"""The semantic model (spec §9.2/§9.3, §10 UndefinedArgInFrom / InvalidDefaultArgInFrom) on real snippets."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest

from dflint.parser import parse_text
from dflint.semantic import (
    DEFAULT_SHELL,
    SemanticModel,
    StageInfo,
    is_valid_reference,
    use_span,
)
from dflint.span import Span
from dflint.tree import Copy, Dockerfile, Env, From, Instruction, Run


def parse(text: str) -> Dockerfile:
    return parse_text(textwrap.dedent(text).lstrip("\n"), "Dockerfile")


def model_of(text: str, **kwargs: object) -> tuple[Dockerfile, SemanticModel]:
    df = parse(text)
    return df, SemanticModel.build(df, **kwargs)  # type: ignore[arg-type]


def at_line(df: Dockerfile, line: int) -> Instruction:
    ins = df.instruction_at(line)
    assert ins is not None, f"no instruction on line {line}"
    return ins


def values(model: SemanticModel, ins: Instruction, kinds: tuple[str, ...] = ("arg", "env", "global")) -> dict[
    str, str | None
]:
    return {v.name: v.value for v in model.scope_at(ins) if v.kind in kinds}


def names(stages: list[StageInfo]) -> list[int]:
    return [s.index for s in stages]


# -- FROM and global ARGs ----------------------------------------------------------------------
def test_global_arg_in_from() -> None:
    df, model = model_of(
        """
        ARG BASE=python:3.12
        FROM ${BASE}
        RUN echo $BASE
        """
    )
    stage = model.stages[0]
    assert stage.base_text == "${BASE}"
    assert stage.base.text == "python:3.12"
    assert (stage.base.repository, stage.base.tag, stage.base.digest) == ("python", "3.12", None)
    assert stage.base.undefined == []
    assert stage.base.is_valid and stage.base.is_external
    # a global ARG is not visible inside the stage without re-declaration
    assert "BASE" not in model.scope_at(at_line(df, 3))
    assert model.expand_in_scope("x$BASE", at_line(df, 3)).value == "x"
    # FROM itself sees the global scope
    assert model.scope_at(stage.from_).get("BASE") is not None


def test_global_defaults_expand_against_earlier_globals_and_builtins() -> None:
    _, model = model_of(
        """
        ARG REG=docker.io
        ARG IMG=${REG}/library/alpine:${TAG:-3.20}
        FROM $IMG-$TARGETARCH
        """
    )
    assert model.stages[0].base.text == "docker.io/library/alpine:3.20-amd64"
    assert model.global_scope.get("IMG") is not None
    assert model.global_scope.variables["IMG"].raw == "${REG}/library/alpine:${TAG:-3.20}"


def test_arg_tag_redeclared_in_stage_inherits_global_value() -> None:
    df, model = model_of(
        """
        ARG TAG=1.2
        FROM alpine:$TAG
        ARG TAG
        RUN echo $TAG
        ARG TARGETARCH
        RUN echo $TARGETARCH
        """
    )
    assert model.stages[0].base.text == "alpine:1.2"
    tag = model.scope_at(at_line(df, 4)).get("TAG")
    assert tag is not None
    assert (tag.value, tag.kind, tag.stage_index) == ("1.2", "arg", 0)
    assert tag.inherits is not None and tag.inherits.kind == "global"
    assert tag.instruction is at_line(df, 3)
    assert model.expand_in_scope("v$TAG", at_line(df, 4)).value == "v1.2"
    # built-ins: not before the ARG, inherited after it
    assert "TARGETARCH" not in model.scope_at(at_line(df, 4))
    arch = model.scope_at(at_line(df, 6)).get("TARGETARCH")
    assert arch is not None and arch.value == "amd64"
    assert arch.inherits is not None and arch.inherits.kind == "builtin"


def test_build_args_override_defaults_of_declared_args_only() -> None:
    df, model = model_of(
        """
        ARG TAG=1
        FROM alpine:$TAG
        ARG V=x
        ARG TAG
        RUN true
        """,
        build_args={"TAG": "2", "V": "y", "OTHER": "z"},
    )
    assert model.stages[0].base.text == "alpine:2"
    assert values(model, at_line(df, 5)) == {"V": "y", "TAG": "2"}
    assert model.resolve_from(model.stages[0].from_, {"TAG": "3"}).text == "alpine:3"


def test_undefined_arg_in_from_and_invalid_default() -> None:
    df, model = model_of(
        """
        ARG TAG
        ARG VERSION=latest
        FROM busybox:${TAG}
        FROM alpine:${VERSON} AS second
        FROM --platform=$BUILDPLATFORM golang:${VERSION} AS third
        FROM --platform=${PLATFROM} golang
        """
    )
    first, second, third, fourth = model.stages
    # TAG is declared (no default): not undefined, but the default expansion is invalid
    assert first.base.undefined == []
    assert first.base.text == "busybox:"
    assert not first.base.is_valid
    assert [u.name for u in second.base.undefined] == ["VERSON"]
    assert second.base.text == "alpine:"
    assert third.base.undefined == [] and third.base.platform == "linux/amd64"
    assert third.base.text == "golang:latest" and third.base.is_valid
    assert [u.name for u in fourth.base.undefined] == ["PLATFROM"]
    # column of the reference, for the diagnostic
    image = second.from_.image
    assert image is not None
    use = second.base.undefined[0]
    assert use_span(image.span, use) == Span(4, 13, 4, 22)
    assert df.stages[1].from_.image is image


def test_scratch_and_digest() -> None:
    _, model = model_of(
        """
        FROM scratch
        FROM alpine@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
        FROM registry.example.com:5000/team/app:1.0
        """
    )
    scratch, digest, registry = model.stages
    assert scratch.base.is_scratch and not scratch.base.is_external
    assert digest.base.repository == "alpine"
    assert digest.base.tag is None
    assert digest.base.digest is not None and digest.base.digest.startswith("sha256:0123")
    assert (registry.base.repository, registry.base.tag) == ("registry.example.com:5000/team/app", "1.0")


# -- stages and references ---------------------------------------------------------------------
MULTI = """
    FROM golang:1.22 AS Builder
    RUN go build -o /app .
    FROM builder AS test
    RUN go test ./...
    FROM alpine:3.20 AS assets
    RUN echo hi > /x
    FROM debian AS unused
    RUN true
    FROM alpine:3.20
    COPY --from=0 /app /app
    COPY --from=Assets /x /x
    RUN --mount=type=bind,from=test,target=/t true
    COPY --from=nginx:latest /etc/nginx /etc/nginx
    """


def test_multi_stage_parents_names_and_refs() -> None:
    df, model = model_of(MULTI)
    builder, test, assets, _unused, final = model.stages
    assert builder.name == "builder"
    assert test.parent is builder and test.base.is_stage_ref and test.base.stage is builder
    assert builder.parent is None and final.parent is None
    assert test.ancestors() == [builder]
    assert model.stage_named("BUILDER") is builder
    assert model.resolve_stage_ref("0") is builder
    assert model.resolve_stage_ref("assets") is assets
    assert model.resolve_stage_ref("ASSETS") is assets
    assert model.resolve_stage_ref("9") is None
    assert model.resolve_stage_ref("nginx:latest") is None
    assert model.is_external_image("nginx:latest")
    assert not model.is_external_image("assets")
    assert not model.is_external_image("scratch")
    assert model.stage_of(at_line(df, 10)) is final
    assert model.stage_of(final.from_) is final
    assert names(model.reachable_stages()) == [0, 1, 2, 4]
    assert names(model.reachable_stages("test")) == [0, 1]
    assert names(model.reachable_stages(3)) == [3]
    assert names(model.reachable_stages("nope")) == []
    assert names(model.stage_dependencies(final)) == [0, 2, 1]


def test_from_by_index_is_an_image_not_a_stage() -> None:
    _, model = model_of(
        """
        FROM alpine AS a
        FROM 0
        """
    )
    assert model.stages[1].parent is None
    assert model.stages[1].base.is_external


def test_from_a_later_stage_is_an_image() -> None:
    _, model = model_of(
        """
        FROM later
        FROM alpine AS later
        """
    )
    assert model.stages[0].parent is None
    assert model.stages[0].base.is_external


def test_from_stage_name_through_global_arg() -> None:
    _, model = model_of(
        """
        ARG VARIANT=dev
        FROM alpine AS dev
        FROM alpine AS prod
        FROM ${VARIANT}
        """
    )
    assert model.stages[2].parent is model.stages[0]


# -- ARG/ENV scoping ---------------------------------------------------------------------------
def test_env_sees_environment_before_the_instruction() -> None:
    df, model = model_of(
        """
        FROM alpine
        ENV a=1
        ENV a=2 b=$a
        RUN echo
        """
    )
    assert values(model, at_line(df, 3)) == {"a": "1"}
    assert values(model, at_line(df, 4)) == {"a": "2", "b": "1"}
    b = model.scope_at(at_line(df, 4)).get("b")
    assert b is not None and b.kind == "env" and b.raw == "$a"
    assert isinstance(b.instruction, Env) and b.span == b.instruction.pairs[1].span


def test_env_overrides_arg_and_legacy_env() -> None:
    df, model = model_of(
        """
        FROM alpine
        ARG VERSION=1
        ENV VERSION=2
        ENV PATH_EXTRA /opt/$VERSION/bin
        WORKDIR /src/$VERSION
        """
    )
    scope = model.scope_at(at_line(df, 5))
    version = scope.get("VERSION")
    assert version is not None and (version.kind, version.value) == ("env", "2")
    assert scope.env()["PATH_EXTRA"] == "/opt/2/bin"
    assert model.expand_in_scope("/src/$VERSION", at_line(df, 5)).value == "/src/2"


def test_arg_defaults_expand_and_quotes_are_removed() -> None:
    df, model = model_of(
        """
        FROM alpine
        ARG A="hello world" B=${A:-x}
        ARG C=$A-'$A'
        RUN true
        """
    )
    assert values(model, at_line(df, 4)) == {"A": "hello world", "B": "x", "C": "hello world-$A"}


def test_stage_inherits_parent_args_env_not_unrelated_stages() -> None:
    df, model = model_of(
        """
        FROM alpine AS base
        ARG V=1
        ENV E=2
        FROM base AS child
        RUN echo
        FROM alpine AS other
        RUN echo
        """
    )
    assert values(model, at_line(df, 5)) == {"V": "1", "E": "2"}
    assert values(model, at_line(df, 7)) == {}


def test_undeclared_arg_is_declared_but_has_no_value() -> None:
    df, model = model_of(
        """
        FROM alpine
        ARG NOVAL
        RUN echo
        """
    )
    scope = model.scope_at(at_line(df, 3))
    assert scope.is_declared("NOVAL")
    assert "NOVAL" not in scope.env()
    assert model.expand_in_scope("${NOVAL:-d}", at_line(df, 3)).value == "d"
    exp = model.expand_in_scope("$NOVAL $MISSING", at_line(df, 3))
    assert [(u.name, u.is_set) for u in exp.used] == [("NOVAL", False), ("MISSING", False)]
    assert [u.name for u in exp.used if not scope.is_declared(u.name)] == ["MISSING"]


def test_proxy_args_are_predefined() -> None:
    df, model = model_of(
        """
        FROM alpine
        RUN echo
        """
    )
    scope = model.scope_at(at_line(df, 2))
    for name in ("HTTP_PROXY", "https_proxy", "NO_PROXY", "all_proxy"):
        var = scope.get(name)
        assert var is not None and var.kind == "proxy" and var.value is None


def test_escape_directive_is_used_for_expansion() -> None:
    df, model = model_of(
        """
        # escape=`
        FROM mcr.microsoft.com/windows/servercore:ltsc2022
        ENV A=1
        WORKDIR C:\\dir\\`$A\\$A
        """
    )
    assert model.escape == "`"
    assert model.expand_in_scope("C:\\dir\\`$A\\$A", at_line(df, 4)).value == "C:\\dir\\$A\\1"


# -- SHELL ---------------------------------------------------------------------------------------
def test_shell_default_and_powershell() -> None:
    df, model = model_of(
        """
        FROM alpine AS base
        RUN echo a
        SHELL ["pwsh", "-Command"]
        RUN Write-Host b
        FROM base
        RUN Write-Host c
        FROM alpine
        SHELL ["/bin/bash", "-o", "pipefail", "-c"]
        RUN echo d
        """
    )
    assert model.shell_at(at_line(df, 2)) == DEFAULT_SHELL
    assert model.is_posix_shell(at_line(df, 2))
    assert model.shell_instruction_at(at_line(df, 2)) is None
    assert model.shell_at(at_line(df, 4)) == ("pwsh", "-Command")
    assert not model.is_posix_shell(at_line(df, 4))
    assert not model.is_posix_shell(at_line(df, 6))  # inherited from the parent stage
    assert model.shell_instruction_at(at_line(df, 6)) is at_line(df, 3)
    assert model.shell_at(at_line(df, 9)) == ("/bin/bash", "-o", "pipefail", "-c")
    assert model.is_posix_shell(at_line(df, 9))


@pytest.mark.parametrize(
    ("shell", "posix"),
    [
        ('["powershell", "-Command"]', False),
        ('["C:\\\\Windows\\\\System32\\\\WindowsPowerShell\\\\v1.0\\\\powershell.exe", "-c"]', False),
        ('["cmd", "/S", "/C"]', False),
        ('["cmd.exe", "/c"]', False),
        ('["/usr/bin/pwsh", "-c"]', False),
        ('["/bin/ash", "-eo", "pipefail", "-c"]', True),
    ],
)
def test_is_posix_shell(shell: str, posix: bool) -> None:
    df, model = model_of(f"FROM alpine\nSHELL {shell}\nRUN x\n")
    assert model.is_posix_shell(at_line(df, 3)) is posix


def test_windows_base_image_defaults_to_cmd() -> None:
    df, model = model_of(
        """
        FROM mcr.microsoft.com/windows/nanoserver:ltsc2022
        RUN dir
        """
    )
    assert not model.is_posix_shell(at_line(df, 2))


# -- robustness ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "",
        "ARG A\n",
        "FROM\n",
        "FROM ${\n",
        "FROM alpine\nENV A=${\nRUN x\n",
        "FROM alpine\nSHELL pwsh\nRUN x\n",
        "FROM alpine AS a\nFROM a AS a\nCOPY --from=a / /\n",
        "FROM alpine\nONBUILD COPY --from=x . .\n",
        "RUN x\nFROM alpine\n",
    ],
)
def test_never_fails(text: str) -> None:
    df, model = model_of(text)
    for ins in df.instructions:
        model.scope_at(ins)
        model.shell_at(ins)
        model.expand_in_scope("$A ${B:-c}", ins)
        if isinstance(ins, From):
            model.resolve_from(ins)
    model.reachable_stages()


def test_instructions_map_to_their_types() -> None:
    df, _ = model_of(MULTI)
    assert isinstance(at_line(df, 10), Copy)
    assert isinstance(at_line(df, 12), Run)


@pytest.mark.parametrize(
    ("ref", "valid"),
    [
        ("alpine", True),
        ("alpine:3.20", True),
        ("library/alpine:latest", True),
        ("localhost:5000/a/b:c", True),
        ("busybox:", False),
        ("", False),
        ("Alpine", False),
        ("alpine:a b", False),
        ("-alpine", False),
        ("alpine@sha256:abc", False),
    ],
)
def test_is_valid_reference(ref: str, valid: bool) -> None:
    assert is_valid_reference(ref) is valid


# -- corpus: the model is total on real files ------------------------------------------------------
_REALWORLD = Path("/work/shared/corpus/realworld")
_ALL_FILES = sorted(_REALWORLD.iterdir()) if _REALWORLD.is_dir() else []


def _exercise(path: Path) -> None:
    df = parse_text(path.read_text(encoding="utf-8", errors="replace"), str(path))
    model = SemanticModel.build(df)
    for ins in df.instructions:
        model.scope_at(ins)
        model.is_posix_shell(ins)
        model.expand_in_scope(ins.args_text, ins)
    for stage in model.stages:
        assert model.stage_of(stage.from_) is stage
        model.resolve_from(stage.from_, {"X": "1"})
    model.reachable_stages()


@pytest.mark.skipif(not _ALL_FILES, reason="realworld corpus not available")
@pytest.mark.parametrize("path", _ALL_FILES[::100], ids=lambda p: p.name)
def test_realworld_slice(path: Path) -> None:
    _exercise(path)


@pytest.mark.corpus
@pytest.mark.skipif(
    not os.environ.get("DFLINT_FULL_CORPUS") or not _ALL_FILES, reason="set DFLINT_FULL_CORPUS=1"
)
def test_realworld_all() -> None:
    for path in _ALL_FILES:
        _exercise(path)
