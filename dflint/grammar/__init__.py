"""The Lark LALR grammar of logical lines (``dockerfile.lark``), run from pre-built tables.

Why pre-built: building LALR tables from the grammar costs tens of milliseconds, and Lark's own
runtime (its standalone module) cost a one-file lint a tenth of its time to import. So
``python -m dflint.grammar`` has Lark build the parser once and writes what it computed (LALR
states, rules, each state's lexer patterns) to ``_tables.py``, which :mod:`dflint.grammar.lalr`
runs; ``tests/test_parser_grammar.py`` fails if the tables no longer match the grammar, and
compares the result with Lark's own parser.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pathlib import Path

    from dflint.grammar.lalr import Parser

    GRAMMAR_PATH: Path
    TABLES_PATH: Path

STARTS = ("start_bs", "start_bt")


def __getattr__(name: str) -> Any:
    # GRAMMAR_PATH / TABLES_PATH are built on first use: pathlib is not needed to parse,
    # and `dflint parse` should not pay for importing it.
    if name in ("GRAMMAR_PATH", "TABLES_PATH"):
        from pathlib import Path

        file = "dockerfile.lark" if name == "GRAMMAR_PATH" else "_tables.py"
        return Path(__file__).with_name(file)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

_parser: Parser | None = None


def get_parser() -> Parser:
    """The shared parser (its lexers compiled on first use, then reused)."""
    global _parser
    if _parser is None:
        from dflint.grammar.lalr import Parser

        _parser = Parser()
    return _parser


def fresh_lark() -> Any:
    """Lark's own parser for the grammar (needs the ``lark`` package): the reference."""
    from lark import Lark

    return Lark(__getattr__("GRAMMAR_PATH").read_text(encoding="utf-8"), parser="lalr",
                lexer="contextual", start=list(STARTS))


def generate() -> str:
    """The source of ``_tables.py``: what Lark computes for the grammar, states numbered in a
    canonical order (Lark's own numbering changes from run to run) so the file is reproducible."""
    import lark

    built = fresh_lark()
    frontend = built.parser
    table = frontend.parser.parser.parse_table
    _check_supported(built, frontend)

    # Number the states breadth-first from the start states, following symbols in name order.
    order: dict[int, int] = {}
    queue = [table.start_states[start] for start in STARTS]
    while queue:
        state = queue.pop(0)
        if state in order:
            continue
        order[state] = len(order)
        for symbol in sorted(table.states[state]):
            action, arg = table.states[state][symbol]
            if action.name == "Shift":
                queue.append(arg)
    missing = set(table.states) - set(order)
    if missing:
        raise ValueError(f"unreachable LALR states: {sorted(missing)}")

    rules = sorted({arg for actions in table.states.values() for action, arg in actions.values()
                    if action.name == "Reduce"},
                   key=lambda r: (r.origin.name, [s.name for s in r.expansion]))
    rule_index = {rule: i for i, rule in enumerate(rules)}
    patterns: list[str] = []
    lexers: list[int] = []
    states: list[dict[str, tuple[int, int]]] = []
    for state in sorted(order, key=order.__getitem__):
        actions = table.states[state]
        states.append({
            symbol: (0, order[arg]) if action.name == "Shift" else (1, rule_index[arg])
            for symbol, (action, arg) in sorted(actions.items())
        })
        mres = frontend.lexer.lexers[state].scanner._mres
        if len(mres) > 1:
            raise ValueError("a lexer state needs more than one regular expression")
        pattern = mres[0].pattern if mres else "(?!)"  # a state that accepts no terminal
        if pattern not in patterns:
            patterns.append(pattern)
        lexers.append(patterns.index(pattern))

    lines = [
        '"""Generated from dockerfile.lark by `python -m dflint.grammar`; do not edit.',
        "",
        "The LALR tables and per-state lexer patterns Lark builds for the grammar, run by",
        "dflint/grammar/lalr.py. tests/test_parser_grammar.py fails when this is stale.",
        '"""',
        "# ruff: noqa: E501",
        "",
        f"LARK_VERSION = {lark.__version__!r}",
        "",
        "#: Each lexer: one regular expression, Lark's terminals of a state in the order it tries them.",
        f"PATTERNS = {patterns!r}",
        "#: The lexer (index into PATTERNS) of each LALR state.",
        f"LEXERS = {lexers!r}",
        "#: Rules reduced: (name, number of symbols, inlined into the parent: name starts with _).",
        "RULES = [",
        *[f"    {(str(r.origin.name), len(r.expansion), r.origin.name.startswith('_'))!r}," for r in rules],
        "]",
        "#: Each state's actions: symbol -> (0, state to shift to) or (1, rule to reduce).",
        "STATES = [",
        *[f"    {actions!r}," for actions in states],
        "]",
        f"START = {({s: order[table.start_states[s]] for s in STARTS})!r}",
        f"END = {({s: order[table.end_states[s]] for s in STARTS})!r}",
        "",
    ]
    return "\n".join(lines)


def _check_supported(built: Any, frontend: Any) -> None:
    """Refuse what :mod:`dflint.grammar.lalr` does not replay (it would parse differently)."""
    problems = []
    if built.options.lexer != "contextual" or built.options.parser != "lalr":
        problems.append("only lalr with the contextual lexer")
    if built.lexer_conf.ignore or built.options.lexer_callbacks or built.options.postlex:
        problems.append("no %ignore, lexer callbacks or postlexer")
    for rule in built.rules:
        options = rule.options
        if rule.alias or options.expand1 or options.keep_all_tokens or options.empty_indices:
            problems.append(f"rule {rule}: no aliases, ?rules, keep-all-tokens or [optional] placeholders")
        for symbol in rule.expansion:
            if symbol.is_term and symbol.filter_out:
                problems.append(f"rule {rule}: anonymous (filtered) tokens")
    for terminal in built.terminals:
        if type(terminal.pattern).__name__ != "PatternRE":
            problems.append(f"terminal {terminal.name}: string terminals")
    if problems:
        raise ValueError("the grammar needs features dflint/grammar/lalr.py lacks: " + "; ".join(problems))


if __name__ == "__main__":  # pragma: no cover - maintenance entry point
    target = __getattr__("TABLES_PATH")
    target.write_text(generate(), encoding="utf-8")
    sys.stdout.write(f"wrote {target}\n")
