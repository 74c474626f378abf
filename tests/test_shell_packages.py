"""Package-manager readings of simple commands."""

from __future__ import annotations

import pytest

from dflint.shell import analyse_script
from dflint.shell.packages import (
    ApkCommand,
    AptCommand,
    CargoCommand,
    GemCommand,
    GoCommand,
    NodeCommand,
    PackageCommand,
    PipCommand,
    YumCommand,
    ZypperCommand,
    package_command,
    parse_options,
    parse_pip,
)


def first(script: str) -> PackageCommand:
    for cmd in analyse_script(script).commands:
        found = package_command(cmd)
        if found is not None:
            return found
    raise AssertionError(f"no package command in {script!r}")


def pkgs(found: PackageCommand) -> list[tuple[str, str | None, bool, str]]:
    return [(p.name, p.version, p.pinned, p.kind) for p in found.packages]


def test_apt_install() -> None:
    found = first(
        "apt-get install -yq --no-install-recommends curl=7.1 'git' -o Dpkg::Options::=--force-confold "
        "-t bookworm vim/bookworm ./x.deb $PKGS"
    )
    assert isinstance(found, AptCommand)
    assert (found.tool, found.subcommand, found.is_install) == ("apt-get", "install", True)
    assert pkgs(found) == [
        ("curl", "7.1", True, "name"),
        ("git", None, False, "name"),
        ("vim", None, False, "name"),
        ("./x.deb", None, True, "path"),
        ("$PKGS", None, False, "dynamic"),
    ]
    assert found.packages[2].qualifier == "bookworm"
    assert [p.name for p in found.unpinned] == ["git", "vim"]
    assert (found.assume_yes, found.no_install_recommends, found.quiet_level) == (True, True, 1)
    assert found.packages[0].word.start == 44


@pytest.mark.parametrize(
    ("script", "yes"),
    [
        ("apt-get install x", False),
        ("apt-get -y install x", True),
        ("apt-get install --yes x", True),
        ("apt-get install --assume-yes x", True),
        ("apt-get -qq install x", True),
        ("apt-get -q -q install x", True),
        ("apt-get -q=2 install x", True),
        ("apt-get -q install x", False),
        ("apt-get -o APT::Get::Assume-Yes=true install x", True),
        ("sudo apt install -yqq x", True),
    ],
)
def test_apt_assume_yes(script: str, yes: bool) -> None:
    found = first(script)
    assert isinstance(found, AptCommand)
    assert found.assume_yes is yes
    assert [p.name for p in found.packages] == ["x"]


def test_apt_update_has_no_packages() -> None:
    found = first("apt-get update")
    assert (found.subcommand, found.packages, found.is_install) == ("update", (), False)


def test_apk() -> None:
    found = first("apk add --no-cache --virtual .build-deps gcc=12.2 musl-dev pkg@edge py3~3.11 x.apk")
    assert isinstance(found, ApkCommand)
    assert (found.no_cache, found.virtual) == (True, ".build-deps")
    assert pkgs(found) == [
        ("gcc", "12.2", True, "name"),
        ("musl-dev", None, False, "name"),
        ("pkg", None, False, "name"),
        ("py3", "3.11", True, "name"),
        ("x.apk", None, True, "path"),
    ]
    assert found.packages[2].qualifier == "edge"


def test_yum_dnf_microdnf() -> None:
    found = first("yum install -y httpd-2.4.6-97.el7 python3-devel gcc-c++ x.rpm @dev")
    assert isinstance(found, YumCommand)
    assert found.assume_yes
    assert pkgs(found) == [
        ("httpd", "2.4.6-97.el7", True, "name"),
        ("python3-devel", None, False, "name"),
        ("gcc-c++", None, False, "name"),
        ("x.rpm", None, True, "path"),
        ("@dev", None, False, "group"),
    ]
    clean = first("microdnf clean all")
    assert isinstance(clean, YumCommand) and clean.is_clean_all and clean.tool == "microdnf"
    module = first("dnf module install -y nodejs:18")
    assert (module.subcommand, pkgs(module)) == ("module install", [("nodejs", "18", True, "name")])


def test_zypper() -> None:
    found = first("zypper -n in vim=8 'curl>=7' wget")
    assert isinstance(found, ZypperCommand)
    assert found.non_interactive and found.is_install
    assert pkgs(found) == [
        ("vim", "8", True, "name"),
        ("curl", "7", True, "name"),
        ("wget", None, False, "name"),
    ]


def test_pip_requirements_combined_flags() -> None:
    found = first("python -m pip install -qr requirements.txt")
    assert isinstance(found, PipCommand)
    assert found.tool == "python -m pip"
    assert found.packages == ()
    assert found.requirement_files == ("requirements.txt",)
    assert [(o.name, o.value) for o in found.options] == [("-q", None), ("-r", "requirements.txt")]


@pytest.mark.parametrize(
    ("script", "files"),
    [
        ("pip install -r a.txt", ("a.txt",)),
        ("pip install --requirement=a.txt", ("a.txt",)),
        ("pip install --requirement a.txt -r b.txt", ("a.txt", "b.txt")),
        ("pip3 install -rreqs.txt", ("reqs.txt",)),
        ("python3 -m pip install -Ur r.txt", ("r.txt",)),
        ("python3.11 -mpip install -r r.txt", ("r.txt",)),
    ],
)
def test_pip_requirement_files(script: str, files: tuple[str, ...]) -> None:
    found = first(script)
    assert isinstance(found, PipCommand)
    assert (found.requirement_files, found.packages) == (files, ())


def test_pip_install_everything() -> None:
    found = first(
        "pip3 install --no-cache-dir --user -c c.txt -e . . ./pkg.whl 'flask==2.0' \"django~=4.1\" 'x>=1' "
        "requests 'y[extra]==1; python_version>\"3\"' git+https://github.com/a/b@v1 'z @ https://h/z.whl' "
        '--index-url https://idx -U "pkg==$V"'
    )
    assert isinstance(found, PipCommand)
    assert (found.no_cache_dir, found.user, found.constraint_files, found.editable) == (
        True,
        True,
        ("c.txt",),
        (".",),
    )
    assert found.index_urls == ["https://idx"]
    assert pkgs(found) == [
        (".", None, True, "path"),
        ("./pkg.whl", None, True, "path"),
        ("flask", "2.0", True, "name"),
        ("django", "4.1", True, "name"),
        ("x", "1", True, "name"),
        ("requests", None, False, "name"),
        ("y", "1", True, "name"),
        ("git+https://github.com/a/b@v1", None, True, "url"),
        ("z", None, True, "url"),
        ("pkg", "$V", True, "name"),
    ]
    assert [p.operator for p in found.packages[2:5]] == ["==", "~=", ">="]
    assert [p.name for p in found.local_paths] == [".", "./pkg.whl"]
    assert [p.name for p in found.unpinned] == ["requests"]


@pytest.mark.parametrize(
    "script", ["pipx install x", "pipenv install x", "python script.py", "python -c 'x'"]
)
def test_not_pip(script: str) -> None:
    assert parse_pip(analyse_script(script).commands[0]) is None


def test_pip_global_options_before_subcommand() -> None:
    found = first("pip --no-cache-dir -q install x==1")
    assert isinstance(found, PipCommand)
    assert (found.subcommand, found.no_cache_dir, pkgs(found)) == (
        "install",
        True,
        [("x", "1", True, "name")],
    )


def test_npm_yarn_pnpm() -> None:
    found = first("npm install -g @scope/pkg@1.2 lodash express@latest ./local user/repo#v1 x.tgz")
    assert isinstance(found, NodeCommand)
    assert found.global_install
    assert pkgs(found) == [
        ("@scope/pkg", "1.2", True, "name"),
        ("lodash", None, False, "name"),
        ("express", "latest", False, "name"),
        ("./local", None, True, "path"),
        ("user/repo#v1", None, True, "url"),
        ("x.tgz", None, True, "path"),
    ]
    yarn = first("yarn global add x@1")
    assert (yarn.tool, yarn.subcommand, pkgs(yarn)) == ("yarn", "add", [("x", "1", True, "name")])
    assert isinstance(yarn, NodeCommand) and yarn.global_install
    ci = first("npm ci --omit=dev")
    assert isinstance(ci, NodeCommand) and ci.is_ci and ci.is_install and ci.packages == ()
    assert pkgs(first("pnpm add @s/p")) == [("@s/p", None, False, "name")]


def test_gem_go_cargo() -> None:
    gem = first("gem install rails -v 7.0 --no-document")
    assert isinstance(gem, GemCommand) and pkgs(gem) == [("rails", "7.0", True, "name")]
    assert pkgs(first("gem install bundler:2.4 rake")) == [
        ("bundler", "2.4", True, "name"),
        ("rake", None, False, "name"),
    ]
    go = first("go install -ldflags '-s -w' golang.org/x/tools/gopls@v0.1 x@latest ./cmd/y")
    assert isinstance(go, GoCommand)
    assert pkgs(go) == [
        ("golang.org/x/tools/gopls", "v0.1", True, "name"),
        ("x", "latest", False, "name"),
        ("./cmd/y", None, True, "path"),
    ]
    cargo = first("cargo install --locked ripgrep --version 13")
    assert (
        isinstance(cargo, CargoCommand) and cargo.locked and pkgs(cargo) == [("ripgrep", "13", True, "name")]
    )
    assert pkgs(first("cargo install fd-find@8.0")) == [("fd-find", "8.0", True, "name")]


def test_parse_options_table() -> None:
    words = analyse_script("x -abc -o v --long=1 --with v2 -- -notopt").commands[0].args
    options, operands = parse_options(words, frozenset({"-o", "--with"}))
    assert [(o.name, o.value) for o in options] == [
        ("-a", None),
        ("-b", None),
        ("-c", None),
        ("-o", "v"),
        ("--long", "1"),
        ("--with", "v2"),
    ]
    assert [w.text for w in operands] == ["-notopt"]


def test_not_a_package_manager() -> None:
    assert package_command(analyse_script("ls -la").commands[0]) is None
    assert package_command(analyse_script("$X install y").commands[0]) is None
