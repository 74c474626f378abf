"""Rendering a simulation: a rich table per stage, JSON, and the "biggest wins" advice.

Why the advice is computed from the simulated layers: the point of DF001-style rules is the
cost of a bad order, and that cost is the size of the layers a typical source edit rebuilds.
"""

from __future__ import annotations

import json
from typing import IO

from dflint.simulate.changes import HistoryRow
from dflint.simulate.layers import Simulation

__all__ = ["biggest_wins", "human", "render_history", "render_json", "render_tty"]


def human(size: int | None) -> str:
    if size is None:
        return "?"
    value = float(size)
    for unit in ("B", "kB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{size} B"


def biggest_wins(sim: Simulation) -> list[str]:
    """Reorderings that would rebuild less on a source change, largest saving first.

    A COPY of the whole context (or a directory) before expensive RUN layers makes every
    source edit rebuild those RUNs; copying only the manifest first would keep them cached.
    """
    wins: list[tuple[int, str]] = []
    for stage in sim.stages:
        if not stage.built:
            continue
        layers = stage.layers
        for i, layer in enumerate(layers):
            if layer.keyword not in ("COPY", "ADD") or not layer.sources:
                continue
            broad = any(src == "." or "." not in src.rsplit("/", 1)[-1] for src in layer.sources)
            if not broad:
                continue
            later = [x for x in layers[i + 1 :] if x.keyword == "RUN" and (x.size_bytes or 0) > 0]
            saved = sum(x.size_bytes or 0 for x in later)
            if saved < 1_000_000:
                continue
            first = later[0]
            wins.append(
                (
                    saved,
                    f"stage {stage.label}: moving `{layer.text}` (line {layer.line}) after "
                    f"`{first.text[:60]}` (line {first.line}), copying only the files it needs first, "
                    f"saves ~{human(saved)} of rebuilt layers per source change",
                )
            )
        wasted = sum(x.wasted_bytes for x in layers)
        if wasted >= 1_000_000:
            wins.append(
                (
                    wasted,
                    f"stage {stage.label}: ~{human(wasted)} of caches/package lists left in layers "
                    "(clean them in the same RUN or use a cache mount)",
                )
            )
    return [text for _size, text in sorted(wins, key=lambda w: -w[0])]


#: How each cache verdict reads in the table: "may hit"/"may rebuild" are verdicts that depend on
#: what no one can know before building (see :func:`dflint.simulate.changes.apply_comparison`).
_CACHE_MARKUP = {
    "hit": "[green]hit[/green]",
    "miss": "[red]miss[/red]",
    "may-hit": "[yellow]may hit[/yellow]",
    "may-rebuild": "[yellow]may rebuild[/yellow]",
}


def render_json(sim: Simulation, out: IO[str]) -> None:
    json.dump(sim.to_json(), out, indent=2)
    out.write("\n")


def render_tty(sim: Simulation, out: IO[str], color: bool = False) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(file=out, force_terminal=color, no_color=not color, width=140, highlight=False)
    console.print(
        f"[bold]dflint simulate[/bold]  target: {sim.target}  platform: {sim.platform}  mode: {sim.mode}"
    )
    for stage in sim.stages:
        title = f"stage {stage.index}" + (f" ({stage.name})" if stage.name else "") + f" FROM {stage.base}"
        if not stage.built:
            console.print(f"[dim]{title}: skipped (not needed for the target)[/dim]")
            continue
        table = Table(title=title, title_justify="left", show_lines=False)
        for col in ("line", "instruction", "cache", "reason", "size", "cumulative", "confidence"):
            table.add_column(
                col, justify="right" if col in ("line", "size", "cumulative") else "left", overflow="fold"
            )
        cumulative = 0
        for layer in stage.layers:
            cumulative += layer.size_bytes or 0
            cache = _CACHE_MARKUP[layer.cache]
            table.add_row(
                str(layer.line),
                layer.text[:60],
                cache,
                layer.reason or "",
                human(layer.size_bytes),
                human(cumulative),
                layer.confidence,
            )
        console.print(table)
    final = sim.final_layers()
    unknown = sum(1 for x in final if x.size_bytes is None)
    console.print(
        f"[bold]Total image size[/bold]: {human(sim.total_size_bytes)} ({sim.confidence}"
        + (f"; {unknown} layers of unknown size" if unknown else "")
        + ")"
    )
    wasted = sum(x.wasted_bytes for x in final)
    if wasted:
        console.print(f"Wasted (caches, lists, files removed later): {human(wasted)}")
    for stage in sim.stages:
        first = stage.first_miss()
        if stage.built and first is not None:
            console.print(f"First miss in stage {stage.label}: line {first.line} - {first.reason}")
        unsure = next((x for x in stage.layers if x.cache in ("may-hit", "may-rebuild")), None)
        if stage.built and unsure is not None:
            verdict = unsure.cache.replace("-", " ")
            where = f"stage {stage.label}: line {unsure.line}"
            console.print(f"Cannot know offline in {where}: {verdict} - {unsure.reason}")
    for win in sim.wins:
        console.print(f"[bold]Win[/bold]: {win}")
    for note in sim.notes:
        console.print(f"[dim]Note: {note}[/dim]")


def render_history(rows: list[HistoryRow], out: IO[str], fmt: str = "tty") -> None:
    if fmt == "json":
        json.dump({"layers": [r.to_json() for r in rows]}, out, indent=2)
        out.write("\n")
        return
    from rich.console import Console
    from rich.table import Table

    console = Console(file=out, no_color=True, width=140, highlight=False)
    table = Table(title="cache hits over the replayed commits", title_justify="left")
    for col in ("stage", "line", "instruction", "hits", "rate", "main miss reason"):
        table.add_column(col, overflow="fold")
    for r in rows:
        rate = f"{100 * r.hits / r.builds:.0f}%" if r.builds else "-"
        reason = max(r.reasons.items(), key=lambda kv: kv[1])[0] if r.reasons else ""
        table.add_row(r.stage, str(r.line), r.instruction[:60], f"{r.hits}/{r.builds}", rate, reason)
    console.print(table)
