"""Hand-written record classes that behave as dataclasses, without ``@dataclass``'s start-up cost.

Why: ``@dataclass`` generates its methods as source text and compiles it when the class is
created, in every process (bytecode caching cannot help); a slotted dataclass is even created
twice. With ~80 of them on the lint path that was ~70 ms, plus ``import dataclasses`` (and the
``inspect`` it pulls in): more than a whole one-file lint. These classes write their
``__init__`` out by hand (cached as bytecode like any other code) and get ``repr``, equality,
hashing, frozenness and pickling from :class:`Record` / :class:`FrozenRecord`, over
``__match_args__``, which lists the fields in dataclass order.

They stay dataclasses to the ``dataclasses`` module (``is_dataclass``, ``fields``, ``replace``,
``asdict``) through a ``__dataclass_fields__`` built on first use from the ``__init__``
signature, so code and plugins that introspect them keep working. :mod:`dflint.tree` uses the
same scheme for the tree nodes.

Rules for a subclass (``tests/test_records.py`` checks them for every record in dflint):

* list every field in ``__match_args__``, in the order of the ``__init__`` parameters, and
  annotate it in the class body (``typing.get_type_hints`` and mypy read the annotations);
* give ``__slots__`` when the class stands for a ``slots=True`` dataclass (``()`` when it adds
  no field);
* a field whose default is a fresh object per instance (``default_factory``) takes
  :data:`FACTORY` as its parameter default and names the factory in ``_factories`` (a fresh
  list when it names none);
* fields left out of ``repr`` or equality go in ``_no_repr`` / ``_no_compare``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

__all__ = [
    "FACTORY",
    "Factories",
    "FrozenIdentityRecord",
    "FrozenRecord",
    "IdentityRecord",
    "LazyDataclassFields",
    "Record",
    "field_names",
    "is_dataclass",
    "replace",
]


class _Factory:
    """Parameter default of a field filled by a factory (dataclasses' ``default_factory``)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<factory>"


#: Parameter default meaning "call the field's factory" (see ``_factories``).
FACTORY: Any = _Factory()
#: The type of ``_factories``: field name to the factory that fills it.
Factories = dict[str, Callable[[], Any]]


class LazyDataclassFields:
    """``__dataclass_fields__`` built on first use, cached per class (never inherited)."""

    _cache: ClassVar[dict[type, dict[str, Any]]] = {}

    def __get__(self, instance: object, owner: type) -> dict[str, Any]:
        fields = self._cache.get(owner)
        if fields is None:
            fields = self._cache[owner] = _build_dataclass_fields(owner)
        return fields


def _build_dataclass_fields(cls: type) -> dict[str, Any]:
    import dataclasses
    import inspect

    parameters = inspect.signature(cls.__init__).parameters  # type: ignore[misc]
    factories: Factories = getattr(cls, "_factories", {})
    no_repr: frozenset[str] = getattr(cls, "_no_repr", frozenset())
    no_compare: frozenset[str] = getattr(cls, "_no_compare", frozenset())
    fields: dict[str, Any] = {}
    for name in cls.__match_args__:  # type: ignore[attr-defined]
        parameter = parameters[name]
        options: dict[str, Any] = {"repr": name not in no_repr, "compare": name not in no_compare}
        if parameter.default is FACTORY:
            options["default_factory"] = factories.get(name, list)
        elif parameter.default is not inspect.Parameter.empty:
            options["default"] = parameter.default
        field = dataclasses.field(**options)
        field.name = name
        field.type = parameter.annotation
        field._field_type = dataclasses._FIELD  # type: ignore[attr-defined]  # what @dataclass sets
        fields[name] = field
    return fields


class Record:
    """A mutable record: ``@dataclass`` (``eq=True``: equal field-wise, same class only, unhashable)."""

    __slots__ = ()
    __dataclass_fields__: ClassVar[Any] = LazyDataclassFields()
    __match_args__: ClassVar[tuple[str, ...]] = ()
    _factories: ClassVar[Factories] = {}
    _no_repr: ClassVar[frozenset[str]] = frozenset()
    _no_compare: ClassVar[frozenset[str]] = frozenset()

    def __repr__(self) -> str:
        shown = ", ".join(
            f"{name}={getattr(self, name)!r}" for name in self.__match_args__ if name not in self._no_repr
        )
        return f"{self.__class__.__qualname__}({shown})"

    def _compared(self) -> tuple[Any, ...]:
        if self._no_compare:
            return tuple([getattr(self, n) for n in self.__match_args__ if n not in self._no_compare])
        return tuple([getattr(self, n) for n in self.__match_args__])

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            return self._compared() == other._compared()
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable and compared by value: unhashable


class IdentityRecord(Record):
    """``@dataclass(eq=False)``: compared and hashed by identity."""

    __slots__ = ()
    __eq__ = object.__eq__
    __hash__ = object.__hash__  # type: ignore[assignment]  # Record's is None (unhashable)


def _frozen_error(message: str) -> Exception:
    from dataclasses import FrozenInstanceError

    return FrozenInstanceError(message)


class FrozenRecord(Record):
    """``@dataclass(frozen=True)``: immutable, hashed over the compared fields.

    ``__init__`` sets fields with ``object.__setattr__``; instances pickle and copy through
    their constructor (a frozen slotted class cannot be restored attribute by attribute).
    """

    __slots__ = ()

    def __setattr__(self, name: str, value: object) -> None:
        raise _frozen_error(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise _frozen_error(f"cannot delete field {name!r}")

    def __hash__(self) -> int:  # type: ignore[override]  # Record's is None (unhashable)
        return hash(self._compared())

    def __reduce__(self) -> tuple[Any, ...]:
        return (self.__class__, tuple([getattr(self, n) for n in self.__match_args__]))


class FrozenIdentityRecord(FrozenRecord):
    """``@dataclass(frozen=True, eq=False)``: immutable, compared and hashed by identity."""

    __slots__ = ()
    __eq__ = object.__eq__
    __hash__ = object.__hash__


def _defines_fields(cls: type) -> bool:
    return any("__dataclass_fields__" in vars(klass) for klass in cls.__mro__)


def is_dataclass(obj: object) -> bool:
    """``dataclasses.is_dataclass`` without importing dataclasses or building a record's fields."""
    return _defines_fields(obj if isinstance(obj, type) else type(obj))


def field_names(cls: type) -> tuple[str, ...]:
    """The ``__init__`` field names of a record or a dataclass, in declaration order."""
    if issubclass(cls, Record):
        return cls.__match_args__
    import dataclasses

    return tuple(f.name for f in dataclasses.fields(cls) if f.init)  # type: ignore[arg-type]


def replace(obj: Any, /, **changes: Any) -> Any:
    """``dataclasses.replace`` (which works on records too), without importing it for a record."""
    if isinstance(obj, Record):
        values = {name: getattr(obj, name) for name in obj.__match_args__}
        values.update(changes)
        return obj.__class__(**values)
    import dataclasses

    return dataclasses.replace(obj, **changes)
