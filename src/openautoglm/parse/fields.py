"""TaskSpec's fields, flat: the one derivation behind the parser's field list and the LLM schema.

A parse names fields flat (``time_budget_s``, ``max_model_mb``) where TaskSpec nests them in
``budget`` and ``constraints``. Everything here is read from the pydantic models, so a field
added to TaskSpec, Budget or Constraints reaches the parser, the LLM's answer schema and
``ParseResult.to_spec`` unless it is named in one of the exception sets below.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Any, get_args

from pydantic import BaseModel, ConfigDict, Field, create_model
from pydantic.fields import FieldInfo

from openautoglm.spec import TaskSpec

#: flat names that are not the nested field's own name (a bare ``time_s`` would not say what
#: it times)
RENAMED: dict[str, str] = {"budget.time_s": "time_budget_s"}
#: TaskSpec fields (dotted paths) no parse reads from words: run settings that flags or the API
#: set, and limits the rules have no wording for yet
NOT_PARSED: frozenset[str] = frozenset(
    {"test_size", "seed", "min_class_rows", "budget.memory_mb", "constraints.language"}
)
#: parse fields the LLM is not asked for: label_map comes from the data file only
NOT_ASKED: frozenset[str] = frozenset({"label_map"})


def spec_leaves(model: type[BaseModel] = TaskSpec, prefix: str = "") -> dict[str, FieldInfo]:
    """Every leaf field of ``model`` by dotted path, nested models expanded in declaration order."""
    leaves: dict[str, FieldInfo] = {}
    for name, info in model.model_fields.items():
        if isinstance(info.annotation, type) and issubclass(info.annotation, BaseModel):
            leaves.update(spec_leaves(info.annotation, f"{prefix}{name}."))
        else:
            leaves[f"{prefix}{name}"] = info
    return leaves


def _flat_paths(leaves: Iterable[str]) -> dict[str, str]:
    """Flat name → dotted path for the fields a parse speaks; two leaves may not share a name."""
    paths: dict[str, str] = {}
    for path in leaves:
        if path in NOT_PARSED:
            continue
        name = RENAMED.get(path, path.rpartition(".")[2])
        if name in paths:  # e.g. a Budget field named like a Constraints one: rename one
            raise TypeError(f"{paths[name]} and {path} both flatten to {name!r}; add to RENAMED")
        paths[name] = path
    return paths


#: TaskSpec's leaf fields by dotted path (the models do not change at run time)
_LEAVES: dict[str, FieldInfo] = spec_leaves()
#: flat name → TaskSpec path, in TaskSpec's declaration order
FLAT_PATHS: dict[str, str] = _flat_paths(_LEAVES)
#: the flat field names a parse speaks (as in the parser's case file and `autoglm parse --json`)
FIELD_NAMES: tuple[str, ...] = tuple(FLAT_PATHS)
#: the fields the LLM's answer holds
ASKED: tuple[str, ...] = tuple(name for name in FIELD_NAMES if name not in NOT_ASKED)


def flat_field(name: str) -> FieldInfo:
    """The pydantic field behind a flat name."""
    return _LEAVES[FLAT_PATHS[name]]


def number_type(name: str) -> type[int] | type[float] | None:
    """``int`` or ``float`` when a flat field holds a number, else None."""
    annotation = flat_field(name).annotation
    kinds = [kind for kind in (get_args(annotation) or (annotation,)) if kind in (int, float)]
    return kinds[0] if len(kinds) == 1 else None


def _flat_defaults() -> dict[str, Any]:
    infos = {name: flat_field(name) for name in FIELD_NAMES}
    defaults = {
        name: info.get_default(call_default_factory=True)
        for name, info in infos.items()
        if not info.is_required()
    }
    return {name: value for name, value in defaults.items() if value is not None}


#: what a parse fills in for fields the words leave open (TaskSpec's defaults that are not None)
DEFAULTS: dict[str, Any] = _flat_defaults()


def unflatten(flat: dict[str, Any]) -> dict[str, Any]:
    """Flat fields as the nested dict ``TaskSpec.model_validate`` takes."""
    nested: dict[str, Any] = {}
    for name, value in flat.items():
        *parents, leaf = FLAT_PATHS[name].split(".")
        node = nested
        for parent in parents:
            node = node.setdefault(parent, {})
        node[leaf] = value
    return nested


def flatten(spec: TaskSpec) -> dict[str, Any]:
    """A spec's parse fields by flat name (the inverse of ``unflatten``)."""
    dumped = spec.model_dump()
    flat = {}
    for name, path in FLAT_PATHS.items():
        value: Any = dumped
        for part in path.split("."):
            value = value[part]
        flat[name] = value
    return flat


def answer_model(name: str, doc: str, module: str) -> type[BaseModel]:
    """A model of the fields the LLM is asked for, each null when not stated.

    Types, constraints (``gt=0``...) and descriptions are TaskSpec's own, so its JSON schema is
    the one the LLM is shown and its validation is TaskSpec's.
    """
    fields: dict[str, Any] = {field: _optional(flat_field(field)) for field in ASKED}
    return create_model(  # type: ignore[call-overload]
        name, __config__=ConfigDict(extra="forbid"), __doc__=doc, __module__=module, **fields
    )


def _optional(info: FieldInfo) -> tuple[Any, FieldInfo]:
    """``info``'s type and constraints with None allowed and as the default."""
    annotation = info.annotation | None  # type: ignore[operator]
    if info.metadata:  # constraints such as Gt(0) travel with the type, as Field(gt=0) stores them
        annotation = Annotated[(annotation, *info.metadata)]  # type: ignore[valid-type]
    kept = {"title": info.title, "description": info.description, "examples": info.examples}
    return annotation, Field(None, **{k: v for k, v in kept.items() if v is not None})
