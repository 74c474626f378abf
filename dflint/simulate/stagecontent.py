"""What a stage's filesystem holds at a path, as far as it can be known without building.

Why: ``COPY --from=stage`` and ``RUN --mount=type=bind,from=stage`` are keyed by the *content*
of the selected paths, not by the source stage's cache key (BuildKit checksums the selection).
So a rebuilt source stage does not make them miss when the copied bytes stay the same: a change
to a layer that writes elsewhere (measured on BuildKit 0.8: a later ``COPY notes.txt /notes/``
leaves ``COPY --from=build /app.txt`` cached), or a rebuilt RUN whose output happens to be
byte-identical.

Each layer of a stage is recorded as a :class:`Writer`: which paths it may write and what is
known of the bytes. A file op from the build context (COPY/ADD, a WORKDIR mkdir) writes known
paths with known content digests: a change there is *certain*. A RUN, the base image, or a
remote ADD may write anything, and when they are rebuilt nobody knows what they wrote: their
identity (the layer key) is *uncertain* input. :func:`selection_digests` reduces the writers
that touch a selection to one digest of each kind, so the consumer's key changes for certain
when a certain input changed, and the comparison can say "may hit" when only uncertain inputs
did (:func:`dflint.simulate.changes.apply_comparison`).
"""

from __future__ import annotations

import hashlib
import json
import posixpath
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

__all__ = ["Writer", "overlaps", "selected_path", "selection_digests"]


@dataclass(frozen=True)
class Writer:
    """One layer seen as a writer of paths in its stage's filesystem."""

    line: int
    #: Absolute paths (files or directory prefixes) it writes; None: anywhere (RUN, base image).
    spans: tuple[str, ...] | None
    #: Known content per written path (certain: a different digest means different bytes).
    certain: Mapping[str, str] = field(default_factory=dict)
    #: Identity of output that cannot be known offline ("" when everything it writes is known).
    uncertain: str = ""


def overlaps(a: str, b: str) -> bool:
    """Whether two absolute paths touch: equal, or one inside the other (``/`` touches all)."""
    if a == b or a == "/" or b == "/":
        return True
    return a.startswith(b.rstrip("/") + "/") or b.startswith(a.rstrip("/") + "/")


def selected_path(src: str) -> str:
    """The absolute path a ``--from`` source selects; a glob selects its literal parent directory."""
    literal: list[str] = []
    for part in posixpath.normpath("/" + src.replace("\\", "/")).split("/"):
        if any(c in part for c in "*?["):
            break
        if part:
            literal.append(part)
    return "/" + "/".join(literal)


def _digest(parts: object) -> str:
    data = json.dumps(parts, sort_keys=True, separators=(",", ":")).encode()
    return "sha256:" + hashlib.sha256(data).hexdigest()


def selection_digests(writers: Iterable[Writer], selected: list[str]) -> tuple[str, str]:
    """(certain, uncertain) digests of what the writers put at the selected paths, in order.

    The uncertain digest is "" when no writer of unknown output touches the selection.
    """
    certain: list[list[tuple[str, str]]] = []
    uncertain: list[str] = []
    for writer in writers:
        if writer.spans is not None and not any(overlaps(s, sel) for s in writer.spans for sel in selected):
            continue
        picked = sorted(
            (path, dgst) for path, dgst in writer.certain.items() if any(overlaps(path, s) for s in selected)
        )
        if picked:
            certain.append(picked)
        if writer.uncertain:
            uncertain.append(writer.uncertain)
    return _digest(certain), _digest(uncertain) if uncertain else ""
