"""DF001's unsafe fix end to end: the engine lists the build context into ``context_files``.

The YAML fixtures give ``context_files`` by hand; these tests check the engine's part (which
files it lists, that it lists nothing for a Dockerfile that is not on disk) and the fix on a
real folder, as ``dflint --fix --unsafe-fixes`` would apply it.
"""

from __future__ import annotations

from pathlib import Path

from dflint_rules.cache_busting_copy import CacheBustingCopyOrder
from rule_harness import registry

from dflint.engine import Linter, _context_files
from dflint.finding import Finding, FixSafety
from dflint.fix import fix_text

SEED = Path(__file__).resolve().parent.parent / "fixtures" / "seeds" / "000_flask"


class _OnlyDF001:
    failure_threshold = None
    disable_ignore_pragma = False

    def is_enabled(self, code: str, path: Path) -> bool:
        return code == "DF001"

    def severity_for(self, rule: object) -> object:
        return getattr(rule, "severity", None)

    def options_for(self, rule: type[CacheBustingCopyOrder]) -> object:
        return rule.default_options()


def _linter() -> Linter:
    settings = _OnlyDF001()
    return Linter(registry(), lambda _path: settings)


def _df001(text: str, path: Path) -> list[Finding]:
    outcome = _linter().lint_bytes(text.encode(), str(path), path)
    return [f for f in outcome.findings if f.code == "DF001"]


def test_context_files_lists_two_levels_and_skips_noise(tmp_path: Path) -> None:
    for name in ("Dockerfile", "requirements.txt", "a/b/c.txt", "a/b/c/too-deep.txt", "a/x.py",
                 ".git/HEAD", "node_modules/m/package.json", "env/pyvenv.cfg", "env/lib/x.py"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    assert _context_files(tmp_path) == ("Dockerfile", "requirements.txt", "a/x.py", "a/b/c.txt")


def test_context_files_is_bounded(tmp_path: Path) -> None:
    for index in range(30):
        (tmp_path / f"f{index:02}.txt").write_text("x")
    assert _context_files(tmp_path, limit=10) == tuple(f"f{i:02}.txt" for i in range(10))
    assert _context_files(tmp_path / "missing") == ()


def test_seed_on_disk_gets_the_unsafe_reordering_fix() -> None:
    path = SEED / "Dockerfile"
    text = path.read_text(encoding="utf-8")
    (finding,) = _df001(text, path)
    assert finding.fix is not None and finding.fix.safety is FixSafety.UNSAFE
    assert finding.fix.description == "Copy requirements.txt first and move this COPY after the install"
    assert fix_text(text, lambda t: (_df001(t, path), False)).fixed == text  # safe fixes only
    fixed = fix_text(text, lambda t: (_df001(t, path), False), unsafe=True).fixed
    assert fixed.splitlines()[2:5] == [
        "COPY requirements.txt ./", "RUN pip install -r requirements.txt", "COPY . ."]
    assert _df001(fixed, path) == []


def test_no_fix_when_the_dockerfile_is_not_on_disk(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("flask\n")
    text = (SEED / "Dockerfile").read_text(encoding="utf-8")
    (finding,) = _df001(text, tmp_path / "Dockerfile")  # stdin, unsaved buffer: context unknown
    assert finding.fix is None


def test_no_fix_when_the_manifest_is_not_in_the_context(tmp_path: Path) -> None:
    path = tmp_path / "Dockerfile"
    text = (SEED / "Dockerfile").read_text(encoding="utf-8")
    path.write_text(text)
    (tmp_path / "app.py").write_text("print()\n")
    (finding,) = _df001(text, path)
    assert finding.fix is None
    (tmp_path / "requirements.txt").write_text("flask\n")
    (finding,) = _df001(text, path)  # a new Linter: the listing is cached per linter and folder
    assert finding.fix is not None


def test_explicit_context_files_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "Dockerfile"
    path.write_text("FROM scratch\n")
    options = CacheBustingCopyOrder.Options(context_files=("given.txt",))
    assert _linter()._with_context_inputs(options, path) is options
    filled = _linter()._with_context_inputs(CacheBustingCopyOrder.Options(), path)
    assert filled == CacheBustingCopyOrder.Options(context_files=("Dockerfile",))


def test_pip_manifests_are_read_like_pip_reads_its_options() -> None:
    from dflint_rules._cache_busting_reorder import Needs, is_inert, manifests_of

    assert manifests_of(["pip", "install", "-qr", "req.txt"]) == Needs(("req.txt",))
    both = Needs(("req.txt", "c.txt"))
    assert manifests_of(["pip", "install", "-rreq.txt", "--constraint=c.txt"]) == both
    only_r = Needs(("r.txt",))
    assert manifests_of(["pip", "install", "--target", "/deps", "-r", "r.txt", "gunicorn"]) == only_r
    assert manifests_of(["pip", "install", "-r", "r.txt", "git+https://x.org/a.git"]) == Needs(("r.txt",))
    assert manifests_of(["pip", "install", "-r", "r.txt", "."]) is None
    assert manifests_of(["pip", "install", "-r", "r.txt", "--find-links", "./wheels"]) is None
    assert manifests_of(["pip", "install", "-r", "$REQS"]) is None
    assert manifests_of(["poetry", "install"]) is None  # installs the root package: needs the source
    assert manifests_of(["npm", "install", "left-pad"]) is None
    assert is_inert(["pip", "install", "--upgrade", "pip", "setuptools"])
    assert not is_inert(["pip", "install", "-r", "requirements.txt"])
    assert is_inert(["apt-get", "install", "-y", "--no-install-recommends", "gcc"])
    assert not is_inert(["apt-get", "install", "-y", "./tool.deb"])
    assert is_inert(["rm", "-rf", "/var/lib/apt/lists/*"]) and not is_inert(["rm", "-rf", "build"])
    assert is_inert(["npm", "install", "-g", "pnpm"]) and not is_inert(["npm", "run", "build"])


def test_context_is_listed_only_when_the_rule_found_something(tmp_path: Path) -> None:
    # The listing feeds fixes only; a file with nothing to report must not pay for it.
    path = tmp_path / "Dockerfile"
    path.write_text("FROM scratch\nCOPY . .\n")
    linter = _linter()
    assert linter.lint_path(path).findings == []
    assert linter._context_files_cache == {}
    text = (SEED / "Dockerfile").read_text(encoding="utf-8")
    (tmp_path / "requirements.txt").write_text("flask\n")
    path.write_text(text)
    (finding,) = [f for f in linter.lint_path(path).findings if f.code == "DF001"]
    assert finding.fix is not None
    assert str(tmp_path) in linter._context_files_cache


# -- the context's manifests decide what the Dockerfile cannot show ---------------------------------

_GO_BUILD = "FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o /app .\n"


def _go_project(folder: Path, go_mod: str, *extra: str) -> Path:
    folder.mkdir()
    path = folder / "Dockerfile"
    path.write_text(_GO_BUILD)
    (folder / "main.go").write_text("package main\n\nfunc main() {}\n")
    (folder / "go.mod").write_text(go_mod)
    for name in extra:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text("x\n")
    return path


def test_go_build_is_decided_by_the_contexts_go_mod(tmp_path: Path) -> None:
    requires = _go_project(tmp_path / "requires", "module x\n\ngo 1.22\n\nrequire github.com/a/b v1.2.3\n")
    (finding,) = _df001(_GO_BUILD, requires)
    assert "before the dependency install at line 4 (go build -o /app .)" in finding.message
    bare = _go_project(tmp_path / "bare", "module x\n\ngo 1.22\n")
    assert _df001(_GO_BUILD, bare) == []  # nothing to download
    vendored = _go_project(tmp_path / "vendored", "module x\n\nrequire (\n\tgithub.com/a/b v1.2.3\n)\n",
                           "vendor/modules.txt")
    assert _df001(_GO_BUILD, vendored) == []  # builds use vendor/


def test_go_build_without_context_or_evidence_is_not_reported(tmp_path: Path) -> None:
    # Not on disk (stdin, an unsaved buffer) and nothing in the Dockerfile says modules are
    # downloaded: the rule keeps quiet rather than guess.
    assert _df001(_GO_BUILD, tmp_path / "missing" / "Dockerfile") == []
    # A context without go.mod proves nothing either (the Dockerfile's folder is only a guess).
    path = tmp_path / "Dockerfile"
    path.write_text(_GO_BUILD)
    assert _df001(_GO_BUILD, path) == []


def test_context_texts_are_read_only_for_a_candidate_and_bounded(tmp_path: Path) -> None:
    from dflint.engine import _context_texts

    (tmp_path / "go.mod").write_text("module x\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "requirements-dev.txt").write_text("pytest\n")
    (tmp_path / "big").mkdir()
    (tmp_path / "big" / "package.json").write_text("{" + " " * 70000 + "}")
    files = _context_files(tmp_path)
    texts = _context_texts(tmp_path, files, CacheBustingCopyOrder.context_text_names)
    assert texts == (("go.mod", "module x\n"), ("sub/requirements-dev.txt", "pytest\n"))
    assert _context_texts(tmp_path, files, CacheBustingCopyOrder.context_text_names, max_files=1) == (
        ("go.mod", "module x\n"),)
    path = tmp_path / "Dockerfile"
    path.write_text("FROM python:3.12\nRUN echo hi\n")
    linter = _linter()
    assert linter.lint_path(path).findings == []
    assert linter._context_files_cache == {} and linter._context_texts_cache == {}


def test_the_fix_is_refused_when_a_manifest_reads_other_files(tmp_path: Path) -> None:
    path = tmp_path / "Dockerfile"
    text = (SEED / "Dockerfile").read_text(encoding="utf-8")
    path.write_text(text)
    (tmp_path / "requirements.txt").write_text("-r base.txt\nflask\n")
    (tmp_path / "base.txt").write_text("gunicorn\n")
    (finding,) = _df001(text, path)
    assert finding.fix is None  # `COPY requirements.txt` alone would fail on `-r base.txt`
    (tmp_path / "requirements.txt").write_text("flask\ngunicorn\n")
    (finding,) = _df001(text, path)
    assert finding.fix is not None
