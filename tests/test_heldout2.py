"""The second held-out set: real Dockerfiles that neither the corpus nor the first held-out set holds.

The first held-out set (``fixtures/heldout/``) was judged and its FPs fixed, so it is held out no
longer; ``fixtures/heldout2/`` is the untouched sample that gives the honest estimate (its README
says how the files were chosen). These tests keep it honest like ``tests/test_heldout.py`` does
the first: every file is what its manifest says, none comes from the corpus or the first set, and
the verdicts name findings dflint makes (or made). Its FPs are marked ``known`` until someone fixes
their pattern, so a judged TP that disappears fails, and so does an unmarked FP that comes back.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest
from test_judged_findings import precision

ROOT = Path(__file__).resolve().parent.parent
HELDOUT2 = ROOT / "fixtures" / "heldout2"


def _manifest(folder: Path) -> list[dict[str, object]]:
    lines = (folder / "manifest.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def _importer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("heldout_import", ROOT / "scripts" / "heldout_import.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def judgements() -> list[object]:
    return list(precision.load_judgements(precision.HELDOUT2_JUDGED_DIR))


def test_manifest_lists_every_file_with_its_bytes_and_how_it_was_chosen() -> None:
    records = _manifest(HELDOUT2)
    names = {f"fixtures/heldout2/{r['name']}" for r in records}
    assert names == set(precision.heldout_files(name="heldout2"))
    assert len(records) >= 150
    for record in records:
        data = (HELDOUT2 / str(record["name"])).read_bytes()
        assert hashlib.sha256(data).hexdigest() == record["sha256"], record["name"]
        assert len(data) == record["bytes"], record["name"]
        expected = str(record["repo"]).replace("/", "+") + "__" + str(record["path"]).replace("/", "__")
        assert record["name"] == expected
        assert len(str(record["commit"])) == 40 and record["fetched"]
        assert str(record.get("sample", "")).startswith("path "), record["name"]


def test_no_file_comes_from_the_corpus_or_the_first_held_out_set() -> None:
    importer = _importer()
    others = [importer.Corpus(precision.corpus_dir()),
              importer.Corpus(ROOT / "fixtures" / "heldout", "the first held-out set")]
    records = _manifest(HELDOUT2)
    for record in records:
        data = (HELDOUT2 / str(record["name"])).read_bytes()
        assert all(o.why_not(str(record["repo"]), data) is None for o in others), record["name"]
    owners = Counter(str(r["repo"]).split("/")[0].lower() for r in records)
    assert max(owners.values()) == 1, "one file per owner, so no project weighs twice"


def test_verdicts_name_files_of_the_set_under_their_code(judgements: list[object]) -> None:
    assert judgements, "fixtures/judged/heldout2/ holds no verdicts"
    files = set(precision.heldout_files(name="heldout2"))
    assert all(j.file in files for j in judgements), [j.file for j in judgements if j.file not in files]
    assert all(j.source.startswith(j.code + ".jsonl:") for j in judgements)


def test_true_positives_stay_and_unmarked_false_positives_stay_away(judgements: list[object]) -> None:
    reported = precision.lint({j.file for j in judgements})
    problems = precision.regressions(judgements, reported)
    assert not problems, "\n".join(problems)


def test_the_importer_refuses_an_earlier_held_out_set_and_forks(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    importer = _importer()
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "manifest.jsonl").write_text(json.dumps({"repo": "big/official", "sha256": "0" * 64}) + "\n",
                                           encoding="utf-8")
    first = tmp_path / "fixtures" / "heldout"
    first.mkdir(parents=True)
    (first / "old+repo__Dockerfile").write_text("FROM alpine:3.20\nRUN true\n", encoding="utf-8")
    (first / "manifest.jsonl").write_text(json.dumps({"repo": "old/repo", "sha256": "1" * 64}) + "\n",
                                          encoding="utf-8")
    monkeypatch.setattr(importer, "FIXTURES", tmp_path / "fixtures")
    monkeypatch.setattr(importer, "corpus_dir", lambda: corpus)
    answers = [
        {"repo": "old/repo", "path": "other/Dockerfile", "text": "FROM debian:12\n"},      # first set's repo
        {"repo": "new/a", "path": "Dockerfile", "text": "FROM alpine:3.20\nRUN true  \n"},  # first set's text
        {"repo": "new/b", "path": "Dockerfile", "text": "FROM node:22\n", "sample": "path Dockerfile #7"},
        {"repo": "fork/b", "path": "Dockerfile", "text": "FROM node:22\n"},                # a fork of new/b
        {"repo": "big/official", "path": "Dockerfile", "text": "FROM busybox\n"},          # corpus repo
    ]
    file = tmp_path / "answers.jsonl"
    file.write_text("".join(json.dumps({**a, "commit": "c" * 40, "total_chars": len(str(a["text"]))}) + "\n"
                            for a in answers), encoding="utf-8")
    assert importer.main([str(file), "--set", "heldout2", "--fetched", "2026-12-04"]) == 0
    records = _manifest(tmp_path / "fixtures" / "heldout2")
    assert [(r["repo"], r.get("sample")) for r in records] == [("new/b", "path Dockerfile #7")]


def test_the_weighted_precision_weighs_each_rule_by_its_findings() -> None:
    scores = {"A": precision.RuleScore("A", tp=9, fp=1), "B": precision.RuleScore("B", tp=1, fp=1),
              "C": precision.RuleScore("C", debatable=2)}
    assert precision.weighted_precision(scores, Counter({"A": 90, "B": 10, "C": 5})) == pytest.approx(0.86)
    assert precision.weighted_precision({}, Counter()) is None


def test_the_report_prints_each_held_out_set_after_the_corpus(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    judged = tmp_path / "fixtures" / "judged"
    for name in ("heldout", "heldout2"):
        (judged / name).mkdir(parents=True)
        (tmp_path / "fixtures" / name).mkdir()
        (tmp_path / "fixtures" / name / "Dockerfile").write_text("FROM ubuntu\nUSER root\n", encoding="utf-8")
        (judged / name / "DL3006.jsonl").write_text(json.dumps(
            {"file": f"fixtures/{name}/Dockerfile", "code": "DL3006", "line": 1,
             "verdict": "TP" if name == "heldout2" else "debatable", "reason": "r"}) + "\n", encoding="utf-8")
    (judged / "DL3006.jsonl").write_text(json.dumps(
        {"file": precision.corpus_files()[0], "code": "DL3006", "line": 1, "verdict": "debatable",
         "reason": "r"}) + "\n", encoding="utf-8")
    assert precision.main(["--judged", str(judged)]) == 0
    out = capsys.readouterr().out
    _, first, second = out.split("# held-out set")
    assert "(fixtures/heldout);" in first and "0 TP, 0 FP, 1 debatable" in first
    assert "(fixtures/heldout2);" in second and "| DL3006 | 1 | 0 | 0 | 100.0% | 100.0% |" in second
    assert precision.main(["--judged", str(judged / "heldout2"), "--heldout2", "--all"]) == 0
    assert "finding-weighted precision: 100.0% (" in capsys.readouterr().out
