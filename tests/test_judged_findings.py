"""The judged findings hold: no judged FP comes back, no judged TP disappears.

The verdicts live in ``fixtures/judged/<CODE>.jsonl`` (see its README); ``scripts/precision.py``
does the matching, so ``make precision`` and this test can never disagree.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _precision_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("precision", ROOT / "scripts" / "precision.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["precision"] = module  # dataclasses looks its module up there
    spec.loader.exec_module(module)
    return module


precision = _precision_module()


@pytest.fixture(scope="module")
def judgements() -> list[object]:
    return list(precision.load_judgements())


def test_judgements_exist_and_name_corpus_files(judgements: list[object]) -> None:
    assert judgements, "fixtures/judged/ holds no judgements"
    corpus = set(precision.corpus_files())
    unknown = [f"{j.source}: {j.file}" for j in judgements if j.file not in corpus]
    assert not unknown, "judged files not in the corpus:\n" + "\n".join(unknown)


def test_judged_file_names_match_their_codes(judgements: list[object]) -> None:
    wrong = [f"{j.source}: code {j.code}" for j in judgements if not j.source.startswith(j.code + ".jsonl:")]
    assert not wrong, "a judgement lives in <CODE>.jsonl:\n" + "\n".join(wrong)


def test_judged_false_positives_stay_away_and_judged_true_positives_stay(judgements: list[object]) -> None:
    reported = precision.lint({j.file for j in judgements})
    problems = precision.regressions(judgements, reported)
    assert not problems, "\n".join(problems)


def test_malformed_judgement_is_reported_with_its_place(tmp_path: Path) -> None:
    (tmp_path / "DF001.jsonl").write_text(
        json.dumps({"file": "x", "code": "DF001", "line": 3, "verdict": "maybe", "reason": "r"}) + "\n",
        encoding="utf-8")
    with pytest.raises(precision.JudgedDataError, match=r"DF001.jsonl:1: verdict 'maybe'"):
        precision.load_judgements(tmp_path)


def test_conflicting_judgements_of_one_finding_are_refused(tmp_path: Path) -> None:
    line = {"file": "x", "code": "DF001", "line": 3, "reason": "r"}
    (tmp_path / "DF001.jsonl").write_text(
        json.dumps({**line, "verdict": "TP"}) + "\n" + json.dumps({**line, "verdict": "FP"}) + "\n",
        encoding="utf-8")
    with pytest.raises(precision.JudgedDataError, match="judged FP here but TP"):
        precision.load_judgements(tmp_path)


def test_score_counts_fixed_false_positives_and_lost_true_positives() -> None:
    j = precision.Judgement
    r = precision.Reported
    judgements = [j("a", "X1", 1, "TP", "", "", "s"), j("a", "X1", 2, "FP", "", "", "s"),
                  j("a", "X1", 3, "TP", "", "", "s"), j("a", "X1", 4, "FP", "", "", "s")]
    reported = [r("a", "X1", 1, 1, ""), r("a", "X1", 2, 1, ""), r("a", "X1", 9, 1, "")]
    score = precision.score(judgements, reported)["X1"]
    assert (score.tp, score.fp, score.lost_tp, score.fixed_fp, score.unjudged) == (1, 1, 1, 1, 1)
    assert score.precision == 0.5
    assert score.recall == 0.5
    assert len(precision.regressions(judgements, reported)) == 2
