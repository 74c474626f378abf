"""``dflint simulate`` cache verdicts against a real BuildKit, one scenario of
``scenarios/cache.yaml`` per test (the experiment is in :mod:`engine.differential`).

Each test fails when the engine's per-line verdicts differ from ``engine-verdicts.json`` (the
record the normal suite replays) or when any ``dflint simulate`` mode gives a certain verdict
that the engine contradicts. ``DFLINT_ENGINE_RECORD=1`` rewrites the record from this run
instead of checking it. The per-mode agreement is printed at the end of the session.
"""

from __future__ import annotations

import datetime
import json
import os
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

from engine.buildkit import Engine, EngineHang, report
from engine.differential import (
    MODES,
    RECORD_FILE,
    Builder,
    Scenario,
    Tally,
    compare,
    load_record,
    load_scenarios,
    run_experiment,
    tally_all,
)

SCENARIOS = load_scenarios()
RECORDING = os.environ.get("DFLINT_ENGINE_RECORD") == "1"
TAG = "dflint-engine/cache-scenario"

Observed = dict[str, tuple[dict[int, str], dict[str, dict[int, str] | None]]]


@pytest.fixture(scope="module")
def observed(engine: Engine) -> Iterator[Observed]:
    """Collects every scenario's verdicts; afterwards prints the agreement (and records)."""
    data: Observed = {}
    yield data
    if not data:
        return
    for mode, tally in tally_all([(n, e, s) for n, (e, s) in data.items()]).items():
        report(f"cache differential {tally.row(mode)}")
    if RECORDING:
        version = engine.docker("version", "--format", "{{.Server.Version}}").stdout.strip()
        old = json.loads(RECORD_FILE.read_text("utf-8"))["scenarios"] if RECORD_FILE.exists() else {}
        old.update({n: {str(k): v for k, v in sorted(e.items())} for n, (e, _s) in data.items()})
        known = {s.name for s in SCENARIOS}
        RECORD_FILE.write_text(
            json.dumps(
                {
                    "engine": f"dockerd {version} (BuildKit 0.8), vfs",
                    "recorded": datetime.date.today().isoformat(),
                    "scenarios": {n: old[n] for n in sorted(old) if n in known},
                },
                indent=1,
            )
            + "\n",
            encoding="utf-8",
        )


def _builder(engine: Engine) -> Builder:
    def build(ctx: Path, scenario: Scenario, args: Mapping[str, str]) -> dict[int, str]:
        return engine.build(ctx, tag=TAG, target=scenario.target, build_args=args).verdicts()

    return build


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.name)
def test_simulate_agrees_with_buildkit(
    engine: Engine, observed: Observed, scenario: Scenario, tmp_path: Path
) -> None:
    for attempt in (1, 2):
        engine.prune()
        try:
            exp = run_experiment(scenario, tmp_path / str(attempt), _builder(engine))
            break
        except EngineHang:
            if attempt == 2:
                raise
            engine.restart()  # a deadlocked BuildKit leaves cache records it never releases
        finally:
            engine.remove_images(TAG)
            engine.prune()
    assert exp.engine is not None
    observed[scenario.name] = (exp.engine, exp.simulate)
    problems: list[str] = []
    recorded = load_record().get(scenario.name)
    if not RECORDING and recorded != exp.engine:
        problems.append(f"engine verdicts {exp.engine} differ from engine-verdicts.json: {recorded}")
    for mode in MODES:
        tally = Tally()
        compare(scenario.name, mode, exp.engine, exp.simulate[mode], tally)
        problems += tally.problems
    assert not problems, f"{scenario.why}\n" + "\n".join(problems)
