"""dflint's built-in rules, installed as the package ``dflint_rules``.

Registered through the ``dflint.rules`` entry-point group (``builtin = "dflint_rules"``), the
same way a third-party plugin is: the core never imports a rule by name. Each module holds one
rule or one tight family, named after its theme; ``RULES`` collects every Rule subclass defined
in the package's modules, so adding a rule is adding a module (or a class to one).
"""

from __future__ import annotations

import importlib
import pkgutil

from dflint.plugin import Rule

#: Modules that failed to import, as (module, error) pairs. Discovery reports each as a plugin
#: warning: one broken rule module must not silently take every built-in rule down with it.
PROBLEMS: list[tuple[str, str]] = []


def _collect() -> list[type[Rule]]:
    found: list[type[Rule]] = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        try:
            module = importlib.import_module(f"{__name__}.{info.name}")
        except Exception as exc:
            PROBLEMS.append((f"{__name__}.{info.name}", f"{type(exc).__name__}: {exc}"))
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
