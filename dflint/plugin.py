"""The public Rule API and rule discovery through the ``dflint.rules`` entry-point group.

A rule is a class with metadata in class attributes and one ``check`` method; its docstring is
its documentation page (ruff's sections: What it does / Why is this bad? / Example / Use instead /
Fix safety / Options / References). Built-in rules (``dflint_rules``) are found through the same
entry-point group as third-party plugins, so the core never imports a rule by name.

An entry point may name:
* a :class:`Rule` subclass;
* a module: its ``RULES`` attribute (an iterable of Rule subclasses) if present, otherwise every
  Rule subclass defined in that module;
* a callable returning an iterable of Rule subclasses.
"""

from __future__ import annotations

import os
import re
import sys
import types
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, MutableMapping
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from dflint.finding import FixSafety, Severity, Violation
from dflint.records import FACTORY, Factories, FrozenRecord, Record, is_dataclass
from dflint.ruleindex import RuleEntry, read_index

if TYPE_CHECKING:
    from dflint.semantic import SemanticModel
    from dflint.shell import ShellScript
    from dflint.tree import Dockerfile, Instruction

T = TypeVar("T")

ENTRY_POINT_GROUP = "dflint.rules"
DOCS_URL = "https://github.com/dflint/dflint/blob/main/docs/rules/{code}.md"

_CODE_RE = re.compile(r"^[A-Z]{1,4}[0-9]{3,4}$")
_NAME_RE = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")


class NoOptions(FrozenRecord):
    """Options of a rule that takes none."""

    __slots__ = ()


class Rule:
    """Base class of every rule, built-in or plugin.

    Subclasses set the class attributes below and implement :meth:`check`.
    """

    code: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[Severity]
    summary: ClassVar[str]
    aliases: ClassVar[tuple[str, ...]] = ()
    fix_safety: ClassVar[FixSafety] = FixSafety.NONE
    enabled_by_default: ClassVar[bool] = True
    #: A frozen dataclass whose fields (with defaults) are the rule's options.
    Options: ClassVar[type[Any]] = NoOptions
    #: Lazy loading (:mod:`dflint.ruleindex`): the instruction keywords, lower-case
    #: (``run``, ``copy``), of which a file must hold one, at top level or as an ONBUILD
    #: trigger, for this rule to have anything to report. None: any file.
    instructions: ClassVar[frozenset[str] | None] = None
    #: Command names of which one must appear in the file's text (quotes and continuations
    #: removed, case ignored, matched as substrings: ``pip`` covers ``pip3``) for this rule to
    #: report, with its default options. None: no such condition.
    commands: ClassVar[frozenset[str] | None] = None
    #: Other text of which one piece must appear there (same search): ``$`` for a rule about
    #: variables, ``|`` for one about pipes. None: no such condition.
    text_contains: ClassVar[frozenset[str] | None] = None
    #: Names (globs) of build-context files whose text the rule reads through a
    #: ``context_texts`` option, which the engine fills along with ``context_files``.
    context_text_names: ClassVar[tuple[str, ...]] = ()

    def check(self, ctx: Context) -> Iterable[Violation]:  # pragma: no cover - abstract
        raise NotImplementedError

    def wants_context(self, ctx: Context) -> bool:
        """Whether a check that found nothing would decide differently with the build context.

        The engine lists the context (``context_files``/``context_texts`` options) only for a
        rule that found something, or that says so here: listing costs more than most lints.
        """
        return False

    @classmethod
    def url(cls) -> str:
        return DOCS_URL.format(code=cls.code)

    @classmethod
    def documentation(cls) -> str:
        """The rule page in Markdown, rendered from the docstring (one source for every output)."""
        import inspect  # here: `inspect` costs every start-up milliseconds, and a lint never asks

        return inspect.cleandoc(cls.__doc__ or cls.summary)

    @classmethod
    def default_options(cls) -> Any:
        return cls.Options()

    @classmethod
    def validate_metadata(cls) -> list[str]:
        """Problems with this rule's declaration; empty when it is well-formed."""
        problems = []
        for attr in ("code", "name", "severity", "summary"):
            if not hasattr(cls, attr):
                problems.append(f"missing class attribute {attr!r}")
        if problems:
            return problems
        if not _CODE_RE.match(cls.code):
            problems.append(f"code {cls.code!r} is not like DL3006 or DF001")
        if not _NAME_RE.match(cls.name):
            problems.append(f"name {cls.name!r} is not kebab-case")
        if not isinstance(cls.severity, Severity):
            problems.append("severity must be a dflint.finding.Severity")
        if not is_dataclass(cls.Options):
            problems.append("Options must be a dataclass")
        return problems


class ShellMemo:
    """Shell analyses kept from one lint of a document to the next (the language server's).

    While someone types, one instruction changes and the others keep their text and position,
    so their analyses can be reused: the key is everything :func:`analyse_instruction` reads
    (the instruction's exact source lines and span, the escape character, the stage's SHELL).
    Only the entries used by the latest lint survive :meth:`roll`, so the memo never outgrows
    the document.
    """

    __slots__ = ("current", "previous")

    def __init__(self) -> None:
        self.previous: dict[tuple[object, ...], ShellScript | None] = {}
        self.current: dict[tuple[object, ...], ShellScript | None] = {}

    def get(self, key: tuple[object, ...]) -> tuple[bool, ShellScript | None]:
        for table in (self.current, self.previous):
            if key in table:
                found = table[key]
                self.current[key] = found
                return True, found
        return False, None

    def put(self, key: tuple[object, ...], script: ShellScript | None) -> None:
        self.current[key] = script

    def roll(self) -> None:
        """End of one lint: forget what it did not use."""
        self.previous, self.current = self.current, {}


class FileAnalysis:
    """What every rule of one file shares: the semantic model and the shell analyses.

    Built lazily and once per file, however many rules ask: shell analysis is the costly part
    of linting, and each of some twenty shell rules asking for it anew made a lint 15x slower.
    """

    __slots__ = ("_model", "derived", "dockerfile", "shell_cache", "shell_memo")

    def __init__(self, dockerfile: Dockerfile, shell_memo: ShellMemo | None = None) -> None:
        self.dockerfile = dockerfile
        self._model: SemanticModel | None = None
        self.shell_cache: dict[int, ShellScript | None] = {}
        self.shell_memo = shell_memo
        #: What :meth:`Context.memo` computed, by key.
        self.derived: dict[Hashable, Any] = {}

    @property
    def model(self) -> SemanticModel:
        if self._model is None:
            from dflint.semantic import SemanticModel

            self._model = SemanticModel.build(self.dockerfile)
        return self._model

    def shell(self, instruction: Instruction) -> ShellScript | None:
        key = id(instruction)
        if key not in self.shell_cache:
            memo_key = self._memo_key(instruction) if self.shell_memo is not None else None
            if memo_key is not None:
                found, script = self.shell_memo.get(memo_key)  # type: ignore[union-attr]
                if found:
                    self.shell_cache[key] = script
                    return script
            from dflint.shell import analyse_instruction

            script = analyse_instruction(instruction, self.model)
            self.shell_cache[key] = script
            if memo_key is not None:
                self.shell_memo.put(memo_key, script)  # type: ignore[union-attr]
        return self.shell_cache[key]

    def _memo_key(self, instruction: Instruction) -> tuple[object, ...]:
        span = instruction.span
        lines = self.dockerfile.lines[span.start_line - 1:span.end_line]
        model = self.model
        return (
            type(instruction).__name__, instruction.keyword, span.start_line, span.start_col, span.end_line,
            span.end_col, tuple(lines), self.dockerfile.directives.escape,
            model.is_posix_shell(instruction), tuple(model.shell_at(instruction)),
        )


class Context:
    """Everything a rule may read about one Dockerfile. Rules never read files or print."""

    __slots__ = ("_analysis", "dockerfile", "options", "path")

    def __init__(self, dockerfile: Dockerfile, options: Any = None, path: str = "Dockerfile",
                 analysis: FileAnalysis | None = None) -> None:
        self.dockerfile = dockerfile
        self.options = NoOptions() if options is None else options
        self.path = path
        self._analysis = analysis if analysis is not None else FileAnalysis(dockerfile)

    @property
    def model(self) -> SemanticModel:
        """Stages, stage references, ARG/ENV scopes, resolved images (built on first use)."""
        return self._analysis.model

    def shell(self, instruction: Instruction) -> ShellScript | None:
        """The shell analysis of a RUN/CMD/ENTRYPOINT/HEALTHCHECK script, cached per file.

        None when the instruction has no shell script (exec form) or when the stage's SHELL is
        not a POSIX shell (PowerShell, cmd), in which case shell rules stay silent.
        """
        return self._analysis.shell(instruction)

    def memo(self, key: Hashable, build: Callable[[], T]) -> T:
        """``build()``, computed once per file however many rules ask for the same ``key``.

        For data derived from the file alone (never from a rule's options) that several rules
        walk, such as every RUN with its shell analysis: some thirty package-manager rules each
        rebuilding it made that walk a tenth of a lint. The value is shared, so it must not be
        mutated; use a key no other rule would use for something else (a function of your own).
        """
        derived = self._analysis.derived
        if key in derived:
            return derived[key]  # type: ignore[no-any-return]
        value = derived[key] = build()
        return value


class PluginProblem(FrozenRecord):
    """A plugin that could not be loaded, reported as a warning that names it."""

    __slots__ = ("message", "plugin")
    __match_args__ = ("plugin", "message")

    plugin: str
    message: str

    def __init__(self, plugin: str, message: str) -> None:
        _set = object.__setattr__
        _set(self, "plugin", plugin)
        _set(self, "message", message)


class RuleTable(MutableMapping[str, "type[Rule]"]):
    """Code -> rule class, where a class known only from a rule index is imported on first use.

    Membership, iteration and ``len`` cover every known rule without importing any; looking a
    rule up (``table[code]``, ``get``, ``values()``) imports its module. :attr:`loaded` holds
    the classes imported so far.
    """

    __slots__ = ("_pending", "_registry", "loaded")

    def __init__(self, registry: Registry, rules: Mapping[str, type[Rule]]) -> None:
        self._registry = registry
        self.loaded: dict[str, type[Rule]] = dict(rules)
        #: code -> module to import for it (rules known from an index only).
        self._pending: dict[str, str] = {}

    def __getitem__(self, code: str) -> type[Rule]:
        try:
            return self.loaded[code]
        except KeyError:
            module = self._pending.get(code)
            if module is None:
                raise
        self._registry.load_module(module, self._registry.sources.get(code, module))
        return self.loaded[code]

    def __contains__(self, code: object) -> bool:
        return code in self.loaded or code in self._pending

    def __iter__(self) -> Iterator[str]:
        return iter([*self.loaded, *self._pending])

    def __len__(self) -> int:
        return len(self.loaded) + len(self._pending)

    def __setitem__(self, code: str, rule: type[Rule]) -> None:
        self._pending.pop(code, None)
        self.loaded[code] = rule

    def __delitem__(self, code: str) -> None:
        if self._pending.pop(code, None) is None:
            del self.loaded[code]

    def pending_module(self, code: str) -> str | None:
        """The module still to import for ``code`` (None once loaded, or if not indexed)."""
        return self._pending.get(code)

    def set_pending(self, code: str, module: str) -> None:
        self._pending[code] = module

    def __repr__(self) -> str:
        return f"RuleTable(loaded={sorted(self.loaded)!r}, pending={sorted(self._pending)!r})"


class Registry(Record):
    """The rules found, by code, plus what went wrong while finding them.

    ``entries`` describes every known rule (:class:`dflint.ruleindex.RuleEntry`: code, names,
    default state, triggers) whether or not its class is imported yet; ``rules`` imports on
    demand (see :class:`RuleTable`).
    """

    __match_args__ = ("rules", "sources", "problems")
    _factories: ClassVar[Factories] = {"rules": dict, "sources": dict, "problems": list}

    rules: RuleTable
    sources: dict[str, str]
    problems: list[PluginProblem]

    def __init__(
        self, rules: Mapping[str, type[Rule]] = FACTORY, sources: dict[str, str] = FACTORY,
        problems: list[PluginProblem] = FACTORY,
    ) -> None:
        table = {} if rules is FACTORY else rules
        if isinstance(table, RuleTable):
            table = {code: table[code] for code in table}
        self.rules = RuleTable(self, table)
        self.sources = {} if sources is FACTORY else sources
        self.problems = [] if problems is FACTORY else problems
        self.entries: dict[str, RuleEntry] = {code: RuleEntry.of(rule) for code, rule in table.items()}

    def add(self, rule: type[Rule], source: str, module: str | None = None) -> None:
        """Register a loaded rule class (``module``: its module within an indexed package)."""
        bad = rule.validate_metadata()
        if bad:
            self.problems.append(PluginProblem(source, f"rule {rule.__name__}: " + "; ".join(bad)))
            return
        if rule.code in self.rules and self.rules.loaded.get(rule.code) is not rule:
            self.problems.append(
                PluginProblem(
                    source, f"rule code {rule.code} is already provided by {self.sources[rule.code]}"
                )
            )
            return
        self.rules[rule.code] = rule
        self.sources[rule.code] = source
        self.entries[rule.code] = RuleEntry.of(rule, module)

    def add_indexed(self, entry: RuleEntry, source: str, package: str) -> None:
        """Register a rule from a package's index; its module is imported when first needed."""
        if entry.code in self.rules:
            provider = self.sources[entry.code]
            message = f"rule code {entry.code} is already provided by {provider}"
            self.problems.append(PluginProblem(source, message))
            return
        self.entries[entry.code] = entry
        self.sources[entry.code] = source
        self.rules.set_pending(entry.code, f"{package}.{entry.module}")

    def load_module(self, module: str, source: str) -> None:
        """Import a rule module and register its rules (those its index promised and any new)."""
        promised = [code for code in list(self.rules) if self.rules.pending_module(code) == module]
        try:
            __import__(module)
            classes = rules_from_object(sys.modules[module])
        except Exception as exc:  # a broken rule module must not take the others down
            self.problems.append(PluginProblem(source, f"{module}: {type(exc).__name__}: {exc}"))
            classes = []
        relative = module.rsplit(".", 1)[-1]
        for rule in classes:
            if rule.code in promised:
                promised.remove(rule.code)
                del self.rules[rule.code]
            self.add(rule, source, relative)
        for code in promised:  # the index named a rule the module no longer has
            del self.rules[code]
            self.entries.pop(code, None)
            self.sources.pop(code, None)

    def load_all(self) -> None:
        """Import every rule still known only from an index."""
        for code in list(self.rules):
            self.rules.get(code)

    def by_name_or_alias(self) -> dict[str, str]:
        """Map every rule name and alias to one code (the lowest, for aliases shared by several)."""
        return {key: codes[0] for key, codes in self.codes_by_name().items()}

    def codes_by_name(self) -> dict[str, tuple[str, ...]]:
        """Map every rule name and alias to all the codes it stands for.

        BuildKit's `MultipleInstructionsDisallowed` covers CMD, ENTRYPOINT and HEALTHCHECK,
        which hadolint splits into DL4003, DL4004 and DL3012: `# check=skip=` must skip all.
        """
        table: dict[str, list[str]] = {}
        for code in sorted(self.entries):
            entry = self.entries[code]
            for key in (entry.name, *entry.aliases):
                table.setdefault(key, []).append(code)
        return {key: tuple(codes) for key, codes in table.items()}

    def resolve(self, selector: str) -> tuple[str, ...]:
        """Codes meant by a code, a code prefix (`DL30`), a rule name or an alias; () if none."""
        upper = selector.strip().upper()
        if upper in self.rules:
            return (upper,)
        named = self.codes_by_name().get(selector.strip())
        if named:
            return named
        if upper == "ALL":
            return tuple(sorted(self.rules))
        return tuple(code for code in sorted(self.rules) if code.startswith(upper)) if upper else ()

    def __iter__(self) -> Iterator[type[Rule]]:
        """Every rule class, by code (importing those not loaded yet)."""
        self.load_all()
        return iter(sorted(self.rules.loaded.values(), key=lambda r: r.code))


def rules_from_object(obj: object) -> list[type[Rule]]:
    """The Rule classes an entry point's loaded object stands for (see module docstring)."""
    if isinstance(obj, type):
        if issubclass(obj, Rule):
            return [obj]
        raise TypeError(f"{obj!r} is a class but not a dflint.plugin.Rule subclass")
    if isinstance(obj, types.ModuleType):
        listed = getattr(obj, "RULES", None)
        if listed is not None:
            return _checked_rule_list(listed)
        return [
            value
            for value in vars(obj).values()
            if isinstance(value, type)
            and issubclass(value, Rule)
            and value is not Rule
            and value.__module__ == obj.__name__
            and "code" in vars(value)
        ]
    if callable(obj):
        produced: Callable[[], Iterable[Any]] = obj
        return _checked_rule_list(produced())
    raise TypeError(f"{obj!r} is neither a Rule class, a module nor a callable")


def _checked_rule_list(items: Iterable[Any]) -> list[type[Rule]]:
    found = []
    for item in items:
        if not (isinstance(item, type) and issubclass(item, Rule)):
            raise TypeError(f"{item!r} is not a dflint.plugin.Rule subclass")
        found.append(item)
    return found


def discover(entry_points: Iterable[Any] | None = None) -> Registry:
    """Find every rule registered under the ``dflint.rules`` group.

    ``entry_points`` is for tests (objects with ``name``, ``value`` and ``load()``); by default
    the installed distributions are asked. A plugin that fails to import or declares a bad rule
    becomes a :class:`PluginProblem`; discovery goes on with the others. A plugin package with a
    rule index (:mod:`dflint.ruleindex`) has its rules registered from the index, their modules
    imported only when a file needs them.
    """
    if entry_points is None:
        entry_points = installed_entry_points()
    registry = Registry()
    for ep in sorted(entry_points, key=lambda e: (e.name != "builtin", e.name)):
        source = f"{ep.name} ({ep.value})"
        try:
            loaded = ep.load()
            index = read_index(loaded) if isinstance(loaded, types.ModuleType) else None
            classes = rules_from_object(loaded) if index is None else []
        except Exception as exc:  # a broken plugin must never take the linter down
            registry.problems.append(PluginProblem(source, f"{type(exc).__name__}: {exc}"))
            continue
        if index is not None:
            for entry in index.entries:
                registry.add_indexed(entry, source, index.package)
            for module in index.stale:
                registry.load_module(f"{index.package}.{module}", source)
            continue
        # A plugin package may load most of its rules and list the modules that failed.
        for module, message in getattr(loaded, "PROBLEMS", ()):
            registry.problems.append(PluginProblem(source, f"{module}: {message}"))
        for rule in classes:
            registry.add(rule, source)
    return registry


# ---------------------------------------------------------------------------------------------
# Installed entry points, cached
# ---------------------------------------------------------------------------------------------
#
# Why: ``importlib.metadata`` costs every process tens of milliseconds (it imports email,
# zipfile, csv, pathlib... and reads every distribution's metadata), more than linting a file.
# The answer only changes when what is on ``sys.path`` changes, so it is cached under the user
# cache dir, keyed on a cheap signature of exactly what ``importlib.metadata`` reads:
# ``sys.path`` itself, each entry's mtime, the ``*.dist-info``/``*.egg-info`` names in each
# directory and the mtime and size of their ``entry_points.txt``. Installing, upgrading or
# removing a plugin (or editing its entry points in place) changes the signature, so a new plugin
# is always seen. Anything unusual (a custom distribution finder, an entry point that is not a
# plain ``module[:attr]``, an unwritable cache) falls back to ``importlib.metadata``.
# ``DFLINT_NO_CACHE=1`` turns the cache off.

_CACHE_ENTRIES = 8
_SIMPLE_VALUE = re.compile(r"^([\w.]+)\s*(?::\s*([\w.]+)\s*)?$")


class _CachedEntryPoint:
    """What :func:`discover` needs of ``importlib.metadata.EntryPoint``: name, value, load()."""

    __slots__ = ("group", "name", "value")

    def __init__(self, name: str, value: str, group: str) -> None:
        self.name = name
        self.value = value
        self.group = group

    def load(self) -> Any:
        """Import the module and walk the attribute path, as ``EntryPoint.load`` does."""
        match = _SIMPLE_VALUE.match(self.value)
        assert match is not None  # only simple values are cached
        __import__(match.group(1))
        obj: Any = sys.modules[match.group(1)]
        for attr in (match.group(2) or "").split("."):
            if attr:
                obj = getattr(obj, attr)
        return obj


def _cache_file() -> str | None:
    base = os.environ.get("XDG_CACHE_HOME") or (
        os.environ.get("LOCALAPPDATA") if sys.platform == "win32" else None
    )
    if not base:
        home = os.path.expanduser("~")
        if home == "~":
            return None
        base = os.path.join(home, ".cache")
    tag = f"{sys.implementation.cache_tag}-{_stable_id(sys.prefix)}"
    return os.path.join(base, "dflint", f"entry-points-{tag}.marshal")


def _stable_id(text: str) -> str:
    """A short, run-independent id (``hash()`` of a str is salted per process)."""
    value = 0
    for ch in text:
        value = (value * 131 + ord(ch)) % 1_000_000_007
    return str(value)


def _signature() -> tuple[Any, ...] | None:
    """What ``importlib.metadata`` would read, cheaply; None when it cannot be captured."""
    path_finder = sys.modules["_frozen_importlib_external"].PathFinder
    for finder in sys.meta_path:
        if getattr(finder, "find_distributions", None) is not None and finder is not path_finder:
            return None  # a finder of its own may provide distributions: do not guess
    parts: list[Any] = []
    for entry in sys.path:
        where = entry or os.getcwd()
        try:
            st = os.stat(where)
        except (OSError, ValueError):
            parts.append((entry, None))
            continue
        infos: list[Any] = []
        if os.path.isdir(where):
            try:
                names = sorted(os.listdir(where))
            except OSError:
                return None
            for name in names:
                if name.endswith((".dist-info", ".egg-info")) or name == "EGG-INFO":
                    try:
                        ep = os.stat(os.path.join(where, name, "entry_points.txt"))
                        infos.append((name, ep.st_mtime_ns, ep.st_size))
                    except OSError:
                        infos.append((name, None, None))
        parts.append((entry, os.path.abspath(where), st.st_mtime_ns, st.st_size, tuple(infos)))
    return tuple(parts)


def installed_entry_points() -> list[Any]:
    """The installed ``dflint.rules`` entry points (cached: see the comment above)."""
    if os.environ.get("DFLINT_NO_CACHE"):
        return _scan_entry_points()
    try:
        signature = _signature()
        cache = _cache_file()
    except Exception:  # pragma: no cover - a cache must never break discovery
        signature = cache = None
    if signature is None or cache is None:
        return _scan_entry_points()
    import marshal

    # Several entries, most recent first: `python -m dflint` puts the working directory on
    # sys.path, so a user hopping between projects would otherwise rebuild it every time.
    entries: list[Any] = []
    try:
        with open(cache, "rb") as fh:
            entries = list(marshal.load(fh))
        for stored_signature, rows in entries:
            if stored_signature == signature:
                return [_CachedEntryPoint(name, value, ENTRY_POINT_GROUP) for name, value in rows]
    except Exception:  # missing, unreadable, from another Python: rebuild it
        entries = []
    found = _scan_entry_points()
    if all(_SIMPLE_VALUE.match(ep.value) for ep in found):
        entries = [(signature, [(ep.name, ep.value) for ep in found]), *entries][:_CACHE_ENTRIES]
        try:
            os.makedirs(os.path.dirname(cache), exist_ok=True)
            tmp = f"{cache}.{os.getpid()}.tmp"
            with open(tmp, "wb") as fh:
                marshal.dump(entries, fh)
            os.replace(tmp, cache)
        except (OSError, ValueError):
            pass
    return found


def _scan_entry_points() -> list[Any]:
    found = _read_entry_point_files()
    if found is not None:
        return found
    from importlib.metadata import entry_points

    return list(entry_points(group=ENTRY_POINT_GROUP))


def _read_entry_point_files(group: str = ENTRY_POINT_GROUP) -> list[Any] | None:
    """The ``dflint.rules`` entry points, read from the ``entry_points.txt`` files the way
    ``importlib.metadata`` reads them; None when something here is not a plain folder of
    ``*.dist-info``/``*.egg-info`` (then ``importlib.metadata`` itself is asked).

    Why: when the cache above is cold (every CI run on a fresh runner, the first pre-commit
    run), importing ``importlib.metadata`` (email, zipfile, csv, pathlib...) cost a one-file lint
    half as much again as the lint. Distributions are found as ``importlib.metadata`` finds
    them: ``sys.path`` in order, each folder's entries in listing order, the first of a
    normalised name winning; ``tests/test_perf_entry_points.py`` compares the two.
    """
    path_finder = sys.modules["_frozen_importlib_external"].PathFinder
    for finder in sys.meta_path:
        if getattr(finder, "find_distributions", None) is not None and finder is not path_finder:
            return None
    seen: set[str] = set()
    found: list[Any] = []
    for entry in sys.path:
        where = entry or "."
        if not os.path.isdir(where):
            if os.path.exists(where):
                return None  # a zip or an egg file: importlib.metadata knows how to read those
            continue
        if where.lower().endswith(".egg"):
            return None
        try:
            children = os.listdir(where)
        except OSError:
            continue
        by_name: dict[str, list[str]] = {}
        for child in children:
            low = child.lower()
            if low.endswith((".dist-info", ".egg-info")):
                name = re.sub(r"[-_.]+", "-", low.rpartition(".")[0].partition("-")[0]).replace("-", "_")
                by_name.setdefault(name, []).append(child)
        for name, infos in by_name.items():
            for child in infos:
                if name in seen:
                    continue
                seen.add(name)
                try:
                    with open(os.path.join(where, child, "entry_points.txt"), encoding="utf-8") as fh:
                        text = fh.read()
                except OSError:
                    continue
                for ep_name, value in _group_pairs(text, group):
                    if not _SIMPLE_VALUE.match(value):
                        return None
                    found.append(_CachedEntryPoint(ep_name, value, group))
    return found


def _group_pairs(text: str, group: str) -> list[tuple[str, str]]:
    """``name = value`` lines of one ``[group]`` of an entry_points.txt (importlib.metadata's
    ``Sectioned``: stripped lines, ``#`` comments and blank lines skipped)."""
    section = None
    pairs = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line.strip("[]")
            continue
        if section == group:
            name, _, value = line.partition("=")
            pairs.append((name.strip(), value.strip()))
    return pairs
