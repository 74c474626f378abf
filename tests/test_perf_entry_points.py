"""The entry-point cache (dflint.plugin.installed_entry_points) must never hide a new plugin."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from dflint import plugin


def _dist(site: Path, name: str, entry: str) -> Path:
    info = site / f"{name}-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n", encoding="utf-8")
    (info / "entry_points.txt").write_text(f"[dflint.rules]\n{name} = {entry}\n", encoding="utf-8")
    return info


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    monkeypatch.delenv("DFLINT_NO_CACHE", raising=False)
    return home


def _names() -> list[str]:
    return sorted(ep.name for ep in plugin.installed_entry_points())


def test_second_run_is_served_from_the_cache(cache_home: Path) -> None:
    first = plugin.installed_entry_points()
    assert "builtin" in [ep.name for ep in first]
    assert list((cache_home / "dflint").glob("entry-points-*.marshal"))
    second = plugin.installed_entry_points()
    assert type(second[0]).__name__ == "_CachedEntryPoint"
    assert [(ep.name, ep.value) for ep in second] == [(ep.name, ep.value) for ep in first]
    assert second[0].load() is first[0].load()


def test_a_new_plugin_is_seen(cache_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / "site"
    site.mkdir()
    monkeypatch.syspath_prepend(str(site))
    assert _names() == ["builtin"]
    assert _names() == ["builtin"]  # cached now
    _dist(site, "acme", "acme_rules")
    assert _names() == ["acme", "builtin"]
    info = _dist(site, "zeta", "zeta_rules")
    assert _names() == ["acme", "builtin", "zeta"]
    # Entry points edited in place (same directory listing): still seen.
    (info / "entry_points.txt").write_text("[dflint.rules]\nzeta2 = zeta_rules:RULES\n", encoding="utf-8")
    assert _names() == ["acme", "builtin", "zeta2"]


def test_cached_load_walks_attributes(cache_home: Path) -> None:
    ep = plugin._CachedEntryPoint("x", "dflint.plugin:Rule", plugin.ENTRY_POINT_GROUP)
    assert ep.load() is plugin.Rule
    assert plugin._CachedEntryPoint("x", "dflint.plugin", "g").load() is sys.modules["dflint.plugin"]


def test_cache_can_be_turned_off(cache_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DFLINT_NO_CACHE", "1")
    found = [(ep.name, ep.value) for ep in plugin.installed_entry_points()]
    assert found == _importlib_view(plugin.ENTRY_POINT_GROUP)  # read from the files each time
    assert not (cache_home / "dflint").exists()


def test_alternating_contexts_both_stay_cached(
    cache_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plugin.installed_entry_points()  # context A cached
    other = tmp_path / "other"
    other.mkdir()
    monkeypatch.syspath_prepend(str(other))
    plugin.installed_entry_points()  # context B cached
    assert type(plugin.installed_entry_points()[0]).__name__ == "_CachedEntryPoint"
    monkeypatch.undo()
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache_home))
    assert type(plugin.installed_entry_points()[0]).__name__ == "_CachedEntryPoint"


def _importlib_view(group: str) -> list[tuple[str, str]]:
    from importlib.metadata import entry_points

    return sorted((ep.name, ep.value) for ep in entry_points(group=group))


def _our_view(group: str) -> list[tuple[str, str]] | None:
    found = plugin._read_entry_point_files(group)
    return None if found is None else sorted((ep.name, ep.value) for ep in found)


def test_entry_point_files_are_read_as_importlib_metadata_reads_them() -> None:
    compared = 0
    groups = (plugin.ENTRY_POINT_GROUP, "pytest11", "console_scripts", "pygments.lexers", "no.such")
    for group in groups:
        ours = _our_view(group)
        if ours is None:  # a value importlib.metadata must parse (extras): it is asked instead
            continue
        assert ours == _importlib_view(group), group
        compared += 1
    assert compared >= 3


def test_a_shadowed_or_duplicated_distribution_counts_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    _dist(first, "Acme_Rules", "acme_rules")
    info = second / "acme.rules-2.0.dist-info"  # the same distribution, later on sys.path
    info.mkdir()
    (info / "entry_points.txt").write_text(
        "# comment\n[dflint.rules]\n  other = other_rules:RULES  \n\n[console_scripts]\nx = y:z\n",
        encoding="utf-8")
    _dist(second, "zeta", "zeta_rules")
    monkeypatch.syspath_prepend(str(second))
    monkeypatch.syspath_prepend(str(first))
    assert _our_view(plugin.ENTRY_POINT_GROUP) == _importlib_view(plugin.ENTRY_POINT_GROUP)
    # The first Acme_Rules on sys.path, not the shadowed one:
    assert ("Acme_Rules", "acme_rules") in (_our_view(plugin.ENTRY_POINT_GROUP) or [])
