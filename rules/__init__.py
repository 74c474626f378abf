"""dflint's built-in rules, installed as the package ``dflint_rules``.

Registered through the ``dflint.rules`` entry-point group (``builtin = "dflint_rules"``), the
same way a third-party plugin is: the core never imports a rule by name. Each module holds one
rule or one tight family, named after its theme; ``RULES`` collects every Rule subclass defined
in the package's modules, so adding a rule is adding a module (or a class to one).
"""

from __future__ import annotations

import importlib
import os
from importlib.machinery import all_suffixes

from dflint.plugin import Rule

#: Modules that failed to import, as (module, error) pairs. Discovery reports each as a plugin
#: warning: one broken rule module must not silently take every built-in rule down with it.
PROBLEMS: list[tuple[str, str]] = []


def _module_names() -> list[str]:
    """The package's modules and sub-packages, as ``pkgutil.iter_modules(__path__)`` names them.

    Written out because ``pkgutil.iter_modules`` imports ``inspect`` (milliseconds of start-up
    on every lint) only to strip file suffixes.
    """
    suffixes = sorted(all_suffixes(), key=len, reverse=True)
    names: set[str] = set()
    for directory in __path__:
        try:
            entries = os.listdir(directory)
        except OSError:
            continue
        for entry in entries:
            name = next((entry[: -len(s)] for s in suffixes if entry.endswith(s) and entry != s), None)
            if name is None:
                path = os.path.join(directory, entry)
                is_package = "." not in entry and os.path.isdir(path) and any(
                    os.path.isfile(os.path.join(path, "__init__" + s)) for s in suffixes
                )
                name = entry if is_package else None
            if name is not None and name != "__init__" and "." not in name:
                names.add(name)
    return sorted(names)


def _collect() -> list[type[Rule]]:
    found: list[type[Rule]] = []
    for name in _module_names():
        if name.startswith("_"):
            continue
        try:
            module = importlib.import_module(f"{__name__}.{name}")
        except Exception as exc:
            PROBLEMS.append((f"{__name__}.{name}", f"{type(exc).__name__}: {exc}"))
            continue
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, Rule)
                and value.__module__ == module.__name__
                and "code" in vars(value)
            ):
                found.append(value)
    return sorted(found, key=lambda rule: rule.code)


RULES: list[type[Rule]] = _collect()
