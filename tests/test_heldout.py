"""The held-out set: real Dockerfiles outside the shared corpus, and the verdicts on them.

``fixtures/heldout/`` is our estimate of precision on files nobody tuned on (its README says
how the files were chosen). These tests keep it honest: every file is what its manifest says
and none comes from the corpus; every verdict names a held-out file and a finding dflint
makes (or made); a judged TP that disappears fails, like on the corpus
(``tests/test_judged_findings.py``), and so does a judged FP that comes back unless it is marked
``known`` (the held-out FPs are, until someone fixes their pattern).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from test_judged_findings import precision

ROOT = Path(__file__).resolve().parent.parent
HELDOUT = ROOT / "fixtures" / "heldout"

#: The files themselves are not committed (third-party text from the search tool's index; see
#: fixtures/heldout/README.md): tests that read them run where they were written back.
needs_files = pytest.mark.skipif(
    not all((ROOT / "fixtures" / "heldout" / str(json.loads(line)["name"])).is_file()
            for line in (HELDOUT / "manifest.jsonl").read_text(encoding="utf-8").splitlines()
            if line.strip()),
    reason="held-out files not on this machine (not committed; scripts/heldout_import.py writes them back)")


def _manifest() -> list[dict[str, object]]:
    lines = (HELDOUT / "manifest.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


@pytest.fixture(scope="module")
def judgements() -> list[object]:
    return list(precision.load_judgements(precision.HELDOUT_JUDGED_DIR))


@needs_files
def test_manifest_lists_every_held_out_file_with_its_bytes() -> None:
    records = _manifest()
    names = {f"fixtures/heldout/{r['name']}" for r in records}
    assert names == set(precision.heldout_files())
    assert len(records) >= 150
    for record in records:
        data = (HELDOUT / str(record["name"])).read_bytes()
        assert hashlib.sha256(data).hexdigest() == record["sha256"], record["name"]
        assert len(data) == record["bytes"], record["name"]
        expected = str(record["repo"]).replace("/", "+") + "__" + str(record["path"]).replace("/", "__")
        assert record["name"] == expected
        assert len(str(record["commit"])) == 40 and record["fetched"]


def test_no_held_out_file_comes_from_the_corpus() -> None:
    corpus = [json.loads(line) for line in
              (precision.corpus_dir() / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]
    corpus_repos = {str(r["repo"]).lower() for r in corpus}
    corpus_hashes = {r["sha256"] for r in corpus}
    for record in _manifest():
        assert str(record["repo"]).lower() not in corpus_repos, record["name"]
        assert record["sha256"] not in corpus_hashes, record["name"]


def test_verdicts_name_held_out_files_under_their_code(judgements: list[object]) -> None:
    assert judgements, "fixtures/judged/heldout/ holds no verdicts"
    files = {f"fixtures/heldout/{r['name']}" for r in _manifest()}
    assert all(j.file in files for j in judgements), [j.file for j in judgements if j.file not in files]
    assert all(j.source.startswith(j.code + ".jsonl:") for j in judgements)


@needs_files
def test_held_out_true_positives_stay_and_unmarked_false_positives_stay_away(
        judgements: list[object]) -> None:
    reported = precision.lint({j.file for j in judgements})
    problems = precision.regressions(judgements, reported)
    assert not problems, "\n".join(problems)


def test_a_judged_file_is_found_by_its_path_or_in_the_corpus(tmp_path: Path) -> None:
    assert precision.source("fixtures/heldout/x") == ROOT / "fixtures" / "heldout" / "x"
    assert precision.source("x") == precision.corpus_dir() / "x"
    assert precision.source("fixtures/heldout/x", tmp_path) == tmp_path / "fixtures" / "heldout" / "x"
    (tmp_path / "fixtures" / "heldout").mkdir(parents=True)
    (tmp_path / "fixtures" / "judged" / "heldout").mkdir(parents=True)
    assert precision.checkout_of(tmp_path / "fixtures" / "judged" / "heldout") == tmp_path.resolve()


def test_the_report_prints_the_held_out_table_after_the_corpus_one(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    judged = tmp_path / "fixtures" / "judged"
    (judged / "heldout").mkdir(parents=True)
    (tmp_path / "fixtures" / "heldout").mkdir()
    dockerfile = tmp_path / "fixtures" / "heldout" / "Dockerfile"
    dockerfile.write_text("FROM ubuntu\nUSER root\n", encoding="utf-8")
    corpus_file = precision.corpus_files()[0]
    (judged / "DL3006.jsonl").write_text(json.dumps(
        {"file": corpus_file, "code": "DL3006", "line": 1, "verdict": "debatable", "reason": "r"}) + "\n",
        encoding="utf-8")
    (judged / "heldout" / "DL3006.jsonl").write_text(json.dumps(
        {"file": "fixtures/heldout/Dockerfile", "code": "DL3006", "line": 1, "verdict": "TP",
         "reason": "r"}) + "\n",
        encoding="utf-8")
    assert precision.main(["--judged", str(judged)]) == 0
    out = capsys.readouterr().out
    corpus_part, heldout_part = out.split("# held-out set")
    assert "1 judged findings on 1 files (0 TP, 0 FP, 1 debatable)" in corpus_part
    assert "| DL3006 | 1 | 0 | 0 | 100.0% | 100.0% |" in heldout_part


def test_a_set_whose_files_are_absent_is_named_and_not_measured(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    judged = tmp_path / "fixtures" / "judged"
    (judged / "heldout").mkdir(parents=True)
    (tmp_path / "fixtures" / "heldout").mkdir()
    (judged / "heldout" / "DL3006.jsonl").write_text(json.dumps(
        {"file": "fixtures/heldout/Dockerfile", "code": "DL3006", "line": 1, "verdict": "TP", "reason": "r"})
        + "\n", encoding="utf-8")
    assert precision.main(["--judged", str(judged / "heldout"), "--heldout"]) == 0
    assert "1 of the judged files of fixtures/heldout are not on this machine" in capsys.readouterr().out
