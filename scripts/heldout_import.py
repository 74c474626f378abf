"""Store fetched real-world Dockerfiles as the held-out set (``fixtures/heldout/``).

The held-out set is a second sample of real Dockerfiles that no rule was tuned on: our estimate of
precision on files we have never seen (see ``fixtures/heldout/README.md``). Its files come from
public repositories through the search tool's ``read_file``, one JSON answer a line::

    {"repo": "owner/name", "path": "dir/Dockerfile", "commit": "<sha>", "text": "...", "total_chars": 123}

    python scripts/heldout_import.py ANSWERS.jsonl [--set heldout2] [--fetched YYYY-MM-DD]

Each file is written as ``fixtures/<set>/<owner>+<name>__<path with / as __>`` (the shared
corpus's naming; ``<set>`` is ``heldout`` unless ``--set`` names another) and recorded in
``fixtures/<set>/manifest.jsonl`` with its repo, path, commit, sha256, the date fetched and, when
the answer says, how it was chosen (``sample``). A file is refused when its bytes (or its text
with whitespace normalised) are in the shared corpus or in another held-out set, when its
repository is one the corpus or another held-out set holds, or when its text is already in this
set from another repository (a fork): held-out means nobody tuned on it, and a set that was judged
and then fixed is no longer held out, so a newer set must not share its files either.

The tool's text drops carriage returns; when ``total_chars`` counts one more character per line,
the file had CRLF line ends and is written back with them (so a CRLF file stays a CRLF file).
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
HELDOUT = FIXTURES / "heldout"
MANIFEST = HELDOUT / "manifest.jsonl"


def corpus_dir() -> Path:
    for candidate in (ROOT.parent / "shared" / "corpus" / "realworld", Path("/work/shared/corpus/realworld")):
        if candidate.is_dir():
            return candidate
    raise SystemExit("heldout_import: the shared corpus (../shared/corpus/realworld) is not there")


def stored_name(repo: str, path: str) -> str:
    """``owner/name`` + ``a/b/Dockerfile`` -> ``owner+name__a__b__Dockerfile`` (the corpus's naming)."""
    return repo.replace("/", "+") + "__" + path.replace("/", "__")


def normalised(data: bytes) -> str:
    """Text with line ends and trailing blanks evened out: a near-copy of a corpus file still matches."""
    lines = data.decode("utf-8", "replace").replace("\r\n", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip()


def file_bytes(answer: dict[str, object]) -> bytes:
    """The file's bytes from one ``read_file`` answer (CRLF restored when the count says so)."""
    text = str(answer["text"])
    total = int(str(answer["total_chars"]))
    if len(text) == total:
        return text.encode("utf-8")
    if len(text) + text.count("\n") == total:
        return text.replace("\n", "\r\n").encode("utf-8")
    raise ValueError(f"{answer['repo']}:{answer['path']}: {len(text)} characters, the answer says {total}")


class Corpus:
    """What a set of real files holds (the shared corpus, or an earlier held-out set):
    repositories, byte hashes and normalised texts."""

    def __init__(self, folder: Path, label: str = "the shared corpus") -> None:
        self.label = label
        self.repos: set[str] = set()
        self.hashes: set[str] = set()
        for line in (folder / "manifest.jsonl").read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            self.repos.add(str(record["repo"]).lower())
            self.hashes.add(str(record["sha256"]))
        self.texts = {normalised(p.read_bytes()) for p in folder.iterdir()
                      if p.is_file() and not p.name.endswith((".md", ".json", ".jsonl"))}

    def why_not(self, repo: str, data: bytes) -> str | None:
        if repo.lower() in self.repos:
            return f"its repository is in {self.label}"
        if hashlib.sha256(data).hexdigest() in self.hashes:
            return f"its bytes are in {self.label}"
        if normalised(data) in self.texts:
            return f"its text is in {self.label}"
        return None


def other_heldout_sets(target: Path) -> list[Corpus]:
    """Every other held-out set (``fixtures/heldout*`` with a manifest): none may share a file."""
    return [Corpus(folder, f"the held-out set {folder.name}")
            for folder in sorted(FIXTURES.glob("heldout*"))
            if folder.resolve() != target.resolve() and (folder / "manifest.jsonl").is_file()]


def read_answers(paths: Iterable[Path]) -> list[dict[str, object]]:
    answers: list[dict[str, object]] = []
    for path in paths:
        lines = path.read_text(encoding="utf-8").splitlines()
        answers.extend(json.loads(line) for line in lines if line.strip())
    return answers


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("answers", nargs="+", type=Path, help="JSON lines of read_file answers")
    parser.add_argument("--fetched", default=datetime.date.today().isoformat(),
                        help="date fetched (YYYY-MM-DD)")
    parser.add_argument("--set", default=HELDOUT.name, dest="name",
                        help="the held-out set to add to (a folder under fixtures/, default heldout)")
    args = parser.parse_args(argv)

    folder = FIXTURES / args.name
    manifest = folder / "manifest.jsonl"
    refusers = [Corpus(corpus_dir()), *other_heldout_sets(folder)]
    records: dict[str, dict[str, object]] = {}
    if manifest.exists():
        for line in manifest.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            records[record["name"]] = record
    folder.mkdir(parents=True, exist_ok=True)
    texts = {normalised((folder / name).read_bytes()): str(r["repo"]) for name, r in records.items()
             if (folder / name).is_file()}
    refused = 0
    for answer in read_answers(args.answers):
        repo, path = str(answer["repo"]), str(answer["path"])
        data = file_bytes(answer)
        reason = next((why for why in (c.why_not(repo, data) for c in refusers) if why), None)
        if reason is None and texts.get(normalised(data), repo) != repo:
            reason = f"its text is already in this set, from {texts[normalised(data)]}"
        if reason:
            print(f"refused {repo}:{path}: {reason}", file=sys.stderr)
            refused += 1
            continue
        name = stored_name(repo, path)
        (folder / name).write_bytes(data)
        texts[normalised(data)] = repo
        records[name] = {"name": name, "repo": repo, "path": path, "commit": answer["commit"],
                         "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data),
                         "fetched": records.get(name, {}).get("fetched", args.fetched)}
        if answer.get("sample"):
            records[name]["sample"] = str(answer["sample"])
    manifest.write_text("".join(json.dumps(r) + "\n" for _, r in sorted(records.items())), encoding="utf-8")
    print(f"{len(records)} files in fixtures/{args.name}, {refused} refused")
    return 0


if __name__ == "__main__":
    sys.exit(main())
