"""Template placeholders in a Dockerfile: where they are, and the text to parse instead.

Many repositories keep a Dockerfile *template* that a generator turns into the real Dockerfile:
docker-library's ``Dockerfile.template`` (``{{ env.variant }}``, jq templates), ``%%VERSION%%``
placeholders filled by ``sed``, Go/Jinja templates (``{{ .version }}``, ``{% if %}``), dev-container
definitions (``${templateOption:imageVariant}``), ``__REGISTRY__`` / ``#IMAGE#`` / ``@VERSION@``
tokens in ``*.tpl``/``*.in`` files. The text inside such a placeholder is not Dockerfile syntax and
not shell: ``FROM {{ .python.from }}`` is no syntax error, ``%%PKG%%`` is no package to pin.

Linting masks every placeholder with a same-length run of ``x`` (a plain word wherever it stands:
image name, tag, package, path, shell word; a placeholder that is a whole line becomes a comment
line), so the parser and the rules see an ordinary Dockerfile and every span keeps its place. The
engine then drops any finding that touches a placeholder, and DF903 says once that the file is a
template. ``dflint parse`` and the BuildKit differential tests parse the file as written.

What counts as a placeholder is chosen to stay clear of real Dockerfiles:

* anywhere: ``%%NAME%%`` (upper-case name), ``${templateOption:name}``, ``{% ... %}``, an
  unquoted ``{{ ... }}`` (a quoted one is a Go template handed to a command, as in
  ``docker inspect --format '{{.Id}}'`` or ``go list -f '{{.Dir}}'``), an unquoted ERB tag
  ``<% ... %>`` / ``<%= ... %>`` (Rails' ``Dockerfile.tt``; a quoted one is text a RUN writes into
  an ``.erb`` file), and a ``__NAME__`` token alone on its line (a generator's insertion point,
  as in ``__DOCKERFILE_PREINSTALL__``);
* only in a file named like a template (``*.template``, ``*.tmpl``, ``*.tpl``, ``*.j2``,
  ``*.jinja``, ``*.jinja2``, ``*.gotmpl``, ``*.in``, ``*.tt``, ``*.erb``): also quoted ``{{ ... }}``
  and ERB tags, and the token forms ``__NAME__``, ``#NAME#``, ``@NAME@``.

A template *statement* alone on its line (``{% if arm %}``, ``<% end -%>``) is removed by the
generator, so it reads as a comment line even inside a continued RUN; the lines of an ``else``
branch repeat what the ``if`` branch began, so the parse errors there are the generator's to
resolve (see :func:`alternative_branch_lines`).
"""

from __future__ import annotations

from dflint.lazyre import LazyPattern

__all__ = ["Placeholder", "alternative_branch_lines", "find_placeholders", "mask", "named_like_template"]

_TEMPLATE_NAME = LazyPattern(r"\.(?:template|tmpl|tpl|j2|jinja2?|gotmpl|in|tt|erb)$", 0)

#: Forms that are placeholders in any file.
_ANYWHERE = LazyPattern(
    r"%%[A-Z][A-Z0-9_-]*%%"  # docker-library / rust-lang sed templates
    r"|\$\{templateOption:[A-Za-z0-9_]+\}"  # dev-container templates
    r"|\{%-?\s.*?%\}"  # Jinja / Nunjucks statements
    r"|\{\{.*?\}\}"  # Go / Jinja / jq expressions (unquoted only, see _quoted)
    r"|<%[=#-]?\s.*?%>"  # ERB tags (unquoted only)
    r"|(?m:^[ \t]*__(?!(?:END|DATA)__)[A-Z][A-Z0-9_]*__[ \t]*$)",  # an insertion point alone on its line
    0,
)
#: A template statement (not an expression): removed by the generator when alone on its line.
_STATEMENT = LazyPattern(r"^(?:\{%|<%(?!=))", 0)
#: A statement that opens an alternative branch: ``{% else %}``, ``{% elif x %}``, ``<% else %>``.
_ALTERNATIVE = LazyPattern(r"^(?:\{%|<%)-?\s*(?:else|elif|elsif|when)\b", 0)
#: Forms that are placeholders only in a file named like a template.
_NAMED_ONLY = LazyPattern(
    r"\{\{.*?\}\}|__[A-Z][A-Z0-9_]*__|#[A-Z][A-Z0-9_]*#|@[A-Z][A-Z0-9_]*@",
    0,
)


class Placeholder:
    """One placeholder: its text and where it is (0-based offsets into the file's text)."""

    __slots__ = ("end", "start", "text")

    def __init__(self, start: int, end: int, text: str) -> None:
        self.start = start
        self.end = end
        self.text = text

    def __repr__(self) -> str:
        return f"Placeholder({self.start}, {self.end}, {self.text!r})"


def named_like_template(path: str) -> bool:
    """``Dockerfile.template``, ``Dockerfile_no_s2i.tpl``, ``Dockerfile.in`` ..."""
    name = path.replace("\\", "/").rsplit("/", 1)[-1].lower()
    return bool(_TEMPLATE_NAME.search(name))


def find_placeholders(text: str, path: str) -> list[Placeholder]:
    """Every placeholder in ``text``, in order and without overlaps."""
    if "{" not in text and "%" not in text and "__" not in text and not named_like_template(path):
        return []  # the common case: nothing that could be a template
    named = named_like_template(path)
    found: list[Placeholder] = []
    for match in _ANYWHERE.finditer(text):
        token = match.group()
        if token.startswith(("{{", "<%")) and not named and _quoted(text, match.start()):
            continue
        if token.startswith("__"):
            token = token.strip()
            start = match.start() + match.group().index(token)
            found.append(Placeholder(start, start + len(token), token))
            continue
        found.append(Placeholder(match.start(), match.end(), token))
    if named:
        taken = [(p.start, p.end) for p in found]
        for match in _NAMED_ONLY.finditer(text):
            if not any(a < match.end() and match.start() < b for a, b in taken):
                found.append(Placeholder(match.start(), match.end(), match.group()))
        found.sort(key=lambda p: p.start)
    return found


def _quoted(text: str, offset: int) -> bool:
    """Is ``offset`` inside a quoted string of its line? (an odd number of quotes before it)"""
    line_start = text.rfind("\n", 0, offset) + 1
    before = text[line_start:offset]
    return before.count("'") % 2 == 1 or before.count('"') % 2 == 1


def mask(text: str, placeholders: list[Placeholder]) -> str:
    """``text`` with each placeholder replaced by ``x`` characters of the same length.

    Newlines inside a placeholder stay, so line numbers and columns do not move. A line that
    holds nothing but placeholder text, outside any continued instruction, becomes a comment
    (``#`` then spaces): a template statement such as ``{% if arm %}`` on its own line is no
    instruction. Inside a continuation an expression stays a word, so the instruction still
    ends where it did; a statement still becomes a comment line, which BuildKit skips inside a
    continuation, as the generator drops the line.
    """
    if not placeholders:
        return text
    chars = list(text)
    touched: set[int] = set()
    for p in placeholders:
        first = text.count("\n", 0, p.start)
        touched.update(range(first, first + p.text.count("\n") + 1))
        for i in range(p.start, p.end):
            if chars[i] != "\n":
                chars[i] = "x"
    lines = "".join(chars).split("\n")
    originals = text.split("\n")
    for number in sorted(touched):
        line = lines[number]
        body = line.strip()
        if not body or set(body) != {"x"} or originals[number].strip() == body:
            continue
        previous = next((lines[k].rstrip() for k in range(number - 1, -1, -1) if lines[k].strip()), "")
        if previous.endswith(("\\", "`")) and not _STATEMENT.match(originals[number].strip()):
            continue
        lead = len(line) - len(line.lstrip())
        lines[number] = line[:lead] + "#" + " " * (len(line) - lead - 1)
    return "\n".join(lines)


def alternative_branch_lines(text: str, placeholders: list[Placeholder]) -> set[int]:
    """1-based lines of the ``else``/``elif`` branches of whole-line template statements: from
    the line after ``{% else %}`` to the next statement line. They repeat what the ``if`` branch
    began (``RUN mkdir /data \\`` then ``{% if alpine %} && apk add ...{% else %} && apt-get
    ...``), so the text as written is no Dockerfile there."""
    alone = sorted(
        (text.count("\n", 0, p.start) + 1, p.text) for p in placeholders
        if _STATEMENT.match(p.text) and _alone_on_line(text, p)
    )
    if not alone:
        return set()
    ends = [number for number, _ in alone[1:]] + [text.count("\n") + 2]
    lines: set[int] = set()
    for (number, token), end in zip(alone, ends, strict=True):
        if _ALTERNATIVE.match(token):
            lines.update(range(number + 1, end))
    return lines


def _alone_on_line(text: str, p: Placeholder) -> bool:
    start = text.rfind("\n", 0, p.start) + 1
    end = text.find("\n", p.end)
    return not text[start:p.start].strip() and not text[p.end:len(text) if end < 0 else end].strip()
