"""``LazyPattern`` answers like the ``re.Pattern`` it stands for, and compiles only when used."""

from __future__ import annotations

import re

from dflint.lazyre import LazyPattern


def test_not_compiled_until_used() -> None:
    lazy = LazyPattern(r"(?P<word>[a-z]+)(\d*)", re.IGNORECASE)
    assert "match" not in vars(lazy)
    assert lazy.pattern == r"(?P<word>[a-z]+)(\d*)"
    assert lazy.groupindex == {"word": 1}
    assert "match" in vars(lazy)  # bound methods of the compiled pattern from now on


def test_methods_answer_like_re() -> None:
    text = "Abc12 de fg3"
    real = re.compile(r"([a-z]+)(\d*)", re.IGNORECASE)
    lazy = LazyPattern(r"([a-z]+)(\d*)", re.IGNORECASE)
    for _ in range(2):  # the first round compiles, the second goes straight to the compiled pattern
        assert lazy.match(text).group(0) == real.match(text).group(0)  # type: ignore[union-attr]
        assert lazy.fullmatch("ab1") is not None and lazy.fullmatch("1ab") is None
        assert lazy.search(text, 5).span() == real.search(text, 5).span()  # type: ignore[union-attr]
        assert [m.span() for m in lazy.finditer(text)] == [m.span() for m in real.finditer(text)]
        assert lazy.findall(text) == real.findall(text)
        assert lazy.sub("x", text) == real.sub("x", text)
        assert lazy.subn(lambda m: m.group(1), text, 1) == real.subn(lambda m: m.group(1), text, 1)
        assert lazy.split(text) == real.split(text)
        assert lazy.flags == real.flags
        assert (lazy.compiled().pattern, lazy.compiled().flags) == (real.pattern, real.flags)
