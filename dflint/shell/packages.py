"""Package-manager commands read from a :class:`SimpleCommand`: apt, apk, yum/dnf, zypper, pip,
npm/yarn/pnpm, gem, go, cargo.

Each tool is described by the options that take a value, so an option value (``-o Dpkg::...``,
``--virtual .deps``, ``-r requirements.txt``, ``-qr req.txt``) is never mistaken for a package.
Every record keeps the words it came from, so a rule can point at the exact package.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence

from dflint.lazyre import LazyPattern
from dflint.records import FrozenRecord
from dflint.shell.model import ShellWord, SimpleCommand

#: Versions that name a moving target rather than a release.
MOVING_VERSIONS = frozenset({"", "latest", "next", "*", "x", "master", "main", "head", "none", "upgrade"})
_ARCHIVE = (
    ".whl",
    ".tar.gz",
    ".tgz",
    ".tar.bz2",
    ".tar.xz",
    ".tar",
    ".zip",
    ".deb",
    ".rpm",
    ".apk",
    ".gem",
    ".crate",
)


class Option(FrozenRecord):
    """One option as given: ``-y`` (from ``-yq`` too), ``--index-url=X``, ``-r req.txt``."""

    __slots__ = ("name", "value", "value_word", "word")
    __match_args__ = ("name", "value", "word", "value_word")

    name: str
    value: str | None
    word: ShellWord
    value_word: ShellWord | None

    def __init__(
        self, name: str, value: str | None, word: ShellWord, value_word: ShellWord | None = None,
    ) -> None:
        _set = object.__setattr__
        _set(self, "name", name)
        _set(self, "value", value)
        _set(self, "word", word)
        _set(self, "value_word", value_word)


class PackageRef(FrozenRecord):
    """A package operand. ``kind``: ``name`` (registry package), ``path`` (local file or directory),
    ``url`` (URL, VCS or repo shorthand), ``group`` (``@group``), ``dynamic`` (the name itself is
    an expansion such as ``$PKGS``). ``pinned``: a version constraint that is not a moving tag."""

    __slots__ = ("kind", "name", "operator", "pinned", "qualifier", "version", "word")
    __match_args__ = ("name", "version", "pinned", "word", "operator", "kind", "qualifier")

    name: str
    version: str | None
    pinned: bool
    word: ShellWord
    operator: str | None
    kind: str
    qualifier: str | None  # apt target release (``pkg/bookworm``), apk tag (``pkg@edge``)

    def __init__(
        self, name: str, version: str | None, pinned: bool, word: ShellWord, operator: str | None = None,
        kind: str = "name", qualifier: str | None = None,
    ) -> None:
        _set = object.__setattr__
        _set(self, "name", name)
        _set(self, "version", version)
        _set(self, "pinned", pinned)
        _set(self, "word", word)
        _set(self, "operator", operator)
        _set(self, "kind", kind)
        _set(self, "qualifier", qualifier)


class PackageCommand(FrozenRecord):
    """A package-manager invocation: tool, subcommand, options and package operands."""

    __slots__ = (
        "command",
        "install_subcommands",
        "operands",
        "options",
        "packages",
        "subcommand",
        "subcommand_word",
        "tool",
    )
    __match_args__ = (
        "tool", "subcommand", "subcommand_word", "packages", "options", "operands", "command",
        "install_subcommands",
    )
    _no_repr = frozenset({"install_subcommands"})

    tool: str
    subcommand: str | None
    subcommand_word: ShellWord | None
    packages: tuple[PackageRef, ...]
    options: tuple[Option, ...]
    operands: tuple[ShellWord, ...]
    command: SimpleCommand
    install_subcommands: frozenset[str]

    def __init__(
        self, tool: str, subcommand: str | None, subcommand_word: ShellWord | None,
        packages: tuple[PackageRef, ...], options: tuple[Option, ...], operands: tuple[ShellWord, ...],
        command: SimpleCommand, install_subcommands: frozenset[str] = frozenset({"install"}),
    ) -> None:
        _set = object.__setattr__
        _set(self, "tool", tool)
        _set(self, "subcommand", subcommand)
        _set(self, "subcommand_word", subcommand_word)
        _set(self, "packages", packages)
        _set(self, "options", options)
        _set(self, "operands", operands)
        _set(self, "command", command)
        _set(self, "install_subcommands", install_subcommands)

    @property
    def is_install(self) -> bool:
        return self.subcommand in self.install_subcommands

    def has_option(self, *names: str) -> bool:
        wanted = set(names)
        return any(o.name in wanted for o in self.options)

    def option_values(self, *names: str) -> list[str | None]:
        wanted = set(names)
        return [o.value for o in self.options if o.name in wanted]

    def count_option(self, *names: str) -> int:
        wanted = set(names)
        return sum(1 for o in self.options if o.name in wanted)

    @property
    def unpinned(self) -> list[PackageRef]:
        """Registry packages without a usable version (names only, dynamic names skipped)."""
        return [p for p in self.packages if p.kind == "name" and not p.pinned]


class AptCommand(PackageCommand):
    __slots__ = ()

    @property
    def quiet_level(self) -> int:
        level = 0
        for opt in self.options:
            if opt.name in ("-q", "--quiet"):
                level = int(opt.value) if opt.value and opt.value.isdigit() else level + 1
        return level

    @property
    def assume_yes(self) -> bool:
        """``-y``/``--yes``/``--assume-yes``, ``-qq`` (implies yes), or ``-o APT::Get::Assume-Yes=true``."""
        if self.has_option("-y", "--yes", "--assume-yes", "--force-yes"):
            return True
        if self.quiet_level >= 2:
            return True
        return any(
            _apt_config(v, "apt::get::assume-yes", "true") for v in self.option_values("-o", "--option")
        )

    @property
    def simulates(self) -> bool:
        """``-s``/``--simulate`` (``--just-print``, ``--dry-run``, ``--recon``, ``--no-act``):
        apt only prints what it would do, installs nothing and never asks."""
        return self.has_option("-s", "--simulate", "--just-print", "--dry-run", "--recon", "--no-act")

    @property
    def only_upgrade(self) -> bool:
        """``--only-upgrade``: upgrade packages already installed to their newest version, install
        none (``apt-get install --only-upgrade ca-certificates``)."""
        return self.has_option("--only-upgrade")

    @property
    def no_install_recommends(self) -> bool:
        if self.has_option("--no-install-recommends"):
            return True
        return any(
            _apt_config(v, "apt::install-recommends", "false") for v in self.option_values("-o", "--option")
        )


def _apt_config(value: str | None, key: str, wanted: str) -> bool:
    if not value or "=" not in value:
        return False
    k, _, v = value.partition("=")
    return k.strip().lower() == key and v.strip().strip("'\"").lower() in (
        wanted,
        "1" if wanted == "true" else "0",
    )


class ApkCommand(PackageCommand):
    __slots__ = ()

    @property
    def no_cache(self) -> bool:
        return self.has_option("--no-cache")

    @property
    def virtual(self) -> str | None:
        values = self.option_values("-t", "--virtual")
        return values[-1] if values else None


class YumCommand(PackageCommand):
    """yum, dnf, microdnf, tdnf."""

    __slots__ = ()

    @property
    def assume_yes(self) -> bool:
        return self.has_option("-y", "--assumeyes")

    @property
    def is_clean_all(self) -> bool:
        return self.subcommand == "clean" and any(w.value == "all" for w in self.operands)


class ZypperCommand(PackageCommand):
    __slots__ = ()

    @property
    def non_interactive(self) -> bool:
        return self.has_option("-n", "--non-interactive", "--no-confirm", "-y")


class PipCommand(PackageCommand):
    """pip/pip3/``python -m pip``. ``editable``, ``local_paths`` and ``urls`` are kept apart from
    registry packages; ``requirement_files``/``constraint_files`` are the ``-r``/``-c`` values."""

    __slots__ = ("constraint_files", "editable", "requirement_files")
    __match_args__ = (
        "tool", "subcommand", "subcommand_word", "packages", "options", "operands", "command",
        "install_subcommands", "requirement_files", "constraint_files", "editable",
    )
    _no_repr = frozenset({"install_subcommands"})

    requirement_files: tuple[str, ...]
    constraint_files: tuple[str, ...]
    editable: tuple[str, ...]

    def __init__(
        self, tool: str, subcommand: str | None, subcommand_word: ShellWord | None,
        packages: tuple[PackageRef, ...], options: tuple[Option, ...], operands: tuple[ShellWord, ...],
        command: SimpleCommand, install_subcommands: frozenset[str] = frozenset({"install"}),
        requirement_files: tuple[str, ...] = (), constraint_files: tuple[str, ...] = (),
        editable: tuple[str, ...] = (),
    ) -> None:
        PackageCommand.__init__(self, tool, subcommand, subcommand_word, packages, options, operands,
                                command, install_subcommands)
        _set = object.__setattr__
        _set(self, "requirement_files", requirement_files)
        _set(self, "constraint_files", constraint_files)
        _set(self, "editable", editable)

    @property
    def no_cache_dir(self) -> bool:
        return self.has_option("--no-cache-dir")

    @property
    def user(self) -> bool:
        return self.has_option("--user")

    @property
    def index_urls(self) -> list[str | None]:
        return self.option_values("-i", "--index-url", "--extra-index-url")

    @property
    def local_paths(self) -> list[PackageRef]:
        return [p for p in self.packages if p.kind == "path"]

    @property
    def urls(self) -> list[PackageRef]:
        return [p for p in self.packages if p.kind == "url"]


class NodeCommand(PackageCommand):
    """npm, yarn, pnpm."""

    __slots__ = ("global_install",)
    __match_args__ = (
        "tool", "subcommand", "subcommand_word", "packages", "options", "operands", "command",
        "install_subcommands", "global_install",
    )
    _no_repr = frozenset({"install_subcommands"})

    global_install: bool

    def __init__(
        self, tool: str, subcommand: str | None, subcommand_word: ShellWord | None,
        packages: tuple[PackageRef, ...], options: tuple[Option, ...], operands: tuple[ShellWord, ...],
        command: SimpleCommand, install_subcommands: frozenset[str] = frozenset({"install"}),
        global_install: bool = False,
    ) -> None:
        PackageCommand.__init__(self, tool, subcommand, subcommand_word, packages, options, operands,
                                command, install_subcommands)
        object.__setattr__(self, "global_install", global_install)

    @property
    def is_ci(self) -> bool:
        return self.subcommand == "ci"


class GemCommand(PackageCommand):
    __slots__ = ()


class GoCommand(PackageCommand):
    __slots__ = ()


class CargoCommand(PackageCommand):
    __slots__ = ()

    @property
    def locked(self) -> bool:
        return self.has_option("--locked")


# -- option parsing ----------------------------------------------------------------------------


def _text(word: ShellWord) -> str:
    return word.value if word.value is not None else word.unquoted


def parse_options(
    words: Sequence[ShellWord], with_value: frozenset[str], single_dash_long: bool = False
) -> tuple[list[Option], list[ShellWord]]:
    """Split words into options and operands, knowing which options take a value.

    Short options cluster (``-yq``, ``-qr FILE``, ``-rFILE``); ``--name=value`` and ``-q=2`` carry
    their value; ``--`` ends options. ``single_dash_long`` is Go's style (``-tags x``).
    """
    options: list[Option] = []
    operands: list[ShellWord] = []
    i = 0
    only_operands = False
    while i < len(words):
        word = words[i]
        text = _text(word)
        nxt = words[i + 1] if i + 1 < len(words) else None
        if only_operands or not text.startswith("-") or text == "-":
            operands.append(word)
        elif text == "--":
            only_operands = True
        elif text.startswith("--") or single_dash_long:
            name, eq, value = text.partition("=")
            if eq:
                options.append(Option(name, value, word, word))
            elif name in with_value and nxt is not None:
                options.append(Option(name, _text(nxt), word, nxt))
                i += 1
            else:
                options.append(Option(name, None, word))
        elif text[2:3] == "=":
            options.append(Option(text[:2], text[3:], word, word))
        else:
            cluster = text[1:]
            for k, ch in enumerate(cluster):
                name = "-" + ch
                if name in with_value:
                    rest = cluster[k + 1 :]
                    if rest:
                        options.append(Option(name, rest, word, word))
                    elif nxt is not None:
                        options.append(Option(name, _text(nxt), word, nxt))
                        i += 1
                    else:
                        options.append(Option(name, None, word))
                    break
                options.append(Option(name, None, word))
        i += 1
    return options, operands


def _values(spec: str) -> frozenset[str]:
    return frozenset(spec.split())


def _is_dynamic(word: ShellWord) -> bool:
    return word.value is None and _text(word).startswith("$")


def _path_like(text: str) -> bool:
    return text.startswith((".", "/", "~")) or text.lower().endswith(_ARCHIVE)


# -- apt -----------------------------------------------------------------------------------------

_APT_VALUES = _values(
    "-o --option -c --config-file -t --target-release --default-release -a --host-architecture "
    "-P --build-profiles --solver --planner"
)
_APT_INSTALL = frozenset({"install", "reinstall", "build-dep", "source", "satisfy"})


def parse_apt(cmd: SimpleCommand) -> AptCommand | None:
    """``apt-get``/``apt``/``aptitude`` with their subcommand, options and ``pkg=ver`` packages."""
    if cmd.basename not in ("apt-get", "apt", "aptitude"):
        return None
    options, operands = parse_options(cmd.args, _APT_VALUES)
    sub, sub_word, rest = _subcommand(operands)
    packages = tuple(_apt_package(w) for w in rest) if sub in _APT_INSTALL else ()
    return AptCommand(cmd.basename, sub, sub_word, packages, tuple(options), tuple(rest), cmd, _APT_INSTALL)


def _apt_package(word: ShellWord) -> PackageRef:
    text = _text(word)
    if _is_dynamic(word):
        return PackageRef(text, None, False, word, kind="dynamic")
    if _path_like(text):
        return PackageRef(text, None, True, word, kind="path")
    name, eq, version = text.partition("=")
    if eq:
        return PackageRef(name, version, version not in MOVING_VERSIONS, word, "=")
    name, slash, release = text.partition("/")
    if slash:
        return PackageRef(name, None, False, word, "/", qualifier=release)
    return PackageRef(text, None, False, word)


def _subcommand(operands: list[ShellWord]) -> tuple[str | None, ShellWord | None, list[ShellWord]]:
    if not operands:
        return None, None, []
    return operands[0].value, operands[0], operands[1:]


# -- apk -----------------------------------------------------------------------------------------

_APK_VALUES = _values(
    "-X --repository -t --virtual -p --root --keys-dir --arch --cache-dir --repositories-file "
    "--cache-max-age --timeout"
)
_APK_RE = LazyPattern(r"^(?P<name>[^=~<>@]+)(?:@(?P<tag>[^=~<>]+))?(?:(?P<op>[=~<>]+)(?P<ver>.*))?$")


def parse_apk(cmd: SimpleCommand) -> ApkCommand | None:
    if cmd.basename != "apk":
        return None
    options, operands = parse_options(cmd.args, _APK_VALUES)
    sub, sub_word, rest = _subcommand(operands)
    packages = tuple(_apk_package(w) for w in rest) if sub == "add" else ()
    return ApkCommand("apk", sub, sub_word, packages, tuple(options), tuple(rest), cmd, frozenset({"add"}))


def _apk_package(word: ShellWord) -> PackageRef:
    text = _text(word)
    if _is_dynamic(word):
        return PackageRef(text, None, False, word, kind="dynamic")
    if _path_like(text):
        return PackageRef(text, None, True, word, kind="path")
    m = _APK_RE.match(text)
    if m is None:
        return PackageRef(text, None, False, word)
    version = m.group("ver")
    pinned = bool(m.group("op")) and version not in MOVING_VERSIONS
    return PackageRef(m.group("name"), version, pinned, word, m.group("op"), qualifier=m.group("tag"))


# -- yum / dnf / microdnf ------------------------------------------------------------------------

_YUM_VALUES = _values(
    "-c --config -d --debuglevel -e --errorlevel -x --exclude -R --randomwait --installroot "
    "--releasever --enablerepo --disablerepo --repo --repoid --setopt --repofrompath --forcearch "
    "--downloaddir --destdir --comment --color --rpmverbosity --enableplugin --disableplugin"
)
_YUM_INSTALL = frozenset({"install", "groupinstall", "localinstall", "reinstall"})
_RPM_VERSION_PART = LazyPattern(r"^[A-Za-z0-9._~^:+*]*$")


def parse_yum(cmd: SimpleCommand) -> YumCommand | None:
    """yum, dnf, microdnf, tdnf (``pkg-1.2`` pins, ``clean all``, ``module install``)."""
    if cmd.basename not in ("yum", "dnf", "microdnf", "tdnf", "dnf5"):
        return None
    options, operands = parse_options(cmd.args, _YUM_VALUES)
    sub, sub_word, rest = _subcommand(operands)
    if sub in ("module", "group") and rest:
        sub = f"{sub} {rest[0].value}"
        rest = rest[1:]
    install = _YUM_INSTALL | {"module install", "group install"}
    packages: tuple[PackageRef, ...] = ()
    if sub in install:
        packages = tuple(_rpm_package(w, module=sub == "module install") for w in rest)
    return YumCommand(
        cmd.basename or "yum", sub, sub_word, packages, tuple(options), tuple(rest), cmd, install
    )


def _rpm_package(word: ShellWord, module: bool = False) -> PackageRef:
    text = _text(word)
    if _is_dynamic(word):
        return PackageRef(text, None, False, word, kind="dynamic")
    if _path_like(text) or "://" in text:
        return PackageRef(text, None, True, word, kind="path")
    if text.startswith("@"):
        return PackageRef(text, None, False, word, kind="group")
    if module:
        name, colon, stream = text.partition(":")
        return PackageRef(name, stream or None, bool(colon and stream), word, ":" if colon else None)
    parts = text.split("-")
    for k in range(1, len(parts)):
        tail = parts[k:]
        if (parts[k][:1].isdigit() or parts[k][:1] == "$") and all(
            _RPM_VERSION_PART.match(p) or "$" in p for p in tail
        ):
            return PackageRef("-".join(parts[:k]), "-".join(tail), True, word, "-")
    return PackageRef(text, None, False, word)


# -- zypper ----------------------------------------------------------------------------------------

_ZYPPER_VALUES = _values(
    "-R --root -D --reposd-dir -C --cache-dir -c --config --raw-cache-dir --solv-cache-dir "
    "--pkg-cache-dir -r --repo --from -t --type --download -p --plus-repo"
)
_ZYPPER_INSTALL = frozenset({"install", "in", "source-install", "si"})
_ZYPPER_RE = LazyPattern(r"^(?P<name>[^=<>]+)(?P<op>[=<>]+)(?P<ver>.+)$")


def parse_zypper(cmd: SimpleCommand) -> ZypperCommand | None:
    if cmd.basename != "zypper":
        return None
    options, operands = parse_options(cmd.args, _ZYPPER_VALUES)
    sub, sub_word, rest = _subcommand(operands)
    packages: list[PackageRef] = []
    if sub in _ZYPPER_INSTALL:
        for w in rest:
            text = _text(w)
            m = _ZYPPER_RE.match(text)
            if _is_dynamic(w):
                packages.append(PackageRef(text, None, False, w, kind="dynamic"))
            elif _path_like(text):
                packages.append(PackageRef(text, None, True, w, kind="path"))
            elif m:
                packages.append(PackageRef(m.group("name"), m.group("ver"), True, w, m.group("op")))
            else:
                packages.append(PackageRef(text, None, False, w))
    return ZypperCommand(
        "zypper", sub, sub_word, tuple(packages), tuple(options), tuple(rest), cmd, _ZYPPER_INSTALL
    )


# -- pip -------------------------------------------------------------------------------------------

_PIP_VALUES = _values(
    "-r --requirement -c --constraint -e --editable -i --index-url --extra-index-url -f --find-links "
    "-t --target --prefix --root --src --platform --python-version --implementation --abi "
    "--upgrade-strategy --progress-bar --log --log-file --proxy --retries --timeout --exists-action "
    "--trusted-host --cert --client-cert --cache-dir --global-option --install-option -C "
    "--config-settings --no-binary --only-binary --report --root-user-action --python "
    "--keyring-provider --use-feature --use-deprecated --config-file --group"
)
_PEP508 = LazyPattern(
    r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)\s*(?P<extras>\[[^\]]*\])?\s*"
    r"(?:(?P<op>===|==|~=|!=|>=|<=|>|<)\s*(?P<ver>[^;]*?))?\s*(?:;.*)?$"
)
_PYTHON = LazyPattern(r"^(python|pypy)[0-9.]*$|^py$")


def _pip_args(cmd: SimpleCommand) -> tuple[str, list[ShellWord]] | None:
    base = cmd.basename or ""
    if re.match(r"^pip[0-9.]*$", base):
        return base, list(cmd.args)
    if _PYTHON.match(base):
        args = list(cmd.args)
        for i, w in enumerate(args):
            text = _text(w)
            if text == "-m" and i + 1 < len(args) and _text(args[i + 1]) in ("pip", "pip3"):
                return f"{base} -m pip", args[i + 2 :]
            if text.startswith("-m") and text[2:] in ("pip", "pip3"):
                return f"{base} -m pip", args[i + 1 :]
            if not text.startswith("-") or text in ("-c",):
                return None
    return None


def parse_pip(cmd: SimpleCommand) -> PipCommand | None:
    """pip, pip3, pip3.11, ``python -m pip``, ``python3 -m pip`` (never pipx/pipenv)."""
    found = _pip_args(cmd)
    if found is None:
        return None
    tool, words = found
    options, operands = parse_options(words, _PIP_VALUES)
    sub, sub_word, rest = _subcommand(operands)
    packages: list[PackageRef] = []
    requirements: list[str] = []
    constraints: list[str] = []
    editable: list[str] = []
    for opt in options:
        target = opt.value
        if target is None:
            continue
        if opt.name in ("-r", "--requirement"):
            requirements.append(target)
        elif opt.name in ("-c", "--constraint"):
            constraints.append(target)
        elif opt.name in ("-e", "--editable"):
            editable.append(target)
    if sub in ("install", "download", "wheel"):
        packages = [_pip_package(w) for w in rest]
    return PipCommand(
        tool,
        sub,
        sub_word,
        tuple(packages),
        tuple(options),
        tuple(rest),
        cmd,
        frozenset({"install"}),
        tuple(requirements),
        tuple(constraints),
        tuple(editable),
    )


def _pip_package(word: ShellWord) -> PackageRef:
    text = _text(word)
    if _is_dynamic(word):
        return PackageRef(text, None, False, word, kind="dynamic")
    if " @ " in text or "://" in text or text.startswith(("git+", "hg+", "svn+", "bzr+")):
        name, at, url = text.partition(" @ ")
        url = url if at else text
        ref = url.split("://", 1)[-1]
        pinned = "@" in ref or url.lower().endswith(_ARCHIVE)
        return PackageRef(name.strip() if at else url, None, pinned, word, "@" if at else None, kind="url")
    if _path_like(text) or ("/" in text and not _PEP508.match(text)):
        return PackageRef(text, None, True, word, kind="path")
    m = _PEP508.match(text)
    if m is None:
        return PackageRef(text, None, False, word)
    op, ver = m.group("op"), m.group("ver")
    return PackageRef(m.group("name"), ver, bool(op and ver), word, op)


# -- npm / yarn / pnpm -------------------------------------------------------------------------------

_NODE_VALUES = _values(
    "--registry --prefix --cache --tag --loglevel -w --workspace --userconfig --globalconfig "
    "--network-timeout --modules-folder --cwd --mutex --filter -C --dir --reporter"
)
_NODE_INSTALL = {
    "npm": frozenset(
        {
            "install",
            "i",
            "in",
            "ins",
            "inst",
            "insta",
            "instal",
            "isnt",
            "isnta",
            "isntal",
            "isntall",
            "add",
            "ci",
            "install-clean",
            "install-test",
            "it",
        }
    ),
    "yarn": frozenset({"add", "install"}),
    "pnpm": frozenset({"add", "install", "i"}),
}
_NPM_RE = LazyPattern(r"^(?P<name>@?[^@]+)(?:@(?P<ver>.*))?$")


def parse_node(cmd: SimpleCommand) -> NodeCommand | None:
    """npm/yarn/pnpm install, ci, add (``pkg@1.2``, ``@scope/pkg@1.2``, ``yarn global add``)."""
    tool = cmd.basename
    if tool not in _NODE_INSTALL:
        return None
    options, operands = parse_options(cmd.args, _NODE_VALUES)
    sub, sub_word, rest = _subcommand(operands)
    global_install = any(
        o.name in ("-g", "--global", "--location") and o.value in (None, "global") for o in options
    )
    if tool == "yarn" and sub == "global" and rest:
        global_install = True
        sub, sub_word, rest = rest[0].value, rest[0], rest[1:]
    install = _NODE_INSTALL[tool]
    packages = tuple(_npm_package(w) for w in rest) if sub in install and sub != "ci" else ()
    return NodeCommand(
        tool, sub, sub_word, packages, tuple(options), tuple(rest), cmd, install, global_install
    )


def _npm_package(word: ShellWord) -> PackageRef:
    text = _text(word)
    if _is_dynamic(word):
        return PackageRef(text, None, False, word, kind="dynamic")
    if text.startswith((".", "/", "~", "file:")) or text.endswith((".tgz", ".tar.gz", ".tar")):
        return PackageRef(text, None, True, word, kind="path")
    if (
        "://" in text
        or text.startswith(("git+", "github:", "gitlab:", "bitbucket:", "gist:"))
        or ("/" in text and not text.startswith("@"))
    ):
        return PackageRef(text, None, "#" in text, word, "#" if "#" in text else None, kind="url")
    m = _NPM_RE.match(text)
    if m is None:
        return PackageRef(text, None, False, word)
    ver = m.group("ver")
    return PackageRef(
        m.group("name"),
        ver,
        ver is not None and ver.lower() not in MOVING_VERSIONS,
        word,
        "@" if ver is not None else None,
    )


# -- gem -----------------------------------------------------------------------------------------------

_GEM_VALUES = _values(
    "-v --version -i --install-dir -n --bindir -s --source -P --trust-policy --platform -g --file "
    "--document --build-root -B --bulk-threshold -p --http-proxy --config-file"
)


def parse_gem(cmd: SimpleCommand) -> GemCommand | None:
    """``gem install x:1.2`` or ``gem install x -v 1.2`` (the ``-v`` pins every named gem)."""
    if cmd.basename != "gem":
        return None
    options, operands = parse_options(cmd.args, _GEM_VALUES)
    sub, sub_word, rest = _subcommand(operands)
    versions = [o.value for o in options if o.name in ("-v", "--version") and o.value]
    packages: list[PackageRef] = []
    if sub in ("install", "i"):
        for w in rest:
            text = _text(w)
            if _is_dynamic(w):
                packages.append(PackageRef(text, None, False, w, kind="dynamic"))
            elif text.endswith(".gem") or text.startswith((".", "/")):
                packages.append(PackageRef(text, None, True, w, kind="path"))
            elif ":" in text:
                name, _, ver = text.partition(":")
                packages.append(PackageRef(name, ver, ver not in MOVING_VERSIONS, w, ":"))
            elif versions:
                packages.append(PackageRef(text, versions[-1], True, w, "-v"))
            else:
                packages.append(PackageRef(text, None, False, w))
    return GemCommand(
        "gem", sub, sub_word, tuple(packages), tuple(options), tuple(rest), cmd, frozenset({"install", "i"})
    )


# -- go ----------------------------------------------------------------------------------------------

_GO_VALUES = _values(
    "-tags -ldflags -gcflags -asmflags -mod -o -p -pkgdir -buildmode -compiler -gccgoflags -installsuffix "
    "-modfile -overlay -pgo -toolexec -C -buildvcs -coverpkg"
)


def parse_go(cmd: SimpleCommand) -> GoCommand | None:
    """``go install``/``go get``/``go run`` with ``pkg@version`` operands."""
    if cmd.basename != "go":
        return None
    options, operands = parse_options(cmd.args, _GO_VALUES, single_dash_long=True)
    sub, sub_word, rest = _subcommand(operands)
    packages: list[PackageRef] = []
    if sub in ("install", "get", "run"):
        targets = rest[:1] if sub == "run" else rest
        for w in targets:
            text = _text(w)
            if _is_dynamic(w):
                packages.append(PackageRef(text, None, False, w, kind="dynamic"))
            elif text.startswith((".", "/")) or text.endswith(".go"):
                packages.append(PackageRef(text, None, True, w, kind="path"))
            else:
                name, at, ver = text.partition("@")
                packages.append(
                    PackageRef(
                        name,
                        ver if at else None,
                        bool(at) and ver.lower() not in MOVING_VERSIONS,
                        w,
                        "@" if at else None,
                    )
                )
    return GoCommand(
        "go", sub, sub_word, tuple(packages), tuple(options), tuple(rest), cmd, frozenset({"install", "get"})
    )


# -- cargo -------------------------------------------------------------------------------------------

_CARGO_VALUES = _values(
    "--version --vers --git --branch --tag --rev --path --root --index --registry -F --features -j --jobs "
    "--target --target-dir --profile --bin --example --config -Z --color"
)


def parse_cargo(cmd: SimpleCommand) -> CargoCommand | None:
    """``cargo install x@1.2`` / ``--version 1.2`` / ``--git`` / ``--path`` / ``--locked``."""
    if cmd.basename != "cargo":
        return None
    options, operands = parse_options(cmd.args, _CARGO_VALUES)
    sub, sub_word, rest = _subcommand(operands)
    versions = [o.value for o in options if o.name in ("--version", "--vers") and o.value]
    from_source = any(o.name in ("--git", "--path") for o in options)
    packages: list[PackageRef] = []
    if sub == "install":
        for w in rest:
            text = _text(w)
            name, at, ver = text.partition("@")
            if _is_dynamic(w):
                packages.append(PackageRef(text, None, False, w, kind="dynamic"))
            elif at:
                packages.append(PackageRef(name, ver, ver not in MOVING_VERSIONS, w, "@"))
            elif versions:
                packages.append(PackageRef(text, versions[-1], True, w, "--version"))
            else:
                packages.append(PackageRef(text, None, False, w, kind="url" if from_source else "name"))
    return CargoCommand("cargo", sub, sub_word, tuple(packages), tuple(options), tuple(rest), cmd)


_PARSERS: tuple[Callable[[SimpleCommand], PackageCommand | None], ...] = (
    parse_apt,
    parse_apk,
    parse_yum,
    parse_zypper,
    parse_pip,
    parse_node,
    parse_gem,
    parse_go,
    parse_cargo,
)


def package_command(cmd: SimpleCommand) -> PackageCommand | None:
    """The package-manager reading of ``cmd``, whichever tool it is (None if it is none of them)."""
    if cmd.basename is None:
        return None
    for parser in _PARSERS:
        found = parser(cmd)
        if found is not None:
            return found
    return None


def is_local_path(text: str) -> bool:
    """A path operand (``.``, ``./x.whl``, ``/src``) rather than a registry name."""
    return _path_like(text) or os.sep in text
