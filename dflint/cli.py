"""The `dflint` command: argument parsing and sub-commands, nothing else.

`dflint [PATH ...]` lints (the `check` sub-command is implied); `parse`, `rules`, `rule`, `lsp`,
`simulate` and `config` are sub-commands. Exit codes follow ruff: 0 nothing at or above the
failure threshold, 1 findings, 2 usage, configuration or unreadable input.

The lint command also takes hadolint's spellings (`-f`, `-t`, `-c`, `--no-fail`, `--no-color`,
`--error CODE`...), so a CI script written for hadolint runs unchanged.

Start-up is most of a one-file lint, so imports are deferred into the functions that need them
(a plain lint must not pay for rich, pygls or the evaluator), and ``dflint PATH...`` with no
option skips argparse altogether (:func:`_plain_args`). The console script enters through
:func:`run`, which also spares the process the garbage collector's passes and the interpreter's
teardown; :func:`main` is the same command for callers that stay alive (tests).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, NoReturn

from dflint import __version__

if TYPE_CHECKING:
    import argparse

    from dflint.report.model import FileResult

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
# Kept as literals (not imported from dflint.report) so `--help` costs no reporter import;
# tests/test_cli.py checks they match dflint.report.FORMATS and ALIASES.
FORMATS = ("tty", "concise", "json", "sarif", "gitlab", "checkstyle", "github", "gnu", "codeclimate",
           "codacy", "sonarqube", "junit")
FORMAT_ALIASES = ("full", "text", "gitlab_codeclimate")
SUBCOMMANDS = ("check", "parse", "rules", "rule", "lsp", "simulate", "config", "version")
#: Sub-commands that keep running (the garbage collector stays on for them).
_LONG_RUNNING = ("lsp",)
#: Input size above which a lint runs with the garbage collector on (see :func:`run`).
_GC_BYTES = 256 * 1024


def _csv(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def _check_parser() -> argparse.ArgumentParser:
    import argparse

    from dflint.helpformat import HelpFormatter

    p = argparse.ArgumentParser(
        prog="dflint",
        formatter_class=HelpFormatter,
        description="Lint Dockerfiles. Sub-commands: parse, rules, rule CODE, lsp, simulate, "
                    "config --from-hadolint.",
    )
    p.add_argument("paths", nargs="*", metavar="PATH",
                   help="files or directories to lint ('-' for stdin); default ./Dockerfile")
    p.add_argument("-f", "--format", action="append", metavar="FORMAT",
                   help=f"output format: {', '.join(FORMATS)} (hadolint's names work too); repeatable, "
                        "paired in order with -o (default: tty, or `format` from the configuration)")
    p.add_argument("-o", "--output", action="append", metavar="FILE",
                   help="write the report to FILE (repeatable: one per -f)")
    p.add_argument("-c", "--config", metavar="PATH",
                   help="use this configuration file (.dflint.toml, pyproject.toml or .hadolint.yaml) for "
                        "every input")
    p.add_argument("--isolated", action="store_true",
                   help="ignore all configuration files and HADOLINT_* variables")
    p.add_argument("--select", type=_csv, metavar="CODES", help="only these rules (codes, prefixes, names)")
    p.add_argument("--extend-select", type=_csv, metavar="CODES", help="enable these rules as well")
    p.add_argument("--ignore", type=_csv, action="extend", metavar="CODES",
                   help="disable these rules (repeatable)")
    p.add_argument("-t", "--failure-threshold", metavar="LEVEL",
                   choices=("error", "warning", "info", "style", "none", "ignore"),
                   help="lowest severity that makes the exit code 1: error, warning, info, style, or none "
                        "(never fail); hadolint's 'ignore' means style")
    p.add_argument("--trusted-registry", action="append", metavar="REGISTRY",
                   help="registry allowed by DL3026 (repeatable)")
    p.add_argument("--require-label", action="append", metavar="NAME:TYPE",
                   help="label every stage must carry, with its type (DL3049-DL3058; repeatable)")
    p.add_argument("--strict-labels", action="store_true", default=None,
                   help="report labels missing from the label schema (DL3050)")
    p.add_argument("--disable-ignore-pragma", action="store_true", default=None,
                   help="ignore every suppression comment")
    for level in ("error", "warning", "info", "style"):
        p.add_argument(f"--{level}", action="append", metavar="CODE", dest=f"severity_{level}",
                       help=f"report CODE at severity {level} (repeatable)")
    p.add_argument("--exit-zero", "--no-fail", action="store_true", dest="exit_zero",
                   help="exit 0 even when findings are reported")
    p.add_argument("--color", choices=("auto", "always", "never"), default=None)
    p.add_argument("--no-color", action="store_const", const="never", dest="color",
                   help="same as --color never")
    p.add_argument("-V", "--verbose", action="store_true",
                   help="print which configuration applies to each input, and what it sets, to stderr")
    p.add_argument("--file-path-in-report", metavar="PATH",
                   help="report every finding under this file name (for a Dockerfile read from stdin)")
    p.add_argument("--statistics", action="store_true", help="print the number of findings per code")
    p.add_argument("--jobs", "-j", type=int, default=0, metavar="N",
                   help="lint files in N processes (default: all cores when there are many files)")
    p.add_argument("--stdin-filename", metavar="NAME", help="the name to report for input read from stdin")
    p.add_argument("--report-unused-ignores", action="store_true",
                   help="report ignore comments that suppress nothing (DF901)")
    p.add_argument("--fix", action="store_true", help="apply safe fixes in place")
    p.add_argument("--diff", action="store_true", help="print the fixes as a unified diff; change nothing")
    p.add_argument("--unsafe-fixes", action="store_true", help="also apply fixes that may change behaviour")
    p.add_argument("--shellcheck", action="store_true", help="also run ShellCheck on RUN scripts")
    p.add_argument("-v", "--version", action="version", version=f"dflint {__version__}")
    return p


def _plain_defaults() -> dict[str, Any]:
    """What :func:`_check_parser` makes of arguments that are all paths, but for ``paths``.

    Kept in step with the parser by tests/test_startup.py: an option added there needs its
    default here too, or that test fails."""
    return {
        "format": None, "output": None, "config": None, "isolated": False, "select": None,
        "extend_select": None, "ignore": None, "failure_threshold": None, "trusted_registry": None,
        "require_label": None, "strict_labels": None, "disable_ignore_pragma": None, "severity_error": None,
        "severity_warning": None, "severity_info": None, "severity_style": None, "exit_zero": False,
        "color": None, "verbose": False, "file_path_in_report": None, "statistics": False, "jobs": 0,
        "stdin_filename": None, "report_unused_ignores": False, "fix": False, "diff": False,
        "unsafe_fixes": False, "shellcheck": False,
    }


#: Arguments that never change a file's settings; any other one given sends the run through
#: dflint.config (see :func:`_settings_source`).
_NOT_SETTINGS = frozenset({
    "paths", "format", "output", "color", "statistics", "jobs", "stdin_filename", "report_unused_ignores",
    "fix", "diff", "unsafe_fixes", "exit_zero", "file_path_in_report",
})


class _PlainArgs:
    """The parsed arguments of ``dflint PATH...`` (no option), made without argparse: building
    the parser (and importing argparse and gettext) cost a one-file lint about a tenth of its time."""

    def __init__(self, paths: list[str]) -> None:
        self.__dict__.update(_plain_defaults())
        self.paths = paths


def _plain_args(argv: Sequence[str]) -> _PlainArgs | None:
    """The arguments when every one is a path (``-`` for stdin included), else None."""
    if all(arg == "-" or (arg and not arg.startswith("-")) for arg in argv):
        return _PlainArgs(list(argv))
    return None


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        if args and args[0] in SUBCOMMANDS:
            command, rest = args[0], args[1:]
            if command == "check":
                return run_check(rest)
            if command == "parse":
                from dflint.parse_output import main as parse_main

                return parse_main(rest)
            if command == "rules":
                return run_rules(rest)
            if command == "rule":
                return run_rule(rest)
            if command == "lsp":
                from dflint.lsp import main as lsp_main

                return lsp_main(rest)
            if command == "simulate":
                from dflint.simulate.cli import main as simulate_main

                return simulate_main(rest)
            if command == "config":
                from dflint.config_convert import main as config_main

                return int(config_main(rest))
            print(f"dflint {__version__}")
            return EXIT_OK
        return run_check(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK


def run() -> NoReturn:
    """The ``dflint`` console script: :func:`main`, in a process that ends as soon as it is done.

    Why: a lint process is short and allocates little garbage that only the cycle collector
    could free, yet the collector's passes over everything imported cost about a twentieth of
    a one-file lint, and tearing the interpreter down (freeing every module) a tenth. So the
    collector is off (turned back on for many or large inputs, see :func:`_collect_garbage`,
    and for the language server), and the process exits without teardown once its output is
    flushed.
    """
    import gc

    if not (sys.argv[1:2] and sys.argv[1] in _LONG_RUNNING):
        gc.disable()
    try:
        code = main()
    except SystemExit as exc:  # argparse's usage errors, --help, --version: as the interpreter would
        if exc.code is None or isinstance(exc.code, int):
            code = exc.code or 0
        else:
            print(exc.code, file=sys.stderr)
            code = 1
    _exit(code)


def _exit(code: int) -> NoReturn:
    """Flush the standard streams and end the process without the interpreter's teardown."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BrokenPipeError:
            # What a reader that stopped early (`dflint ... | head`) leaves: nothing to report.
            pass
        except (OSError, ValueError):
            code = code or EXIT_ERROR
    os._exit(code)


def _collect_garbage() -> None:
    """Turn the collector back on (:func:`run` turned it off) for a run that allocates a lot:
    many files, or a large one. What start-up imported is frozen first, so the collector's
    passes never walk it again."""
    import gc

    if not gc.isenabled():
        gc.freeze()
        gc.enable()


def run_check(argv: Sequence[str]) -> int:
    plain = _plain_args(argv)
    parser = None if plain is not None else _check_parser()
    args: Any = plain if parser is None else parser.parse_args(argv)
    formats = _formats(parser, args.format or _env_formats())
    from dflint.engine import Linter, LintOutcome, lint_many, load_registry

    registry = load_registry()
    reported = _report_problems(registry, 0)
    paths = args.paths or ["Dockerfile"]
    try:
        named = args.stdin_filename or args.file_path_in_report
        settings_for = _settings_source(args, [named] if paths == ["-"] and named else paths, registry)
        linter = Linter(registry, settings_for, report_unused_ignores=args.report_unused_ignores)
        outcomes: list[LintOutcome] = []
        if paths == ["-"]:
            shown = named or "-"
            data = sys.stdin.buffer.read()
            if len(data) > _GC_BYTES:
                _collect_garbage()
            outcomes.append(linter.lint_bytes(data, shown, os.path.abspath(shown)))
        else:
            files = _files(paths)
            if len(files) > 1 or _larger_than(files[0] if files else None, _GC_BYTES):
                _collect_garbage()
            jobs = args.jobs if args.jobs > 0 else (os.cpu_count() or 1) if len(files) >= 64 else 1
            outcomes = lint_many(linter, files, jobs)
        first_settings = settings_for(os.path.abspath(paths[0]))
    except Exception as exc:
        config = sys.modules.get("dflint.config")  # a ConfigError needs the configuration code
        if config is None or not isinstance(exc, config.ConfigError):
            raise
        print(f"dflint: error: {exc}", file=sys.stderr)
        return EXIT_ERROR

    verbose_variable = os.environ.get("HADOLINT_VERBOSE", "").strip().lower()
    if args.verbose or verbose_variable in ("1", "y", "yes", "on", "true"):
        _describe_configuration([o.path for o in outcomes], settings_for)
    if args.fix or args.diff:
        from dflint.fixcli import apply_fixes

        outcomes = apply_fixes(linter, outcomes, diff_only=args.diff, unsafe=args.unsafe_fixes,
                               out=sys.stdout)
    _report_problems(registry, reported)  # rule modules that failed when a file first needed them
    for outcome in outcomes:
        for message in outcome.rule_errors:
            print(f"dflint: error: {message}", file=sys.stderr)

    formats = formats or [getattr(first_settings, "output_format", None) or "tty"]
    color = args.color or getattr(first_settings, "color", None) or "auto"
    _render(formats, outcomes, registry, args, color)
    return _exit_code(outcomes, settings_for, args.exit_zero)


def _settings_source(args: Any, paths: Sequence[str], registry: Any) -> Callable[[Any], Any]:
    """Where each file's settings come from: :mod:`dflint.config`, or the built-in defaults when
    no option, file or variable can configure this run (see :mod:`dflint.configfiles`), which
    spares a plain ``dflint Dockerfile`` the configuration code and pathlib."""
    defaults = _plain_defaults()
    overridden = any(value != defaults.get(name) for name, value in vars(args).items()
                     if name not in _NOT_SETTINGS)
    if not overridden:
        from dflint.configfiles import may_be_configured

        if args.isolated or not may_be_configured(paths):
            from dflint.engine import DEFAULT_SETTINGS

            return lambda _path: DEFAULT_SETTINGS
    from pathlib import Path

    from dflint.config import CliOverrides, ConfigResolver

    overrides = CliOverrides(
        select=args.select,
        extend_select=args.extend_select,
        ignore=args.ignore,
        failure_threshold="style" if args.failure_threshold == "ignore" else args.failure_threshold,
        trusted_registries=args.trusted_registry,
        shellcheck=True if args.shellcheck else None,
        disable_ignore_pragma=args.disable_ignore_pragma,
        severity=[(code.strip(), level) for level in ("error", "warning", "info", "style")
                  for code in getattr(args, f"severity_{level}") or () if code.strip()],
        label_schema=_required_labels(args.require_label),
        strict_labels=args.strict_labels,
    )
    resolver = ConfigResolver(registry, config_path=Path(args.config) if args.config else None,
                              isolated=args.isolated, overrides=overrides)
    return resolver.settings_for


def _files(paths: Sequence[str]) -> Sequence[Any]:
    """The files to lint: the paths themselves, or the Dockerfiles found in those that are
    folders (the walk, with its .gitignore handling, is imported only then)."""
    if not any(os.path.isdir(path) for path in paths):
        return list(paths)
    from dflint.discover import find_dockerfiles

    return list(find_dockerfiles(list(paths)))


def _report_problems(registry: Any, already: int) -> int:
    """Warn about the plugin problems after the first ``already``; the number reported so far."""
    for problem in registry.problems[already:]:
        print(f"dflint: warning: plugin {problem.plugin} not loaded: {problem.message}", file=sys.stderr)
    return len(registry.problems)


def _larger_than(path: object, size: int) -> bool:
    try:
        return os.stat(path).st_size > size  # type: ignore[arg-type]
    except (OSError, TypeError, ValueError):
        return False


def _describe_configuration(paths: Sequence[str], settings_for: Callable[[Any], Any]) -> None:
    """``-V/--verbose`` (hadolint's flag): the configuration of each input, once per file."""
    described: dict[object, str] = {}
    variables = sorted(name for name in os.environ if name.startswith("HADOLINT_"))
    if variables:
        print(f"dflint: HADOLINT_* variables read: {', '.join(variables)}", file=sys.stderr)
    for path in paths:
        settings = settings_for(os.path.abspath(path))
        source = settings.config_path or "built-in defaults"
        print(f"dflint: {path}: configuration {source}", file=sys.stderr)
        if settings not in described:
            threshold = settings.failure_threshold.label if settings.failure_threshold is not None else "none"
            parts = [f"failure-threshold {threshold}"]
            if settings.no_fail:
                parts.append("no-fail")
            if settings.trusted_registries:
                parts.append(f"trusted registries {', '.join(settings.trusted_registries)}")
            if settings.label_schema:
                labels = ", ".join(f"{name}:{kind}" for name, kind in settings.label_schema.items())
                parts.append(f"label schema {labels}")
            if settings.disable_ignore_pragma:
                parts.append("ignore comments disabled")
            changed = {code: level.label if level is not None else "off"
                       for code, level in settings.severity_overrides.items()}
            if changed:
                parts.append("severities " + ", ".join(f"{c}={lvl}" for c, lvl in sorted(changed.items())))
            described[settings] = "; ".join(parts)
            print(f"dflint:   {described[settings]}", file=sys.stderr)


def _env_formats() -> list[str] | None:
    value = os.environ.get("DFLINT_FORMAT")
    return [value] if value else None


def _formats(parser: argparse.ArgumentParser | None, names: Sequence[str] | None) -> list[str]:
    """The canonical names of the formats asked for (a usage error for an unknown one)."""
    if not names:
        return []
    from dflint.report import resolve_format

    try:
        return [resolve_format(name) for name in names]
    except ValueError as exc:
        (parser or _check_parser()).error(str(exc))
        raise  # parser.error exits; this satisfies the type checker


def _required_labels(items: Sequence[str] | None) -> dict[str, str] | None:
    """hadolint's ``--require-label NAME:TYPE`` (repeatable) as a label schema."""
    if not items:
        return None
    from dflint.config import ConfigError
    from dflint.hadolint_config import parse_label

    def fail(key: str, message: str) -> ConfigError:
        return ConfigError(message, key=key)

    schema: dict[str, str] = {}
    for item in items:
        schema.update(parse_label(item, "--require-label", fail))
    return schema


def _render(formats: Sequence[str], outcomes: Sequence[object], registry: object, args: Any,
            color: str) -> None:
    """Each format to its ``-o`` file, paired in order as hadolint does; the rest to stdout
    (extra ``-o`` files get the last format)."""
    from dflint.report import FileResult, render

    results = [
        FileResult(path=o.path, findings=o.findings, source_lines=o.source_lines)  # type: ignore[attr-defined]
        for o in outcomes
    ]
    if args.file_path_in_report:
        results = _renamed(results, args.file_path_in_report)
    rules = registry.rules  # type: ignore[attr-defined]  # imports only the rules asked for
    outputs = list(args.output or ())
    for index in range(max(len(formats), len(outputs))):
        fmt = formats[min(index, len(formats) - 1)]
        if index < len(outputs):
            with open(outputs[index], "w", encoding="utf-8", newline="") as out:
                render(fmt, results, rules, color="never", statistics=args.statistics, out=out)
        else:
            render(fmt, results, rules, color=color, statistics=args.statistics, out=sys.stdout)


def _renamed(results: Sequence[FileResult], path: str) -> list[FileResult]:
    """``--file-path-in-report``: every result and finding under ``path`` (hadolint's flag)."""
    from dflint.finding import Finding
    from dflint.records import replace

    def moved(finding: Finding) -> Finding:
        values = {name: getattr(finding, name) for name in finding.__match_args__}
        return Finding(**{**values, "file": path})

    return [
        replace(r, path=path, findings=[moved(f) for f in r.findings], errors=[moved(f) for f in r.errors])
        for r in results
    ]


def _exit_code(outcomes: Sequence[object], settings_for: Callable[[Any], Any], exit_zero: bool) -> int:
    if any(getattr(o, "unreadable", False) for o in outcomes):
        return EXIT_ERROR
    if exit_zero:
        return EXIT_OK
    for outcome in outcomes:
        settings = settings_for(os.path.abspath(outcome.path))  # type: ignore[attr-defined]
        threshold = getattr(settings, "failure_threshold", None)
        if threshold is None or getattr(settings, "no_fail", False):
            continue
        if any(f.severity >= threshold for f in outcome.findings):  # type: ignore[attr-defined]
            return EXIT_FINDINGS
    return EXIT_OK


def run_rules(argv: Sequence[str]) -> int:
    import argparse

    from dflint.helpformat import HelpFormatter

    p = argparse.ArgumentParser(
        prog="dflint rules", description="List every rule dflint knows.", formatter_class=HelpFormatter
    )
    p.add_argument("--format", choices=("text", "json"), default="text")
    args = p.parse_args(argv)
    from dflint.engine import load_registry

    registry = load_registry()
    if args.format == "json":
        import json

        rows = [
            {"code": r.code, "name": r.name, "severity": r.severity.label, "summary": r.summary,
             "fix": r.fix_safety.value, "aliases": list(r.aliases), "enabled": r.enabled_by_default,
             "url": r.url()}
            for r in registry
        ]
        print(json.dumps(rows, indent=2))
        return EXIT_OK
    width = max((len(r.name) for r in registry), default=10)
    print(f"{'CODE':<7} {'NAME':<{width}} {'SEVERITY':<8} {'FIX':<6} SUMMARY")
    for r in registry:
        fix = "" if r.fix_safety.value == "none" else r.fix_safety.value
        off = "" if r.enabled_by_default else " (off by default)"
        print(f"{r.code:<7} {r.name:<{width}} {r.severity.label:<8} {fix:<6} {r.summary}{off}")
    return EXIT_OK


def run_rule(argv: Sequence[str]) -> int:
    import argparse

    from dflint.helpformat import HelpFormatter

    p = argparse.ArgumentParser(
        prog="dflint rule", description="Print one rule's documentation.", formatter_class=HelpFormatter
    )
    p.add_argument("code", help="rule code, name or alias (DL3006, untagged-image, JSONArgsRecommended)")
    args = p.parse_args(argv)
    from dflint.engine import load_registry
    from dflint.ruledoc import render_rule_page

    registry = load_registry()
    wanted = args.code
    code = wanted.upper() if wanted.upper() in registry.rules else registry.by_name_or_alias().get(wanted)
    if code is None:
        print(f"dflint: error: no rule {wanted!r}; see `dflint rules`", file=sys.stderr)
        return EXIT_ERROR
    print(render_rule_page(registry.rules[code]))
    return EXIT_OK


if __name__ == "__main__":
    run()
