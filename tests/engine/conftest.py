"""The ``engine`` suite: tests that build with a real BuildKit, the reference for ``dflint simulate``.

Opt-in only: ``addopts`` deselects the ``engine`` marker, so ``make test``/``pytest`` never run
these; ``make engine`` sets up the daemon and base images (``scripts/engine/setup.sh``) and runs
``pytest -m engine tests/engine``. Every test collected under this folder gets the marker, so a
new module needs nothing more than the :func:`engine` fixture.

Without an engine (no docker.io, not root, dockerd failing) every test here is skipped with one
reason. Stop the daemon afterwards with ``scripts/engine/stop.sh`` (by PID file).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from engine.buildkit import SUMMARY, Engine, connect, engine_docker_host

HERE = Path(__file__).resolve().parent


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark everything under tests/engine (before ``-m`` deselects)."""
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.engine)


def pytest_collection_finish(session: pytest.Session) -> None:
    """Engine tests that read ``DOCKER_HOST`` themselves (the size differential) reach the same
    private dockerd as the :func:`engine` fixture."""
    if "DOCKER_HOST" not in os.environ and any(i.get_closest_marker("engine") for i in session.items):
        os.environ["DOCKER_HOST"] = engine_docker_host()


@pytest.fixture(scope="session")
def engine() -> Engine:
    """The private dockerd (started and given its base images if needed), or skip with the reason."""
    found = connect()
    if isinstance(found, str):
        pytest.skip(f"no engine: {found}")
    found.prune()
    return found


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Figures the engine tests reported (agreement per mode, sizes)."""
    if SUMMARY:
        terminalreporter.section("engine")
        for line in SUMMARY:
            terminalreporter.write_line(line)
