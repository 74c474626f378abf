"""The Lark LALR grammar of logical lines, loaded from the pre-generated standalone module.

Why standalone: building LALR tables from ``dockerfile.lark`` costs tens of milliseconds at every
start; ``_standalone.py`` is generated once (``python -m dflint.grammar``) and committed, and
``tests/test_parser_grammar.py`` fails if it no longer matches the ``.lark`` file.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pathlib import Path

    GRAMMAR_PATH: Path
    STANDALONE_PATH: Path

STARTS = ("start_bs", "start_bt")


def __getattr__(name: str) -> Any:
    # GRAMMAR_PATH / STANDALONE_PATH are built on first use: pathlib is not needed to parse,
    # and `dflint parse` should not pay for importing it.
    if name in ("GRAMMAR_PATH", "STANDALONE_PATH"):
        from pathlib import Path

        file = "dockerfile.lark" if name == "GRAMMAR_PATH" else "_standalone.py"
        return Path(__file__).with_name(file)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

_parser: Any = None


def get_parser() -> Any:
    """The shared ``Lark_StandAlone`` instance (built on first use, then reused)."""
    global _parser
    if _parser is None:
        from dflint.grammar._standalone import Lark_StandAlone

        _parser = Lark_StandAlone()  # type: ignore[no-untyped-call]
    return _parser


def generate() -> str:
    """Regenerate the standalone module's source from the grammar (needs the ``lark`` package)."""
    import io
    from contextlib import redirect_stdout

    from lark import Lark
    from lark.tools.standalone import gen_standalone

    lark_inst = Lark(
        __getattr__("GRAMMAR_PATH").read_text(encoding="utf-8"),
        parser="lalr",
        lexer="contextual",
        start=list(STARTS),
    )
    out = io.StringIO()
    with redirect_stdout(out):
        gen_standalone(lark_inst, out=out)  # type: ignore[no-untyped-call]
    return _slim(out.getvalue())


_NULL_LOGGER = """class _NullLogger:
    # dflint: the generated module's logging/inspect imports cost ~30 ms of start-up; lark only
    # logs grammar-construction diagnostics, which never happen with prebuilt tables.
    def __getattr__(self, name):
        return lambda *a, **k: None


logger = _NullLogger()
"""


_TEXT_SLICE_DATACLASS = """@dataclass(frozen=True)
class TextSlice(Generic[AnyStr]):
    #--
    text: AnyStr
    start: int
    end: int
"""

_TEXT_SLICE_PLAIN = """class TextSlice(Generic[AnyStr]):
    # dflint: was @dataclass(frozen=True); importing dataclasses (and inspect) costs start-up.
    text: AnyStr
    start: int
    end: int

    def __init__(self, text, start, end):
        object.__setattr__(self, 'text', text)
        object.__setattr__(self, 'start', start)
        object.__setattr__(self, 'end', end)
        self.__post_init__()

    def __setattr__(self, name, value):
        raise AttributeError(f"cannot assign to field {name!r}")

    def __eq__(self, other):
        if other.__class__ is self.__class__:
            return (self.text, self.start, self.end) == (other.text, other.start, other.end)
        return NotImplemented

    def __hash__(self):
        return hash((self.text, self.start, self.end))

    def __repr__(self):
        return f"TextSlice(text={self.text!r}, start={self.start!r}, end={self.end!r})"
"""


_FUTURE_ANNOTATIONS = "from __future__ import annotations  # dflint: annotations stay unevaluated"


def _slim(code: str) -> str:
    """Drop start-up-heavy imports from the generated module (kept deterministic for the test).

    Besides logging and inspect: ``dataclasses`` (one frozen dataclass, written out by hand
    instead) and ``pickle``/``zlib``/``base64``, which only Lark's grammar cache and
    ``save``/``load`` use; the standalone parser is built from the literal ``DATA`` and never
    calls them.
    """
    code = code.replace("import logging\n", "", 1)
    start = code.index('logger: logging.Logger = logging.getLogger("lark")')
    end = code.index("logger.setLevel(logging.CRITICAL)\n") + len("logger.setLevel(logging.CRITICAL)\n")
    code = code[:start] + _NULL_LOGGER + code[end:]
    code = code.replace(
        "from inspect import getmembers, getmro\n",
        "def getmembers(obj):\n    return [(n, getattr(obj, n)) for n in dir(obj)]\n\n\n"
        "def getmro(cls):\n    return cls.__mro__\n",
        1,
    )
    code = code.replace("from dataclasses import dataclass\n", "", 1)
    code = code.replace(_TEXT_SLICE_DATACLASS, _TEXT_SLICE_PLAIN, 1)
    code = code.replace("import pickle, zlib, base64\n", "", 1)
    # Postponed annotations: evaluating the module's hundreds of annotations (``typing`` subscripts
    # and forward references, each compiled) costs a few ms of import, and nothing reads them.
    first, rest = code.split("\n", 1)
    code = f"{first}\n{_FUTURE_ANNOTATIONS}\n{rest}"
    return code


if __name__ == "__main__":  # pragma: no cover - maintenance entry point
    target = __getattr__("STANDALONE_PATH")
    target.write_text(generate(), encoding="utf-8")
    sys.stdout.write(f"wrote {target}\n")
