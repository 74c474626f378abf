"""Quote removal for tree-sitter-bash word nodes.

Two views of a word: its static value (None as soon as anything is expanded at run time) and a
best-effort unquoted text that keeps expansions verbatim, so ``"pkg==${V}"`` still reads as a
pinned package.
"""

from __future__ import annotations

import re
from typing import Any

from dflint.lazyre import LazyPattern

_BACKSLASH = LazyPattern(r"\\(.)", re.DOTALL)
_DQUOTE_ESCAPE = LazyPattern(r'\\([$`"\\\n])')
_DYNAMIC = frozenset(
    {
        "simple_expansion",
        "expansion",
        "command_substitution",
        "process_substitution",
        "arithmetic_expansion",
        "brace_expression",
    }
)
_ANSI_C = {
    "n": "\n",
    "t": "\t",
    "r": "\r",
    "a": "\a",
    "b": "\b",
    "e": "\x1b",
    "E": "\x1b",
    "f": "\f",
    "v": "\v",
    "\\": "\\",
    "'": "'",
    '"': '"',
    "?": "?",
}


def _unescape_word(text: str) -> str:
    return _BACKSLASH.sub(r"\1", text)


def _ansi_c(body: str) -> str:
    return re.sub(r"\\(.)", lambda m: _ANSI_C.get(m.group(1), "\\" + m.group(1)), body, flags=re.DOTALL)


def static_value(node: Any, text_of: Any) -> str | None:
    """The value of a word node after quote removal, or None when it depends on run time."""
    kind = node.type
    if kind in _DYNAMIC:
        return None
    if kind == "word":
        return _unescape_word(text_of(node))
    if kind in ("number", "extglob_pattern", "test_operator", "regex", "variable_name", "file_descriptor"):
        return str(text_of(node))
    if kind == "raw_string":
        return str(text_of(node))[1:-1]
    if kind == "ansi_c_string":
        return _ansi_c(str(text_of(node))[2:-1])
    if kind == "string":
        parts: list[str] = []
        for child in node.children:
            if child.type == '"':
                continue
            if child.type != "string_content":
                return None
            parts.append(_DQUOTE_ESCAPE.sub(r"\1", text_of(child)))
        return "".join(parts)
    if kind == "translated_string":
        inner = [c for c in node.children if c.type == "string"]
        return static_value(inner[0], text_of) if inner else None
    if kind == "variable_assignment":
        pieces = [static_value(c, text_of) if c.is_named else str(text_of(c)) for c in node.children]
        if any(v is None for v in pieces):
            return None
        return "".join(v for v in pieces if v is not None)
    if kind == "concatenation":
        values = [static_value(child, text_of) for child in node.children]
        if any(v is None for v in values):
            return None
        return "".join(v for v in values if v is not None)
    if node.child_count == 0:
        return str(text_of(node))
    return None


def unquoted_text(node: Any, text_of: Any) -> str:
    """Quotes removed, expansions kept as written."""
    kind = node.type
    value = static_value(node, text_of)
    if value is not None:
        return value
    text = str(text_of(node))
    if kind == "string":
        return _DQUOTE_ESCAPE.sub(r"\1", text[1:-1] if text.endswith('"') and len(text) > 1 else text[1:])
    if kind == "concatenation":
        return "".join(unquoted_text(child, text_of) for child in node.children)
    return text
