"""The cache differential: one scenario, two builds, one change, and every ``dflint simulate`` mode.

Why the experiment is code shared by two tests: the engine test (``make engine``) runs it against
a live BuildKit and checks that the engine still does what ``engine-verdicts.json`` recorded;
the normal suite replays it against that record, so a change to ``dflint simulate`` that breaks
agreement fails in ``make test`` too, without an engine. The record is real engine output,
rewritten only from a live run (``DFLINT_ENGINE_RECORD=1 make engine``).

The experiment, in order (``--record`` needs the context as it was before the change):
1. the context in ``ROOT/repo/ctx`` (the git repository around it, never inside the context, so
   ``.git`` is not sent to the engine), committed;
2. ``dflint simulate --record`` with the first build's args; engine build 1 (cold cache);
3. the change applied to the working tree; engine build 2, its per-line verdicts;
4. simulate after the change in each mode:
   ``changed``:  ``--changed`` with the paths whose content, mode or existence changed (found
                 by comparing the context before and after; an mtime-only change gives none),
                 ``--baseline-build-arg`` for a build-arg change; not applicable to a Dockerfile
                 edit (the mode describes context changes only);
   ``baseline``: ``--baseline`` with the keys recorded in step 2;
   ``since``:    ``--since HEAD`` (git sees the working tree's edits, deletions, untracked files,
                 the exec bit and the Dockerfile at HEAD), ``--baseline-build-arg`` likewise.

A simulate verdict agrees when it equals the engine's (``hit`` = CACHED, ``miss`` = executed).
``may-hit``/``may-rebuild`` are honest "cannot be known statically" verdicts: counted apart,
never as agreement or disagreement.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from git_support import git

from engine.buildkit import write_context

__all__ = [
    "MODES",
    "RECORD_FILE",
    "Builder",
    "Experiment",
    "Scenario",
    "Tally",
    "compare",
    "load_record",
    "load_scenarios",
    "run_experiment",
]

HERE = Path(__file__).resolve().parent
SCENARIO_FILE = HERE / "scenarios" / "cache.yaml"
RECORD_FILE = HERE / "scenarios" / "engine-verdicts.json"
MODES = ("changed", "baseline", "since")
CHANGE_KINDS = ("write", "touch", "chmod", "delete", "mkdir", "dockerfile", "build_args")
UNCERTAIN = frozenset({"may-hit", "may-rebuild"})
LAYER_KEYWORDS = ("RUN", "COPY", "ADD", "WORKDIR")

#: A callback that builds the context and returns {Dockerfile line: "hit" | "miss"}.
Builder = Callable[[Path, "Scenario", Mapping[str, str]], dict[int, str]]


@dataclass
class Scenario:
    """One entry of ``scenarios/cache.yaml``."""

    name: str
    why: str
    files: dict[str, str]
    dockerfile: str
    change: dict[str, Any]
    modes: dict[str, str] = field(default_factory=dict)
    build_args: dict[str, str] = field(default_factory=dict)
    target: str | None = None

    @property
    def kind(self) -> str:
        return next(iter(self.change))

    @property
    def build_args_after(self) -> dict[str, str]:
        return dict(self.change["build_args"]) if self.kind == "build_args" else dict(self.build_args)


def load_scenarios(path: Path = SCENARIO_FILE) -> list[Scenario]:
    """The scenarios, checked: unique names, exactly one known change each."""
    import yaml

    out: list[Scenario] = []
    for entry in yaml.safe_load(path.read_text(encoding="utf-8")):
        change = entry.get("change") or {}
        if len(change) != 1 or next(iter(change)) not in CHANGE_KINDS:
            raise ValueError(f"scenario {entry.get('name')}: one change of {CHANGE_KINDS} expected")
        out.append(
            Scenario(
                name=entry["name"],
                why=entry["why"],
                files={str(k): str(v) for k, v in (entry.get("files") or {}).items()},
                dockerfile=entry["dockerfile"],
                change=change,
                modes={str(k): str(v) for k, v in (entry.get("modes") or {}).items()},
                build_args={str(k): str(v) for k, v in (entry.get("build_args") or {}).items()},
                target=entry.get("target"),
            )
        )
    names = [s.name for s in out]
    if len(set(names)) != len(names):
        raise ValueError("duplicate scenario names")
    return out


def load_record(path: Path = RECORD_FILE) -> dict[str, dict[int, str]]:
    """Recorded engine verdicts: scenario name -> {line: verdict}."""
    if not path.exists():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return {name: {int(k): v for k, v in rows.items()} for name, rows in data["scenarios"].items()}


# -- the experiment ----------------------------------------------------------------------------
def _prepare(scenario: Scenario, root: Path) -> Path:
    repo = root / "repo"
    ctx = write_context(repo / "ctx", scenario.files, scenario.dockerfile)
    for name, mode in scenario.modes.items():
        os.chmod(ctx / name, int(mode, 8))
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "before")
    return ctx


def _apply(scenario: Scenario, ctx: Path) -> None:
    value = scenario.change[scenario.kind]
    if scenario.kind == "write":
        write_context(ctx, value)
    elif scenario.kind == "touch":
        for name in value:
            st = os.stat(ctx / name)
            os.utime(ctx / name, ns=(st.st_atime_ns, st.st_mtime_ns + 3_600_000_000_000))
    elif scenario.kind == "chmod":
        for name, mode in value.items():
            os.chmod(ctx / name, int(str(mode), 8))
    elif scenario.kind == "delete":
        for name in value:
            (ctx / name).unlink()
    elif scenario.kind == "mkdir":
        for name in value:
            (ctx / name).mkdir(parents=True)
    elif scenario.kind == "dockerfile":
        (ctx / "Dockerfile").write_text(value, encoding="utf-8")


def _snapshot(ctx: Path) -> dict[str, tuple[str, int, bytes]]:
    """Every path of the context: (kind, permission bits, content); mtimes left out on purpose."""
    out: dict[str, tuple[str, int, bytes]] = {}
    for path in sorted(ctx.rglob("*")):
        rel = path.relative_to(ctx).as_posix()
        st = path.lstat()
        kind = "dir" if path.is_dir() else "file"
        out[rel] = (kind, st.st_mode & 0o7777, b"" if kind == "dir" else path.read_bytes())
    return out


def _changed_paths(before: dict[str, tuple[str, int, bytes]], ctx: Path) -> list[str]:
    """What ``--changed`` is given: paths whose content, mode or existence changed (an
    mtime-only change, or rewriting the same bytes, is no change)."""
    after = _snapshot(ctx)
    return sorted(p for p in set(before) | set(after) if before.get(p) != after.get(p))


def _arg_flags(flag: str, args: Mapping[str, str]) -> list[str]:
    return [item for name, value in args.items() for item in (flag, f"{name}={value}")]


def _simulate(ctx: Path, scenario: Scenario, extra: list[str], out: Path) -> dict[int, str]:
    """Run the ``dflint simulate`` CLI in-process; {line: verdict} of the built stages' layers."""
    from dflint.simulate.cli import main

    argv = [str(ctx), "--format", "json", "-o", str(out), *extra]
    if scenario.target:
        argv += ["--target", scenario.target]
    if main(argv) != 0:
        raise RuntimeError(f"dflint simulate {' '.join(argv)} failed")
    data = json.loads(out.read_text(encoding="utf-8"))
    verdicts: dict[int, str] = {}
    for stage in data["stages"]:
        if not stage["built"]:
            continue
        for layer in stage["layers"]:
            if layer["instruction"].split(None, 1)[0].upper() in LAYER_KEYWORDS:
                verdicts[layer["line"]] = layer["cache"]
    return verdicts


@dataclass
class Experiment:
    """What the engine did on the second build and what each simulate mode said."""

    scenario: Scenario
    engine: dict[int, str] | None
    simulate: dict[str, dict[int, str] | None]


def run_experiment(scenario: Scenario, root: Path, build: Builder | None = None) -> Experiment:
    """Run one scenario under ``root`` (a fresh directory); ``build`` is the engine (or None)."""
    ctx = _prepare(scenario, root)
    record = root / "keys.json"
    _simulate(
        ctx,
        scenario,
        ["--record", str(record), *_arg_flags("--build-arg", scenario.build_args)],
        root / "before.json",
    )
    if build is not None:
        build(ctx, scenario, scenario.build_args)
    state = _snapshot(ctx)
    _apply(scenario, ctx)
    engine = build(ctx, scenario, scenario.build_args_after) if build is not None else None
    after = _arg_flags("--build-arg", scenario.build_args_after)
    old_args = (
        _arg_flags("--baseline-build-arg", scenario.build_args) if scenario.kind == "build_args" else []
    )
    results: dict[str, dict[int, str] | None] = {}
    paths = _changed_paths(state, ctx)
    if scenario.kind == "dockerfile":
        results["changed"] = None  # --changed describes the context, not the Dockerfile
    else:
        changed = ["--changed", *[str(ctx / p) for p in paths]] if paths else []
        results["changed"] = _simulate(ctx, scenario, [*changed, *after, *old_args], root / "changed.json")
    results["baseline"] = _simulate(
        ctx, scenario, ["--baseline", str(record), *after], root / "baseline.json"
    )
    results["since"] = _simulate(ctx, scenario, ["--since", "HEAD", *after, *old_args], root / "since.json")
    return Experiment(scenario, engine, results)


# -- scoring -----------------------------------------------------------------------------------
@dataclass
class Tally:
    """Agreement of one simulate mode with the engine, over many scenarios."""

    agree: int = 0
    disagree: int = 0
    uncertain: int = 0
    not_applicable: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        known = self.agree + self.disagree
        return self.agree / known if known else 1.0

    def row(self, mode: str) -> str:
        return (
            f"{mode:9} {self.agree:4} agree {self.disagree:3} disagree {self.uncertain:3} may "
            f"({100 * self.rate:.1f}% of certain verdicts)"
        )


def compare(
    name: str, mode: str, engine: Mapping[int, str], sim: Mapping[int, str] | None, tally: Tally
) -> None:
    """Add one scenario/mode to ``tally``: per Dockerfile line of either side."""
    if sim is None:
        tally.not_applicable += 1
        return
    for line in sorted(set(engine) | set(sim)):
        want, got = engine.get(line), sim.get(line)
        if got in UNCERTAIN and want is not None:
            tally.uncertain += 1
        elif want is not None and want == got:
            tally.agree += 1
        else:
            tally.disagree += 1
            tally.problems.append(f"{name} [{mode}] line {line}: engine {want}, simulate {got}")


def tally_all(
    experiments: list[tuple[str, dict[int, str], dict[str, dict[int, str] | None]]],
) -> dict[str, Tally]:
    """Per mode, the agreement over (name, engine verdicts, simulate verdicts per mode)."""
    tallies = {mode: Tally() for mode in MODES}
    for name, engine, sims in experiments:
        for mode in MODES:
            compare(name, mode, engine, sims.get(mode), tallies[mode])
    return tallies


def main() -> None:
    """Print the agreement of the current simulate with the recorded engine verdicts."""
    import tempfile

    record = load_record()
    rows = []
    for scenario in load_scenarios():
        if scenario.name not in record:
            print(f"{scenario.name}: no recorded engine verdicts")
            continue
        with tempfile.TemporaryDirectory() as tmp:
            exp = run_experiment(scenario, Path(tmp))
        rows.append((scenario.name, record[scenario.name], exp.simulate))
    tallies = tally_all(rows)
    for mode, tally in tallies.items():
        print(tally.row(mode))
    for tally in tallies.values():
        for problem in tally.problems:
            print("  " + problem)


if __name__ == "__main__":
    main()
