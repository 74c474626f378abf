"""A small LALR(1) driver with a contextual lexer, running the tables Lark builds from
``dockerfile.lark`` (``_tables.py``, written by ``python -m dflint.grammar``).

Why not Lark's own runtime (its standalone module): importing it meant defining about a hundred
classes (transformers, visitors, Earley support, interactive parsing...) and typing generics,
which cost a one-file lint more than a tenth of its time, for a grammar of four terminals and
twenty rules. The grammar, the LALR tables and the lexer's regular expressions are still Lark's:
this module only replays them, with Lark's semantics for what the grammar uses (a contextual
lexer trying each state's terminals in Lark's order, rules whose name starts with ``_``
inlined into their parent). The generator refuses a grammar that needs more;
``tests/test_parser_grammar.py`` checks the result against Lark itself token for token.

The output has the shape of Lark's: ``parse()`` returns a :class:`Tree` whose children are one
``Tree`` per logical line, whose children are :class:`Token` objects (``str`` subclasses with
``type``, ``start_pos`` and ``end_pos``).
"""

from __future__ import annotations

import re
from typing import Any

from dflint.grammar import _tables

SHIFT, REDUCE = 0, 1


class Token(str):
    """A terminal's text, with its name and its offsets in the parsed text."""

    __slots__ = ("end_pos", "start_pos", "type")

    type: str
    start_pos: int
    end_pos: int

    def __new__(cls, type_: str, value: str, start_pos: int, end_pos: int) -> Token:
        token = str.__new__(cls, value)
        token.type = type_
        token.start_pos = start_pos
        token.end_pos = end_pos
        return token

    def __repr__(self) -> str:
        return f"Token({self.type!r}, {str(self)!r})"


class Tree:
    """A rule's node: its name (``data``) and its children (trees and tokens)."""

    __slots__ = ("children", "data")

    def __init__(self, data: str, children: list[Any]) -> None:
        self.data = data
        self.children = children

    def __repr__(self) -> str:
        return f"Tree({self.data!r}, {self.children!r})"


class GrammarError(ValueError):
    """The text is not in the grammar's language (the pre-pass never produces such text)."""


class Parser:
    """The compiled lexers and the tables, shared by every parse."""

    def __init__(self) -> None:
        # Each state's lexer is compiled when a parse first reaches that state: a file with the
        # usual escape character never needs the backtick variants (compiling them is most of
        # the parser's set-up).
        self._match: list[Any] = [self._compiling(state) for state in range(len(_tables.LEXERS))]
        self._states = _tables.STATES
        self._rules = _tables.RULES

    def _compiling(self, state: int) -> Any:
        def match(text: str, pos: int) -> re.Match[str] | None:
            index = _tables.LEXERS[state]
            compiled = re.compile(_tables.PATTERNS[index]).match
            for other, uses in enumerate(_tables.LEXERS):
                if uses == index:
                    self._match[other] = compiled
            return compiled(text, pos)

        return match

    def parse(self, text: str, start: str) -> Tree:
        """The tree of ``text`` from the start rule ``start`` (``start_bs`` or ``start_bt``)."""
        states, rules, match = self._states, self._rules, self._match
        state_stack = [_tables.START[start]]
        values: list[Any] = []
        end_state = _tables.END[start]
        pos, size = 0, len(text)
        while True:
            if pos < size:
                found = match[state_stack[-1]](text, pos)
                if found is None:
                    raise GrammarError(f"no terminal matches at offset {pos}: {text[pos:pos + 20]!r}")
                end = found.end()
                kind = found.lastgroup or ""
                token: Token | None = Token(kind, found.group(), pos, end)
                pos = end
            else:
                kind, token = "$END", None
            while True:  # reduce until the token is shifted (or, at the end, the start rule is done)
                action = states[state_stack[-1]].get(kind)
                if action is None:
                    raise GrammarError(f"unexpected {kind} at offset {pos}")
                if action[0] == SHIFT:
                    state_stack.append(action[1])
                    values.append(token)
                    break
                origin, length, inline = rules[action[1]]
                children: list[Any] = []
                if length:
                    for child in values[-length:]:
                        if type(child) is list:  # an inlined rule's children
                            children.extend(child)
                        else:
                            children.append(child)
                    del values[-length:]
                    del state_stack[-length:]
                values.append(children if inline else Tree(origin, children))
                state_stack.append(states[state_stack[-1]][origin][1])
                if token is None and state_stack[-1] == end_state:
                    result: Tree = values[-1]
                    return result
