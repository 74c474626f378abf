"""The hand-written records (:mod:`dflint.records`) behave as the dataclasses they replaced."""

from __future__ import annotations

import copy
import dataclasses
import importlib
import inspect
import os
import pickle
import subprocess
import sys
from pathlib import Path

import dflint_rules
import pytest

from dflint import records
from dflint.records import FrozenRecord, IdentityRecord, Record

MODULES = (
    "dflint.config",
    "dflint.engine",
    "dflint.expand",
    "dflint.plugin",
    "dflint.report._common",
    "dflint.report.model",
    "dflint.semantic",
    "dflint.shell.model",
    "dflint.shell.packages",
    "dflint.shell.parse",
    "dflint.shell.tokens",
    "dflint.shell.wrappers",
    "dflint.suppress",
)


def _subclasses(cls: type) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        found.append(sub)
        found.extend(_subclasses(sub))
    return found


def _all_records() -> list[type]:
    for name in MODULES:
        importlib.import_module(name)
    assert dflint_rules.RULES
    abstract = {Record, FrozenRecord, IdentityRecord, records.FrozenIdentityRecord}
    return sorted(
        {c for c in _subclasses(Record) if c not in abstract and c.__module__.startswith("dflint")},
        key=lambda c: f"{c.__module__}.{c.__qualname__}",
    )


RECORDS = _all_records()


def test_records_were_found() -> None:
    assert len(RECORDS) > 60


@pytest.mark.parametrize("cls", RECORDS, ids=lambda c: f"{c.__module__}.{c.__qualname__}")
def test_record_declarations_agree(cls: type) -> None:
    """``__match_args__``, the ``__init__`` parameters, the annotations and the slots line up."""
    parameters = list(inspect.signature(cls.__init__).parameters)[1:]  # type: ignore[misc]
    if cls.__match_args__:  # type: ignore[attr-defined]  # else object.__init__: no arguments
        assert parameters == list(cls.__match_args__)  # type: ignore[attr-defined]
    annotated = {name for klass in cls.__mro__ for name in vars(klass).get("__annotations__", {})}
    assert set(cls.__match_args__) <= annotated  # type: ignore[attr-defined]
    if "__slots__" in vars(cls):
        slotted = {name for klass in cls.__mro__ for name in vars(klass).get("__slots__", ())}
        assert set(cls.__match_args__) <= slotted  # type: ignore[attr-defined]
        assert all("__slots__" in vars(k) for k in cls.__mro__ if k is not object)  # no __dict__
    for name in cls._factories:  # type: ignore[attr-defined]
        assert inspect.signature(cls.__init__).parameters[name].default is records.FACTORY  # type: ignore[misc]


@pytest.mark.parametrize("cls", RECORDS, ids=lambda c: f"{c.__module__}.{c.__qualname__}")
def test_records_are_dataclasses(cls: type) -> None:
    assert dataclasses.is_dataclass(cls)
    assert records.is_dataclass(cls)
    assert [f.name for f in dataclasses.fields(cls)] == list(cls.__match_args__)  # type: ignore[attr-defined]
    assert records.field_names(cls) == cls.__match_args__  # type: ignore[attr-defined]


def test_frozen_record_semantics() -> None:
    from dflint.shell.packages import Option

    a = Option("-y", None, None)  # type: ignore[arg-type]
    b = Option("-y", None, None)  # type: ignore[arg-type]
    assert a == b and hash(a) == hash(b) and a != Option("-q", None, None)  # type: ignore[arg-type]
    assert repr(a) == "Option(name='-y', value=None, word=None, value_word=None)"
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.name = "-q"  # type: ignore[misc]
    assert pickle.loads(pickle.dumps(a)) == a
    assert copy.deepcopy(a) == a
    assert dataclasses.replace(a, name="-q").name == "-q"
    assert records.replace(a, name="-q") == Option("-q", None, None)  # type: ignore[arg-type]
    assert dataclasses.asdict(a) == {"name": "-y", "value": None, "word": None, "value_word": None}


def test_factories_hidden_fields_and_identity() -> None:
    from dflint.config import Settings
    from dflint.plugin import Registry

    one, two = Registry(), Registry()
    assert one == two and one.rules is not two.rules  # a fresh dict each
    settings = Settings(frozenset())
    assert "_path_cache" not in repr(settings) and "_known" not in repr(settings)
    assert settings != Settings(frozenset())  # eq=False: identity
    field = {f.name: f for f in dataclasses.fields(Settings)}["_path_cache"]
    assert field.default_factory is dict and field.compare is False and field.repr is False


def test_plain_lint_imports_no_dataclasses_inspect_or_metadata(tmp_path: Path) -> None:
    """What the records are for: a one-file lint never pays for these imports (once the
    entry-point cache is warm)."""
    code = (
        "import sys\n"
        "from dflint.cli import main\n"
        "main(['--format', 'json', '--isolated', '-'])\n"
        "heavy = sorted(m for m in ('dataclasses', 'inspect', 'importlib.metadata', 'rich', 'difflib')"
        " if m in sys.modules)\n"
        "print(','.join(heavy), file=sys.stderr)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "DFLINT_NO_CACHE"}
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    (tmp_path / "work").mkdir()  # not the cache dir: its dflint/ folder would shadow the package
    for _ in range(2):  # the first run fills the entry-point cache
        done = subprocess.run(
            [sys.executable, "-c", code], input="FROM debian:bookworm\nRUN apt-get install -y curl\n",
            capture_output=True, text=True, env=env, check=False, cwd=tmp_path / "work",
        )
    assert done.stderr.strip() == "", done.stderr
