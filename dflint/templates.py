"""Template placeholders in a Dockerfile: where they are, and the text to parse instead.

Many repositories keep a Dockerfile *template* that a generator turns into the real Dockerfile:
docker-library's ``Dockerfile.template`` (``{{ env.variant }}``, jq templates), ``%%VERSION%%``
placeholders filled by ``sed``, Go/Jinja templates (``{{ .version }}``, ``{% if %}``), Rails
generator ``Dockerfile.tt`` files (ERB: ``<%= Gem.ruby_version %>``, ``<% if using_node? -%>``),
dev-container definitions (``${templateOption:imageVariant}``), ``__REGISTRY__`` / ``#IMAGE#`` /
``@VERSION@`` tokens in ``*.tpl``/``*.in`` files or on lines of their own. The text inside such a
placeholder is not Dockerfile syntax and not shell: ``FROM {{ .python.from }}`` is no syntax
error, ``%%PKG%%`` is no package to pin.

Linting masks every placeholder with a same-length run of ``x`` (a plain word wherever it stands:
image name, tag, package, path, shell word), so the parser and the rules see an ordinary
Dockerfile and every span keeps its place. A line that holds nothing but a template *statement*
(``{% if %}``, ``<% end -%>``, ``{{ else }}``: text the generator removes) becomes a comment line,
which BuildKit skips even inside a continued instruction, so ``RUN a \\`` / ``{% if x %}`` /
``&& b`` stays one RUN. When such a conditional opens inside a continued instruction, only its
first branch is kept (the other branches become comment lines): each branch continues the same
instruction in the generated file, and read one after the other they would not. The engine then
drops any finding that touches a placeholder, and DF903 says once that the file is a template.
``dflint parse`` and the BuildKit differential tests parse the file as written.

What counts as a placeholder is chosen to stay clear of real Dockerfiles:

* anywhere: ``%%NAME%%`` (upper-case name), ``${templateOption:name}``, ``{% ... %}``, ERB tags
  (``<% ... %>``, ``<%= ... %>``) and ``{{ ... }}``, except what a command receives at run time
  and fills in itself: a quoted ``{{ ... }}`` or ERB tag (``docker inspect --format '{{.Id}}'``,
  ``go list -f '{{.Dir}}'``), one in a heredoc body, and an unspaced ``{{.name}}`` that is an
  argument of a shell command (``easy-add --file {{.app}}``);
* in a file that is a template (named ``*.template``, ``*.tmpl``, ``*.tpl``, ``*.j2``,
  ``*.jinja``, ``*.jinja2``, ``*.gotmpl``, ``*.in``, ``*.tt``, ``*.erb``, or holding a placeholder
  above, a line that is only a ``__NAME__``/``@NAME@`` token, or such a token as a FROM image):
  also those run-time-looking forms and the token forms ``__NAME__``, ``#NAME#``, ``@NAME@``.
"""

from __future__ import annotations

import re

from dflint.lazyre import LazyPattern

__all__ = ["Placeholder", "find_placeholders", "mask", "named_like_template"]

_TEMPLATE_NAME = LazyPattern(r"\.(?:template|tmpl|tpl|j2|jinja2?|gotmpl|in|tt|erb)$", 0)

#: Forms that are placeholders in any file.
_ANYWHERE = LazyPattern(
    r"%%[A-Z][A-Z0-9_-]*%%"  # docker-library / rust-lang sed templates
    r"|\$\{templateOption:[A-Za-z0-9_]+\}"  # dev-container templates
    r"|\{%-?\s.*?%\}"  # Jinja / Nunjucks statements
    r"|<%(?:==?|-|#)?\s.*?%>"  # ERB tags (`<%aN>` in a git format string is none)
    r"|\{\{.*?\}\}",  # Go / Jinja / jq expressions (not the run-time ones, see _runtime)
    0,
)
_TOKEN = r"__[A-Z][A-Z0-9_]*(?:\[[A-Z0-9_]+\][A-Z0-9_]*)*__|#[A-Z][A-Z0-9_]*#|@[A-Z][A-Z0-9_]*@"
#: Forms that are placeholders only in a file that is a template.
_NAMED_ONLY = LazyPattern(r"\{\{.*?\}\}|<%(?:==?|-|#)?\s.*?%>|" + _TOKEN, 0)
#: A template token alone on its line (ceph-container's ``__DOCKERFILE_PREINSTALL__``), or as the
#: image of a FROM: neither is a Dockerfile, so the file is a template whatever its name.
_TOKEN_EVIDENCE = LazyPattern(
    r"^[ \t]*(?:(?i:FROM)[ \t]+(?:--\S+[ \t]+)*(?:" + _TOKEN + r")"
    r"|(?:__(?!(?:END|DATA)__)[A-Z][A-Z0-9_]*(?:\[[A-Z0-9_]+\][A-Z0-9_]*)*__|@[A-Z][A-Z0-9_]*@)"
    r"[ \t]*[\\`]?[ \t]*\r?$)",  # (not Perl's and Ruby's `__END__` / `__DATA__` markers)
    re.MULTILINE,
)
_HEREDOC = LazyPattern(r"<<-?[ \t]*([\"']?)([A-Za-z_][A-Za-z0-9_]*)\1", 0)
_SHELL_KEYWORDS = frozenset({"RUN", "CMD", "ENTRYPOINT", "HEALTHCHECK"})
#: What a command word follows in a shell command (a ``{{ }}`` after one is a command, not an argument).
_COMMAND_START = ("&&", "||", "|", ";", "(", "`", "$(", "{", "!", " then", " do", " else")
_JINJA_OPEN = frozenset({"if", "for", "macro", "call", "filter", "block", "with", "raw", "autoescape",
                         "trans"})
_RUBY_OPEN = frozenset({"if", "unless", "case", "while", "until", "for", "begin"})
_RUBY_BLOCK = LazyPattern(r"\bdo(?:\s*\|[^|]*\|)?$", 0)
_GO_OPEN = frozenset({"if", "range", "with", "define", "block"})


class Placeholder:
    """One placeholder: its text and where it is (0-based offsets into the file's text).

    ``role`` says what the generator does with it: ``output`` (replaced by text), ``open`` /
    ``else`` / ``close`` (a conditional or loop: the ``if``, ``else``/``elif``, ``end`` lines) or
    ``statement`` (anything else that leaves no text: ``{% set %}``, ``<%# comment %>``).
    """

    __slots__ = ("end", "role", "start", "text")

    def __init__(self, start: int, end: int, text: str) -> None:
        self.start = start
        self.end = end
        self.text = text
        self.role = _role(text)

    def __repr__(self) -> str:
        return f"Placeholder({self.start}, {self.end}, {self.text!r})"


def named_like_template(path: str) -> bool:
    """``Dockerfile.template``, ``Dockerfile_no_s2i.tpl``, ``Dockerfile.in``, ``Dockerfile.tt`` ..."""
    name = path.replace("\\", "/").rsplit("/", 1)[-1].lower()
    return bool(_TEMPLATE_NAME.search(name))


def find_placeholders(text: str, path: str) -> list[Placeholder]:
    """Every placeholder in ``text``, in order and without overlaps."""
    named = named_like_template(path)
    if not named and "{" not in text and "%" not in text and "__" not in text and "@" not in text:
        return []  # the common case: nothing that could be a template
    found: list[Placeholder] = []
    runtime: list[Placeholder] = []
    lines: _Lines | None = None
    for match in _ANYWHERE.finditer(text):
        placeholder = Placeholder(match.start(), match.end(), match.group())
        if not named and placeholder.text.startswith(("{{", "<%")):
            lines = lines or _Lines(text)
            if _runtime(placeholder, text, lines):
                runtime.append(placeholder)
                continue
        found.append(placeholder)
    template = named or any(not p.text.startswith("${") for p in found) or bool(_TOKEN_EVIDENCE.search(text))
    if not template:
        return found
    found += runtime
    taken = [(p.start, p.end) for p in found]
    for match in _NAMED_ONLY.finditer(text):
        if not any(a < match.end() and match.start() < b for a, b in taken):
            found.append(Placeholder(match.start(), match.end(), match.group()))
    found.sort(key=lambda p: p.start)
    return found


def _runtime(p: Placeholder, text: str, lines: _Lines) -> bool:
    """Is this ``{{ }}`` / ERB tag text that a command fills in at run time, not a generator?

    Quoted (``--format '{{.Id}}'``), in a heredoc body (a config file written by the build), or an
    unspaced ``{{.name}}`` that is an argument of a shell command (``easy-add --file {{.app}}``:
    spaced, the shell would split it into words no program could read back as one template).
    """
    if _quoted(text, p.start):
        return True
    number = text.count("\n", 0, p.start)
    if lines.heredoc[number]:
        return True
    if not p.text.startswith("{{") or any(ch.isspace() for ch in p.text):
        return False
    if lines.keyword[number] not in _SHELL_KEYWORDS:
        return False
    return not _command_position(lines.before(number, p.start - lines.offset[number]))


def _command_position(prefix: str) -> bool:
    """Does a command word start after ``prefix`` (the instruction's text before the word)?"""
    rest = re.sub(r"^\s*(?:ONBUILD\s+)?(?:RUN|CMD|ENTRYPOINT|HEALTHCHECK)\b(?:\s+--\S+)*(?:\s+CMD\b)?",
                  "", prefix, count=1, flags=re.IGNORECASE).rstrip()
    return not rest or rest.endswith(_COMMAND_START)


class _Lines:
    """Per physical line: the keyword of the instruction it belongs to, and heredoc bodies."""

    def __init__(self, text: str) -> None:
        self.lines = text.split("\n")
        self.offset: list[int] = []
        self.keyword: list[str] = []
        self.heredoc: list[bool] = []
        self.first: list[int] = []  # the line the instruction starts on
        escape = "`" if re.match(r"(?:#.*\n)*#\s*escape\s*=\s*`", text, re.IGNORECASE) else "\\"
        keyword, start, continuing, position = "", 0, False, 0
        pending: list[str] = []  # heredoc terminators still to come
        for number, line in enumerate(self.lines):
            self.offset.append(position)
            position += len(line) + 1
            stripped = line.strip()
            if pending:  # a heredoc body, up to its terminator line
                self._add(keyword, True, start)
                if stripped == pending[0]:
                    pending.pop(0)
                continue
            if not stripped or stripped.startswith("#"):
                self._add(keyword if continuing else "", False, start)
                continue
            if not continuing:
                words = stripped.split(None, 2)
                keyword, start = words[0].upper(), number
                if keyword == "ONBUILD" and len(words) > 1:
                    keyword = words[1].upper()
            self._add(keyword, False, start)
            pending += [m.group(2) for m in _HEREDOC.finditer(line)]
            continuing = line.rstrip().endswith(escape)

    def _add(self, keyword: str, heredoc: bool, first: int) -> None:
        self.keyword.append(keyword)
        self.heredoc.append(heredoc)
        self.first.append(first)

    def before(self, number: int, column: int) -> str:
        """The instruction's text before ``column`` of line ``number`` (continuations joined)."""
        parts = [ln.rstrip().rstrip("\\`") for ln in self.lines[self.first[number]:number]
                 if ln.strip() and not ln.strip().startswith("#")]
        return " ".join([*parts, self.lines[number][:column]])


def _quoted(text: str, offset: int) -> bool:
    """Is ``offset`` inside a quoted string of its line? (an odd number of quotes before it)"""
    line_start = text.rfind("\n", 0, offset) + 1
    before = text[line_start:offset]
    return before.count("'") % 2 == 1 or before.count('"') % 2 == 1


def _role(token: str) -> str:
    """``output``, ``open``, ``else``, ``close`` or ``statement`` (see :class:`Placeholder`)."""
    if token.startswith("{%"):
        words = token[2:-2].strip("-+ \t").split(None, 1)
        word = words[0] if words else ""
        if word.startswith("end"):
            return "close"
        if word in ("elif", "else"):
            return "else"
        if word in _JINJA_OPEN or (word == "set" and "=" not in token):
            return "open"
        return "statement"
    if token.startswith("<%"):
        if token.startswith("<%="):
            return "output"
        code = token[2:-2].lstrip("-").strip().rstrip("-").strip()
        word = re.split(r"[^A-Za-z_]", code, maxsplit=1)[0]
        if token.startswith("<%#"):
            return "statement"
        if word == "end":
            return "close"
        if word in ("else", "elsif", "when", "rescue", "ensure"):
            return "else"
        if word in _RUBY_OPEN or _RUBY_BLOCK.search(code):
            return "open"
        return "statement"
    if token.startswith("{{"):
        code = token[2:-2].strip("- \t")
        word = code.split(None, 1)[0] if code else ""
        if word in _GO_OPEN:
            return "open"
        if word == "else":
            return "else"
        if word == "end":
            return "close"
        if code.startswith("/*"):
            return "statement"
    return "output"


def mask(text: str, placeholders: list[Placeholder]) -> str:
    """``text`` with each placeholder replaced by ``x`` characters of the same length.

    Newlines inside a placeholder stay, so line numbers and columns do not move. A line that
    holds nothing but template statements becomes a comment (``#`` then spaces), inside a
    continued instruction too (BuildKit skips comment lines there); a line that holds nothing
    but output placeholders becomes one outside any continued instruction, and stays a word
    inside one, so the instruction still ends where it did. The branches after the first of a
    conditional that opens inside a continued instruction become comments.
    """
    if not placeholders:
        return text
    chars = list(text)
    on_line: dict[int, list[Placeholder]] = {}
    for p in placeholders:
        first = text.count("\n", 0, p.start)
        for number in range(first, first + p.text.count("\n") + 1):
            on_line.setdefault(number, []).append(p)
        for i in range(p.start, p.end):
            if chars[i] != "\n":
                chars[i] = "x"
    lines = "".join(chars).split("\n")
    originals = text.split("\n")
    frames: list[list[bool]] = []  # per open conditional: [opened inside a continuation, masking]
    for number, line in enumerate(lines):
        here = on_line.get(number, [])
        masking = any(frame[1] for frame in frames)
        body = line.strip()
        whole = bool(here) and bool(body) and set(body) == {"x"} and originals[number].strip() != body
        statements = whole and all(p.role != "output" for p in here)
        continued = _continued(lines, number)
        for p in here:
            if text.count("\n", 0, p.start) != number:
                continue  # a multi-line placeholder acts where it starts
            if p.role == "open":
                frames.append([statements and continued and not masking, False])
            elif p.role == "else" and frames and frames[-1][0]:
                frames[-1][1] = True
            elif p.role == "close" and frames:
                frames.pop()
        if statements or (masking and body) or (whole and not continued):
            lead = len(line) - len(line.lstrip())
            lines[number] = line[:lead] + "#" + " " * (len(line) - lead - 1) if body else line
    return "\n".join(lines)


def _continued(lines: list[str], number: int) -> bool:
    """Does the last instruction line before line ``number`` end with a line continuation?"""
    for k in range(number - 1, -1, -1):
        body = lines[k].strip()
        if body and not body.startswith("#"):
            return body.endswith(("\\", "`"))
    return False
