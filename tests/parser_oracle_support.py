"""Differential comparison of dflint's parser with the oracle (PyPI ``dockerfile`` 3.4.0 = BuildKit v0.12.5).

Every normalisation below is a *documented* difference between the oracle and current BuildKit
(spec §6.1/§7, oracle docstring); :func:`explain` names the known difference that explains a
disagreement, and anything it cannot explain counts as a real disagreement.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from dflint.parse_output import to_json
from dflint.parser import parse_bytes

ORACLE = Path("/work/shared/tools/buildkit_oracle.py")
REALWORLD = Path("/work/shared/corpus/realworld")
PYTHON = Path(__file__).resolve().parents[1] / ".venv" / "bin" / "python"


def oracle_available() -> bool:
    return ORACLE.is_file() and REALWORLD.is_dir()


def corpus_files() -> list[Path]:
    return sorted(p for p in REALWORLD.iterdir() if p.is_file() and p.name != "README.md")


def default_slice(n: int = 150) -> list[Path]:
    files = corpus_files()
    step = max(1, len(files) // n)
    return files[::step][:n]


def run_oracle(paths: list[Path]) -> dict[str, dict[str, Any]]:
    """Run the oracle in a subprocess (it loads a Go shared library; keep it out of our process)."""
    out: dict[str, dict[str, Any]] = {}
    python = str(PYTHON) if PYTHON.exists() else sys.executable
    for i in range(0, len(paths), 500):
        chunk = [str(p) for p in paths[i : i + 500]]
        res = subprocess.run(
            [python, str(ORACLE), *chunk],
            capture_output=True,
            text=True,
            check=False,
            env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        )
        for line in res.stdout.splitlines():
            d = json.loads(line)
            out[d["path"]] = d
    return out


def _norm_ours(df_json: dict[str, Any], df: Any) -> list[dict[str, Any]]:
    out = []
    for _ins, raw in zip(df.instructions, df_json["instructions"], strict=True):
        d = dict(raw)
        name = d["sub_cmd"] or d["cmd"]
        if name in ("env", "label"):
            # v0.12.5 has no separator node: drop every third element.
            v = d["value"]
            d["value"] = [x for i, x in enumerate(v) if i % 3 != 2]
        if d["heredocs"]:
            # The wrapper rebuilds `original` of heredoc instructions: body + bare terminator appended.
            d["original"] = (
                d["original"] + "\n" + "".join(h["content"] + h["name"] + "\n" for h in d["heredocs"])
            )
        d["heredocs"] = [{"name": h["name"], "content": h["content"]} for h in d["heredocs"]]
        out.append(_nul(d))
    return out


def _nul(obj: Any) -> Any:
    """The oracle's C boundary cuts strings at NUL: do the same to ours."""
    if isinstance(obj, str):
        return obj.split("\x00", 1)[0]
    if isinstance(obj, list):
        return [_nul(x) for x in obj]
    if isinstance(obj, dict):
        return {k: _nul(v) for k, v in obj.items()}
    return obj


def _norm_oracle(parse: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for c in parse:
        out.append(
            {
                "cmd": c["cmd"].lower(),
                "sub_cmd": c["sub_cmd"].lower() if c["sub_cmd"] else None,
                "json": c["json"],
                "original": c["original"],
                "start_line": c["start_line"],
                "end_line": c["end_line"],
                "flags": c["flags"],
                "value": c["value"],
                "heredocs": [{"name": h["name"], "content": h["content"]} for h in c["heredocs"]],
            }
        )
    return out


_JUNK_JSON = re.compile(r"^\s*(?:RUN|CMD|ENTRYPOINT|SHELL|ADD|COPY|VOLUME)\b.*\]\s*\S", re.I | re.M)
_SPACE_HEREDOC = re.compile(r"<<-?[ \t]+\S")


def explain(path: Path, ours: list[dict[str, Any]], theirs: list[dict[str, Any]]) -> str | None:
    """Name the documented oracle limitation behind a disagreement, or None."""
    text = path.read_bytes().decode("utf-8", "surrogateescape")
    head = text.split("\n", 20)
    if any(re.match(r"\s*#\s*check\s*=", ln, re.I) for ln in head[:20]):
        return "check-directive (v0.12.5 ends the directive block at `# check=`)"
    if _SPACE_HEREDOC.search(text):
        return "heredoc-space (`<< EOF` needs BuildKit >= 0.22)"
    for a, b in zip(ours, theirs, strict=False):
        if a != b and (
            a["cmd"] in ("run", "cmd", "entrypoint", "shell", "add", "copy", "volume") or a["sub_cmd"]
        ):
            orig = a["original"]
            if "[" in orig and not a["json"] and b["json"]:
                return "json-trailing-junk (old parser accepted `[...] junk` as exec form)"
    if any(a["cmd"] == "onbuild" for a in ours) and any(
        a != b and a["cmd"] == "onbuild" for a, b in zip(ours, theirs, strict=False)
    ):
        return "onbuild-wrapper"
    return None


def compare(path: Path, oracle: dict[str, Any]) -> tuple[bool, str]:
    """(agrees, detail)."""
    df = parse_bytes(path.read_bytes(), str(path))
    ours_json = to_json(df)
    parser_errors = [e for e in df.errors if e.layer == "parser"]
    if "error" in oracle:
        if parser_errors:
            return True, ""
        return False, f"oracle error {oracle['error']!r}, we accept"
    if parser_errors:
        return False, f"we reject: {parser_errors[0].message} (line {parser_errors[0].line})"
    ours = _norm_ours(ours_json, df)
    theirs = _nul(_norm_oracle(oracle["parse"]))
    if ours == theirs:
        return True, ""
    for a, b in zip(ours, theirs, strict=False):
        if a != b:
            diff = {k: (a[k], b[k]) for k in a if a[k] != b.get(k)}
            return False, f"first difference at line {a['start_line']}: {diff}"
    return False, f"instruction count {len(ours)} vs {len(theirs)}"
