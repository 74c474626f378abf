"""Build a :class:`ShellScript` from text with tree-sitter-bash and the control-token scanner.

tree-sitter-bash is loaded lazily, once per process: a plain lint imports this module only when
a rule asks for shell analysis. Heredoc bodies are blanked out (same offsets) before parsing,
because tree-sitter-bash attaches whatever follows ``<<EOF`` on its line to the heredoc node and
sometimes turns it into ERROR; the scanner already knows exactly where each heredoc is.
"""

from __future__ import annotations

import _thread
from typing import Any

from dflint.lazyre import LazyPattern
from dflint.records import FrozenRecord, replace
from dflint.shell.model import (
    Assignment,
    CommandList,
    Operator,
    Pipeline,
    Redirect,
    Segment,
    ShellScript,
    ShellSyntaxError,
    ShellWord,
    SimpleCommand,
    Wrapper,
)
from dflint.shell.positions import PositionOf, script_positions, span_of
from dflint.shell.tokens import HereDoc, Token, scan_script
from dflint.shell.words import static_value, unquoted_text
from dflint.shell.wrappers import unwrap

# ``_thread`` rather than ``threading``: the lock is all that is needed, and ``threading`` is an
# import (with ``_weakrefset``) every lint would pay for.
_LOCK = _thread.allocate_lock()
_PARSER: Any = None

_REDIRECTS = frozenset({"file_redirect", "heredoc_redirect", "herestring_redirect"})
_LIST_OPERATORS = frozenset({"&&", "||"})
_PIPE_OPERATORS = frozenset({"|", "|&"})
_CONDITION_KEYWORDS = frozenset({"if", "elif", "while", "until"})
_SCOPES = frozenset({"subshell", "command_substitution", "process_substitution"})


def _parser() -> Any:
    global _PARSER
    if _PARSER is None:
        from tree_sitter import Language, Parser

        _PARSER = Parser(Language(_bash_language()))
    return _PARSER


def _bash_language() -> Any:
    """tree-sitter-bash's language pointer, from its compiled ``_binding`` module directly.

    Why not ``import tree_sitter_bash``: the package's ``__init__`` imports ``importlib.resources``
    (for a highlighting query dflint never reads), which pulls in tempfile, shutil, random, bz2
    and lzma: more start-up than parsing every RUN of a file. The binding is found the way the
    import system would find it; anything unexpected falls back to the plain import.
    """
    import sys

    name = "tree_sitter_bash._binding"
    binding = sys.modules.get(name)
    if binding is None:
        try:
            from importlib.machinery import PathFinder

            package = PathFinder.find_spec("tree_sitter_bash")
            spec = PathFinder.find_spec(name, package.submodule_search_locations) if package else None
            if spec is None or spec.loader is None:
                raise ImportError(name)
            binding = spec.loader.create_module(spec)
            if binding is None:
                raise ImportError(name)
            spec.loader.exec_module(binding)
            sys.modules[name] = binding
        except Exception:
            import tree_sitter_bash

            return tree_sitter_bash.language()
    return binding.language()


def _parse_tree(text: str) -> Any:
    """The tree-sitter tree of ``text``, which must have gone through :func:`_crash_safe` first."""
    with _LOCK:
        return _parser().parse(text.encode("utf-8", "surrogatepass"))


class _Where(FrozenRecord):
    """Where the walker is: inherited by every node below."""

    __slots__ = (
        "enclosing",
        "in_condition",
        "in_function",
        "in_subshell",
        "in_substitution",
        "list_item",
        "negated",
        "pipeline",
        "scope",
    )
    __match_args__ = (
        "enclosing", "scope", "in_subshell", "in_substitution", "in_condition", "in_function", "negated",
        "pipeline", "list_item",
    )

    enclosing: tuple[str, ...]
    scope: tuple[int, ...]
    in_subshell: bool
    in_substitution: bool
    in_condition: bool
    in_function: bool
    negated: bool
    pipeline: tuple[int, int, int] | None  # (index, position, length)
    list_item: tuple[int, int] | None  # (index, position)

    def __init__(
        self, enclosing: tuple[str, ...] = (), scope: tuple[int, ...] = (), in_subshell: bool = False,
        in_substitution: bool = False, in_condition: bool = False, in_function: bool = False,
        negated: bool = False, pipeline: tuple[int, int, int] | None = None,
        list_item: tuple[int, int] | None = None,
    ) -> None:
        _set = object.__setattr__
        _set(self, "enclosing", enclosing)
        _set(self, "scope", scope)
        _set(self, "in_subshell", in_subshell)
        _set(self, "in_substitution", in_substitution)
        _set(self, "in_condition", in_condition)
        _set(self, "in_function", in_function)
        _set(self, "negated", negated)
        _set(self, "pipeline", pipeline)
        _set(self, "list_item", list_item)


class _Builder:
    def __init__(self, script: str, masked: str, position_of: PositionOf, heredocs: list[HereDoc]) -> None:
        self.script = script
        self.position_of = position_of
        self.heredocs = {h.start: h for h in heredocs}
        raw = masked.encode("utf-8", "surrogatepass")
        self.ascii = len(raw) == len(masked)
        self.byte_to_cp: list[int] = []
        if not self.ascii:
            for i, ch in enumerate(masked):
                self.byte_to_cp.extend([i] * len(ch.encode("utf-8", "surrogatepass")))
            self.byte_to_cp.append(len(masked))
        self.commands: list[SimpleCommand] = []
        self.pipelines: list[Pipeline] = []
        self.lists: list[CommandList] = []
        self.errors: list[ShellSyntaxError] = []

    # -- offsets ----------------------------------------------------------------------------
    def cp(self, byte: int) -> int:
        if self.ascii:
            return byte
        return self.byte_to_cp[min(byte, len(self.byte_to_cp) - 1)]

    def bounds(self, node: Any) -> tuple[int, int]:
        return self.cp(node.start_byte), self.cp(node.end_byte)

    def text(self, node: Any) -> str:
        start, end = self.bounds(node)
        return self.script[start:end]

    def span(self, start: int, end: int) -> Any:
        return span_of(self.position_of, start, end)

    def word(self, node: Any) -> ShellWord:
        start, end = self.bounds(node)
        return ShellWord(
            self.script[start:end],
            static_value(node, self.text),
            unquoted_text(node, self.text),
            start,
            end,
            self.span(start, end),
        )

    def operator(self, node: Any, context: int = 0) -> Operator:
        start, end = self.bounds(node)
        return Token(
            node.type, self.script[start:end], start, end, self.span(start, end), 0, context, False, False
        )

    # -- walking ----------------------------------------------------------------------------
    def walk(self, node: Any, where: _Where) -> None:
        if node.is_missing:
            start, end = self.bounds(node)
            self.errors.append(
                ShellSyntaxError(f"missing `{node.type}`", start, end, self.span(start, end), node.type)
            )
            return
        kind = node.type
        if kind == "ERROR":
            start, end = self.bounds(node)
            self.errors.append(ShellSyntaxError("syntax error", start, end, self.span(start, end)))
        handler = getattr(self, "visit_" + kind, None)
        if handler is not None:
            handler(node, where)
            return
        if kind in _SCOPES:
            where = replace(
                where,
                enclosing=(*where.enclosing, kind),
                scope=(*where.scope, node.start_byte),
                in_subshell=where.in_subshell or kind == "subshell",
                in_substitution=where.in_substitution or kind != "subshell",
                pipeline=None if kind != "subshell" else where.pipeline,
                list_item=None,
            )
        elif node.is_named and node.child_count and kind != "program":
            where = replace(where, enclosing=(*where.enclosing, kind))
        if kind == "function_definition":
            where = replace(where, in_function=True)
        if kind in ("if_statement", "elif_clause", "while_statement", "until_statement"):
            self.walk_conditional(node, where)
            return
        for child in node.children:
            self.walk(child, where)

    def walk_conditional(self, node: Any, where: _Where) -> None:
        in_condition = False
        for child in node.children:
            if child.type in _CONDITION_KEYWORDS:
                in_condition = True
            elif child.type in ("then", "do_group", "do"):
                in_condition = False
            self.walk(child, replace(where, in_condition=where.in_condition or in_condition))

    def visit_negated_command(self, node: Any, where: _Where) -> None:
        for child in node.children:
            self.walk(child, replace(where, negated=True))

    def visit_redirected_statement(self, node: Any, where: _Where) -> None:
        body = node.child_by_field_name("body")
        redirects = [c for c in node.children if c.type in _REDIRECTS]
        before = len(self.commands)
        if body is not None:
            self.walk(body, where)
        if body is not None and redirects:
            # tree-sitter-bash hangs the redirects of the last command of a list or pipeline
            # (``a && b >f``) on the whole statement; they belong to that last command.
            body_end = self.cp(body.end_byte)
            target = next(
                (c for c in self.commands[before:] if c.end == body_end and c.scope == where.scope),
                None,
            )
            if target is not None:
                target.redirects.extend(self.redirect(r) for r in redirects)
        # py-tree-sitter hands out a new Node object on every access, so ``child is body`` is
        # never true: the body must be told apart by its field, or every ``$(...)`` and subshell
        # in it is walked a second time (once more per enclosing redirected statement).
        for i, child in enumerate(node.children):
            if node.field_name_for_child(i) != "body":
                self.walk_inside(child, where)

    def walk_inside(self, node: Any, where: _Where) -> None:
        """Walk only the command substitutions (and errors) inside a word or redirect."""
        if node.is_missing or node.type == "ERROR" or node.type in _SCOPES:
            self.walk(node, where)
            return
        for child in node.children:
            self.walk_inside(child, where)

    def redirect(self, node: Any) -> Redirect:
        start, end = self.bounds(node)
        descriptor = None
        target = None
        operator = ""
        for i, child in enumerate(node.children):
            field = node.field_name_for_child(i)
            if child.type == "file_descriptor":
                descriptor = self.text(child)
            elif field == "destination" or (child.is_named and target is None and operator):
                target = self.word(child)
            elif not child.is_named and not operator:
                operator = self.text(child)
        doc = self.heredocs.get(start + (len(descriptor) if descriptor else 0))
        if doc is not None and operator == "<":
            body = self.script[doc.body_start : doc.body_end]
            return Redirect(doc.operator, descriptor, target, start, end, self.span(start, end), doc, body)
        return Redirect(operator, descriptor, target, start, end, self.span(start, end))

    def visit_pipeline(self, node: Any, where: _Where) -> None:
        stages = [c for c in node.children if c.is_named]
        ops = [self.operator(c) for c in node.children if c.type in _PIPE_OPERATORS]
        index = len(self.pipelines)
        start, end = self.bounds(node)
        pipeline = Pipeline((), tuple(ops), start, end, self.span(start, end), negated=where.negated)
        if where.list_item is not None:
            pipeline.in_list = True
        self.pipelines.append(pipeline)
        if stages and stages[0].type == "negated_command":
            pipeline.negated = True  # ``! a | b`` negates the whole pipeline
            where = replace(where, negated=True)
        segments = []
        for position, stage in enumerate(stages):
            before = len(self.commands)
            self.walk(stage, replace(where, pipeline=(index, position, len(stages)), list_item=None))
            segments.append(self.segment(stage, before))
        pipeline.stages = tuple(segments)

    def visit_list(self, node: Any, where: _Where) -> None:
        items: list[Any] = []
        ops: list[Any] = []
        self.flatten_list(node, items, ops, where)
        index = len(self.lists)
        start, end = self.bounds(node)
        lst = CommandList((), tuple(self.operator(o) for o in ops), start, end, self.span(start, end))
        self.lists.append(lst)
        segments = []
        for position, item in enumerate(items):
            before = len(self.commands)
            pipes_before = len(self.pipelines)
            self.walk(item, replace(where, list_item=(index, position), pipeline=None))
            segments.append(self.segment(item, before))
            for pipeline in self.pipelines[pipes_before:]:
                if pipeline.start == self.cp(item.start_byte) or item.type in (
                    "negated_command",
                    "redirected_statement",
                ):
                    if pipeline.in_list:
                        before_op = ops[position - 1] if 0 < position <= len(ops) else None
                        after_op = ops[position] if position < len(ops) else None
                        pipeline.preceded_by = before_op.type if before_op is not None else None
                        pipeline.followed_by = after_op.type if after_op is not None else None
                    break
        lst.items = tuple(segments)

    def flatten_list(self, node: Any, items: list[Any], ops: list[Any], where: _Where) -> None:
        for child in node.children:
            if child.type in _LIST_OPERATORS:
                ops.append(child)
            elif child.type == "list" and not items and not ops:
                self.flatten_list(child, items, ops, where)
            elif child.type == "ERROR":
                # Not an item: an item would break the item/operator pairing (``a $&& b |``).
                self.walk(child, where)
            elif child.is_named or child.is_missing:
                items.append(child)
            else:
                self.walk(child, _Where())

    def segment(self, node: Any, first_command: int) -> Segment:
        start, end = self.bounds(node)
        inner = node
        while inner.type in ("redirected_statement", "negated_command") and inner.named_child_count:
            inner = (
                inner.named_children[0]
                if inner.type == "negated_command"
                else (inner.child_by_field_name("body") or inner.named_children[0])
            )
        kind = (
            "command"
            if inner.type
            in (
                "command",
                "declaration_command",
                "unset_command",
                "variable_assignment",
                "variable_assignments",
                "test_command",
            )
            else inner.type
        )
        return Segment(kind, start, end, self.span(start, end), tuple(self.commands[first_command:]))

    # -- commands ---------------------------------------------------------------------------
    def add_command(
        self,
        node: Any,
        where: _Where,
        words: list[ShellWord],
        assignments: list[Assignment],
        kind: str = "command",
    ) -> SimpleCommand:
        start, end = self.bounds(node)
        unwrapped = unwrap(words)
        wrappers = [Wrapper(name, tuple(words[a:b])) for name, a, b in unwrapped.wrappers]
        for i in unwrapped.assignments:
            w = words[i]
            name, _, value = (w.value or w.unquoted).partition("=")
            assignments.append(Assignment(name, w.value and value, w.text, w.start, w.end, w.span))
        index = unwrapped.program_index
        name_word = words[index] if index is not None else None
        args = words[index + 1 :] if index is not None else []
        cmd = SimpleCommand(
            name_word.value if name_word is not None else None,
            name_word,
            args,
            words,
            start,
            end,
            self.span(start, end),
            assignments=assignments,
            wrappers=wrappers,
            kind=kind,
            in_subshell=where.in_subshell,
            in_substitution=where.in_substitution,
            in_condition=where.in_condition,
            in_function=where.in_function,
            negated=where.negated,
            enclosing=where.enclosing,
            scope=where.scope,
        )
        if where.pipeline is not None:
            cmd.in_pipeline = True
            cmd.pipeline_index, cmd.pipeline_position, cmd.pipeline_length = where.pipeline
        if where.list_item is not None:
            cmd.list_index, cmd.list_position = where.list_item
        self.commands.append(cmd)
        return cmd

    def assignment(self, node: Any) -> Assignment:
        start, end = self.bounds(node)
        name_node = node.child_by_field_name("name")
        value_node = node.child_by_field_name("value")
        name = self.text(name_node) if name_node is not None else self.text(node).split("=", 1)[0]
        append = any(c.type == "+=" for c in node.children)
        if value_node is None:
            value: str | None = ""
        else:
            value = static_value(value_node, self.text)
        return Assignment(name.rstrip("+"), value, self.text(node), start, end, self.span(start, end), append)

    def visit_command(self, node: Any, where: _Where) -> None:
        words: list[ShellWord] = []
        assignments: list[Assignment] = []
        redirects: list[Any] = []
        for i, child in enumerate(node.children):
            field = node.field_name_for_child(i)
            if child.type == "variable_assignment":
                assignments.append(self.assignment(child))
            elif child.type in _REDIRECTS or field == "redirect":
                redirects.append(child)
            elif child.type == "command_name":
                inner = child.named_children[0] if child.named_child_count == 1 else child
                if not child.is_missing and child.end_byte > child.start_byte:
                    words.append(self.word(inner))
            elif child.is_named and not child.is_missing and child.type != "ERROR":
                words.append(self.word(child))
        if not words and not assignments and node.end_byte == node.start_byte:
            return  # a MISSING command, already reported as a syntax error
        cmd = self.add_command(node, where, words, assignments)
        cmd.redirects.extend(self.redirect(r) for r in redirects)
        inner_where = replace(where, pipeline=None, list_item=None)
        for child in node.children:
            self.walk_inside(child, inner_where)

    def visit_declaration_command(self, node: Any, where: _Where) -> None:
        words = []
        assignments = []
        for child in node.children:
            if child.is_missing or child.type == "ERROR":
                continue
            if child.type == "variable_assignment":
                assignments.append(self.assignment(child))
            words.append(self.word(child))
        self.add_command(node, where, words, assignments, kind=node.type)
        for child in node.children:
            self.walk_inside(child, replace(where, pipeline=None, list_item=None))

    visit_unset_command = visit_declaration_command

    def visit_variable_assignment(self, node: Any, where: _Where) -> None:
        self.add_command(node, where, [], [self.assignment(node)], kind="assignment")
        self.walk_inside(node, replace(where, pipeline=None, list_item=None))

    def visit_variable_assignments(self, node: Any, where: _Where) -> None:
        assignments = [self.assignment(c) for c in node.children if c.type == "variable_assignment"]
        self.add_command(node, where, [], assignments, kind="assignment")
        self.walk_inside(node, replace(where, pipeline=None, list_item=None))

    def visit_test_command(self, node: Any, where: _Where) -> None:
        words: list[ShellWord] = []
        self.test_words(node, words)
        self.add_command(node, where, words, [], kind="test_command")
        self.walk_inside(node, replace(where, pipeline=None, list_item=None))

    def test_words(self, node: Any, out: list[ShellWord]) -> None:
        for child in node.children:
            if child.is_missing or child.type == "ERROR":
                continue
            if child.child_count == 0 or child.type in (
                "word",
                "string",
                "raw_string",
                "concatenation",
                "simple_expansion",
                "expansion",
                "command_substitution",
                "number",
                "ansi_c_string",
                "regex",
                "extglob_pattern",
                "arithmetic_expansion",
            ):
                out.append(self.word(child))
            else:
                self.test_words(child, out)


def _mask_heredocs(script: str, heredocs: list[HereDoc]) -> str:
    """Replace ``<<EOF`` by ``< EOF`` and blank the bodies, keeping every offset."""
    if not heredocs:
        return script
    chars = list(script)
    for doc in heredocs:
        for i in range(doc.start + 1, min(doc.start + len(doc.operator), len(chars))):
            chars[i] = " "
        for i in range(doc.body_start, min(doc.terminator_end, len(chars))):
            if chars[i] != "\n":
                chars[i] = " "
    return "".join(chars)


def _crash_safe(text: str) -> str:
    """``text`` with every character outside the Basic Multilingual Plane replaced by U+E000.

    tree-sitter-bash 0.25 reads out of bounds on a `{` followed by a 4-byte UTF-8 character
    (tree-sitter/tree-sitter-bash#337, open): the process dies with SIGSEGV or not, depending on
    what happens to be mapped there. One private-use BMP character per astral one keeps the shell
    meaning (both are plain word characters) and every code point offset; words are read from
    the original script by those offsets, so their text is unchanged.
    """
    if text.isascii():
        return text
    return _ASTRAL.sub("\ue000", text)


_ASTRAL = LazyPattern("[\U00010000-\U0010FFFF]")


def analyse_script(
    script: str,
    position_of: PositionOf | None = None,
    shell: tuple[str, ...] | None = None,
) -> ShellScript:
    """Analyse one shell script. Never raises: broken input yields ``syntax_errors``."""
    position_of = position_of or script_positions(script)
    tokens, heredocs = scan_script(script, position_of)
    masked = _crash_safe(_mask_heredocs(script, heredocs))
    builder = _Builder(script, masked, position_of, heredocs)
    try:
        tree = _parse_tree(masked)
        builder.walk(tree.root_node, _Where())
    except RecursionError:
        end = len(script)
        builder.errors.append(
            ShellSyntaxError("script is nested too deeply to analyse", 0, end, span_of(position_of, 0, end))
        )
    _mark_background(script, builder.commands, tokens)
    builder.commands.sort(key=lambda c: (c.start, -c.end))
    builder.pipelines.sort(key=lambda p: p.start)
    builder.lists.sort(key=lambda lst: lst.start)
    builder.errors.sort(key=lambda e: (e.start, e.end))
    return ShellScript(
        script,
        builder.commands,
        builder.pipelines,
        builder.lists,
        tokens,
        heredocs,
        builder.errors,
        position_of,
        shell,
    )


def _mark_background(script: str, commands: list[SimpleCommand], tokens: list[Token]) -> None:
    """A command directly followed by ``&`` (after blanks) runs in the background."""
    amps = {tok.start for tok in tokens if tok.kind == "&"}
    if not amps:
        return
    for cmd in commands:
        offset = cmd.end
        while offset < len(script) and script[offset] in " \t":
            offset += 1
        cmd.background = offset in amps
