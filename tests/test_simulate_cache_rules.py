"""Cache-key rules that a real BuildKit (dockerd 20.10.24, BuildKit 0.8) showed the model had
wrong, one test each; ``make engine`` replays the same behaviour on the engine
(tests/engine/scenarios/cache.yaml names the scenario in each docstring here)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from engine.buildkit import write_context
from git_support import git, umask

from dflint.parser import parse_text
from dflint.simulate import DirContext, plan, simulate
from dflint.simulate.changes import ChangedContext, apply_comparison
from dflint.simulate.cli import main
from dflint.simulate.context import git_blob_id
from dflint.simulate.layers import StageResult


def _stages(text: str, root: Path) -> list[StageResult]:
    _graph, stages = plan(parse_text(text), DirContext(root))
    return stages


def _keys(text: str, root: Path) -> dict[int, str]:
    return {layer.line: layer.key for stage in _stages(text, root) for layer in stage.layers}


def _compare(before: str, after: str, root: Path) -> dict[int, str]:
    """Verdicts of ``after`` built with the cache of ``before`` (same context)."""
    old, new = _stages(before, root), _stages(after, root)
    apply_comparison(new, old)
    return {layer.line: layer.cache for stage in new if stage.built for layer in stage.layers[1:]}


# -- WORKDIR (scenario workdir-trailing-slash, workdir-relative-trailing-slash) -----------------
def test_absolute_workdir_is_kept_as_written_for_run(tmp_path: Path) -> None:
    plain = _keys("FROM busybox:1.35\nWORKDIR /app\nRUN pwd\n", tmp_path)
    slash = _keys("FROM busybox:1.35\nWORKDIR /app/\nRUN pwd\n", tmp_path)
    assert plain[2] == slash[2]  # the mkdir op's path is cleaned
    assert plain[3] != slash[3]  # the RUN's working directory is not


def test_relative_workdir_is_joined_and_cleaned(tmp_path: Path) -> None:
    plain = _keys("FROM busybox:1.35\nWORKDIR /app\nWORKDIR sub\nRUN pwd\n", tmp_path)
    slash = _keys("FROM busybox:1.35\nWORKDIR /app\nWORKDIR sub/\nRUN pwd\n", tmp_path)
    assert plain == slash


def test_copy_destination_is_cleaned_after_a_slashed_workdir(tmp_path: Path) -> None:
    write_context(tmp_path, {"a.txt": "a"})
    plain = _keys("FROM busybox:1.35\nWORKDIR /app\nCOPY a.txt .\n", tmp_path)
    slash = _keys("FROM busybox:1.35\nWORKDIR /app/\nCOPY a.txt .\n", tmp_path)
    assert plain[3] == slash[3]


# -- mode bits (scenarios chmod-group-write, chmod-owner-only-in-dir) ---------------------------
def test_every_permission_bit_is_in_the_digest(tmp_path: Path) -> None:
    write_context(tmp_path, {"a.txt": "a\n"})
    os.chmod(tmp_path / "a.txt", 0o644)
    usual = DirContext(tmp_path).files()["a.txt"].digest
    assert usual == "100644:" + git_blob_id(b"a\n")  # the git form for the usual modes
    os.chmod(tmp_path / "a.txt", 0o664)
    assert DirContext(tmp_path).files()["a.txt"].digest == "100664:" + git_blob_id(b"a\n")
    os.chmod(tmp_path / "a.txt", 0o755)
    assert DirContext(tmp_path).files()["a.txt"].digest == "100755:" + git_blob_id(b"a\n")


# -- directories (scenarios empty-dir-in-copied-tree, empty-dir-copy-dot, empty-dir-not-copied) --
def test_empty_directory_in_a_copied_tree_changes_the_key(tmp_path: Path) -> None:
    write_context(tmp_path, {"src/a.txt": "a", "docs/x.md": "x", ".dockerignore": "tmp\n"})
    text = "FROM busybox:1.35\nCOPY src/ /src/\nCOPY docs/ /docs/\nCOPY . /ctx/\n"
    before = _keys(text, tmp_path)
    (tmp_path / "src" / "empty").mkdir()
    after = _keys(text, tmp_path)
    assert before[2] != after[2] and before[3] != after[3]  # COPY src/ misses, so everything after
    (tmp_path / "tmp").mkdir()  # excluded by .dockerignore: not sent
    assert _keys(text, tmp_path) == after


def test_directory_under_excluded_parent_kept_for_reincluded_file(tmp_path: Path) -> None:
    write_context(
        tmp_path, {"docs/keep.md": "k", "docs/other.md": "o", ".dockerignore": "docs\n!docs/keep.md\n"}
    )
    ctx = DirContext(tmp_path)
    assert sorted(ctx.files()) == [".dockerignore", "docs/keep.md"]
    assert list(ctx.dirs()) == ["docs"]


def test_changed_directory_path(tmp_path: Path) -> None:
    """``--changed DIR``: the directory and everything below it changed (or it was added)."""
    write_context(tmp_path, {"src/a.txt": "a", "src/new/": "", "other.txt": "o"})
    text = "FROM busybox:1.35\nCOPY other.txt /o\nCOPY src/a.txt /a\nCOPY src/ /src/\n"
    _graph, after = plan(parse_text(text), DirContext(tmp_path))
    _graph, before = plan(parse_text(text), ChangedContext(DirContext(tmp_path), ["src"]))
    apply_comparison(after, before)
    assert [x.cache for x in after[0].layers[1:]] == ["hit", "miss", "miss"]
    _graph, before = plan(parse_text(text), ChangedContext(DirContext(tmp_path), ["src/new"]))
    apply_comparison(after, before)
    assert [x.cache for x in after[0].layers[1:]] == ["hit", "hit", "miss"]
    assert after[0].layers[3].reason == "file changed: src/new/"


# -- COPY --from is content-keyed (scenarios copy-from-*) ---------------------------------------
BUILD = (
    "FROM busybox:1.35 AS build\nRUN echo app > /app.txt\n{later}\n"
    "FROM busybox:1.35\n{copy}\nRUN cat /app.txt\n"
)
COPY_APP = "COPY --from=build /app.txt /app.txt"


def test_copy_from_hits_when_only_a_layer_writing_elsewhere_changed(tmp_path: Path) -> None:
    write_context(tmp_path, {"notes.txt": "n1"})
    (tmp_path / "Dockerfile").write_text(BUILD.format(later="COPY notes.txt /notes/", copy=COPY_APP))
    sim = simulate(str(tmp_path / "Dockerfile"), str(tmp_path), changed=["notes.txt"])
    verdicts = {x.line: x.cache for s in sim.stages for x in s.layers[1:]}
    assert verdicts == {2: "hit", 3: "miss", 5: "hit", 6: "hit"}


def test_copy_from_may_hit_when_a_run_of_the_source_stage_was_rebuilt(tmp_path: Path) -> None:
    before = BUILD.format(later="RUN echo one > /other.txt", copy=COPY_APP)
    after = BUILD.format(later="RUN echo two > /other.txt", copy=COPY_APP)
    assert _compare(before, after, tmp_path) == {2: "hit", 3: "miss", 5: "may-hit", 6: "may-hit"}
    stages = _stages(after, tmp_path)
    apply_comparison(stages, _stages(before, tmp_path))
    copy, run = stages[1].layers[1:]
    assert copy.reason == "stage build was rebuilt: hits if the files taken from it come out byte-identical"
    assert run.reason == "hits if an earlier layer hits (line 5)"


def test_copy_from_misses_for_certain_when_the_copied_context_file_changed(tmp_path: Path) -> None:
    write_context(tmp_path, {"a.txt": "a1"})
    text = "FROM busybox:1.35 AS build\nCOPY a.txt /src/a.txt\nFROM busybox:1.35\nCOPY --from=build /src /s\n"
    (tmp_path / "Dockerfile").write_text(text)
    sim = simulate(str(tmp_path / "Dockerfile"), str(tmp_path), changed=["a.txt"])
    copy = sim.stages[1].layers[1]
    assert (copy.cache, copy.reason) == ("miss", "files from stage build changed")


def test_own_change_after_an_uncertain_copy_is_a_certain_miss(tmp_path: Path) -> None:
    before = BUILD.format(later="RUN echo one > /other.txt", copy=COPY_APP)
    after = BUILD.format(later="RUN echo two > /other.txt", copy=COPY_APP).replace("cat /app.txt", "cat /x")
    assert _compare(before, after, tmp_path)[6] == "miss"


def test_bind_mount_from_stage_is_content_keyed(tmp_path: Path) -> None:
    base = "FROM busybox:1.35 AS src\nCOPY a.txt /data/a.txt\nRUN echo {n} > /tmp/log\n"
    run = "FROM busybox:1.35\nRUN --mount=type=bind,from=src,source=/data,target=/mnt cat /mnt/a.txt\n"
    write_context(tmp_path, {"a.txt": "a"})
    verdicts = _compare(base.format(n=1) + run, base.format(n=2) + run, tmp_path)
    assert verdicts == {2: "hit", 3: "miss", 5: "may-hit"}  # the RUN may have written /data


# -- re-checked inputs (scenario add-url-unchanged) and unknown .dockerignore --------------------
def test_unpinned_url_may_rebuild_and_so_may_what_follows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "Dockerfile").write_text(
        "FROM busybox:1.35\nADD http://deb.debian.org/debian/dists/bookworm/Release /r\nRUN wc -c /r\n"
    )
    assert main([str(tmp_path), "--format", "json"]) == 0
    layers = json.loads(capsys.readouterr().out)["stages"][0]["layers"]
    assert [x["cache"] for x in layers] == ["hit", "may-rebuild", "may-rebuild"]
    assert layers[2]["reason"] == "rebuilds if an earlier layer is rebuilt (line 2)"
    assert main([str(tmp_path), "--color", "never"]) == 0
    text = capsys.readouterr().out
    assert "may rebuild" in text and "Cannot know offline in stage 0: line 2: may rebuild" in text


def test_changed_dockerignore_without_its_old_text(tmp_path: Path) -> None:
    write_context(tmp_path, {"a.py": "a", "a.tmp": "t", ".dockerignore": ".dockerignore\n*.tmp\n"})
    (tmp_path / "Dockerfile").write_text("FROM busybox:1.35\nCOPY . /app/\nCOPY a.py /a.py\nRUN ls\n")
    sim = simulate(str(tmp_path / "Dockerfile"), str(tmp_path), changed=[".dockerignore"])
    assert [x.cache for x in sim.stages[0].layers[1:]] == ["may-rebuild", "may-rebuild", "may-rebuild"]


# -- --since: the old .dockerignore, empty directories, mode bits --------------------------------
@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    ctx = write_context(
        root / "ctx", {"a.py": "a", "a.tmp": "t", "src/b.txt": "b", ".dockerignore": ".dockerignore\n"}
    )
    (ctx / "Dockerfile").write_text("FROM busybox:1.35\nCOPY . /app/\nCOPY src/ /src/\n")
    for path in (ctx / "a.py", ctx / "a.tmp", ctx / "src" / "b.txt"):
        os.chmod(path, 0o666 & ~umask())
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "c0")
    return ctx


def _since(ctx: Path) -> list[str]:
    sim = simulate(str(ctx / "Dockerfile"), str(ctx), since="HEAD")
    return [x.cache for x in sim.stages[0].layers[1:]]


def test_since_reads_the_old_dockerignore_fromgit(repo: Path) -> None:
    assert _since(repo) == ["hit", "hit"]
    (repo / ".dockerignore").write_text(".dockerignore\n*.tmp\n")
    assert _since(repo) == ["miss", "miss"]  # a.tmp left the context
    (repo / ".dockerignore").write_text(".dockerignore\n*.bak\n")
    assert _since(repo) == ["hit", "hit"]  # no file left it


def test_since_sees_an_untracked_empty_directory(repo: Path) -> None:
    (repo / "src" / "empty").mkdir()
    assert _since(repo) == ["miss", "miss"]


def test_since_sees_permission_bits_git_does_not_record(repo: Path) -> None:
    checkout = 0o666 & ~umask()
    os.chmod(repo / "src" / "b.txt", 0o600 if checkout != 0o600 else 0o640)
    assert _since(repo) == ["miss", "miss"]


# -- the Dockerfile-specific ignore file (scenarios dockerfile-ignore-*) -------------------------
def test_dockerfile_specific_ignore_file_replaces_dockerignore(tmp_path: Path) -> None:
    write_context(tmp_path, {"x.txt": "x", "y.txt": "y", ".dockerignore": "y.txt\n"})
    write_context(tmp_path, {"app.Dockerfile.dockerignore": "x.txt\n*Dockerfile*\n"})
    (tmp_path / "app.Dockerfile").write_text("FROM busybox:1.35\nCOPY . /ctx/\n")
    df = str(tmp_path / "app.Dockerfile")
    assert [x.cache for x in simulate(df, str(tmp_path), changed=["x.txt"]).stages[0].layers] == [
        "hit",
        "hit",
    ]
    assert [x.cache for x in simulate(df, str(tmp_path), changed=["y.txt"]).stages[0].layers] == [
        "hit",
        "miss",
    ]
    changed = simulate(df, str(tmp_path), changed=["app.Dockerfile.dockerignore"])
    assert changed.stages[0].layers[1].cache == "may-rebuild"


# -- args current BuildKit keeps out of the env -------------------------------------------------
def test_sbom_scan_args_are_not_in_the_run_env(tmp_path: Path) -> None:
    text = "FROM busybox:1.35\nARG BUILDKIT_SBOM_SCAN_STAGE={}\nRUN true\n"
    assert _keys(text.format("true"), tmp_path)[3] == _keys(text.format("false"), tmp_path)[3]


def test_source_date_epoch_stamps_workdir(tmp_path: Path) -> None:
    """Current BuildKit: WORKDIR's mkdir gets SOURCE_DATE_EPOCH as created time (0.8: no epoch)."""
    text = "FROM busybox:1.35\nRUN true\nWORKDIR /app\nRUN true\n"
    (tmp_path / "Dockerfile").write_text(text)
    sim = simulate(
        str(tmp_path / "Dockerfile"),
        str(tmp_path),
        build_args={"SOURCE_DATE_EPOCH": "2"},
        before_build_args={"SOURCE_DATE_EPOCH": "1"},
    )
    assert [x.cache for x in sim.stages[0].layers[1:]] == ["hit", "miss", "miss"]


def test_since_takes_the_checkout_mode_from_the_tree(repo: Path) -> None:
    """A tree checked out under another umask is not 'changed': the mode most files share is
    the checkout's; only a file that stands out is."""
    files = [
        repo / "a.py",
        repo / "a.tmp",
        repo / "src" / "b.txt",
        repo / "Dockerfile",
        repo / ".dockerignore",
    ]
    for path in files:
        os.chmod(path, 0o604)
    assert _since(repo) == ["hit", "hit"]
    os.chmod(repo / "src" / "b.txt", 0o644)
    assert _since(repo) == ["miss", "miss"]
