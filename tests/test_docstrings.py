"""Every package-level name documents itself (issue 22, "Docstrings").

For each name in ``symbolic.__all__``, ``theorems.__all__`` and ``theorems.explore.__all__``:

- a numpydoc docstring with a one-line summary and an ``Examples`` section (doctested by
  ``pytest --doctest-modules``);
- a ``Parameters`` section when the callable takes parameters, naming every one of them;
- a ``Returns`` section for functions;
- a real signature: ``inspect.signature`` shows no ``**kwargs`` (nor ``*args``).
"""

import importlib
import inspect
import re

import pytest

PACKAGES = ("symbolic", "theorems", "theorems.explore")
NAMES = [(pkg, name) for pkg in PACKAGES for name in importlib.import_module(pkg).__all__]


def _obj(pkg, name):
    return getattr(importlib.import_module(pkg), name)


def _sections(doc: str) -> set:
    return set(re.findall(r"^(\w[\w ]*)\n-{3,}\s*$", doc, flags=re.M))


def _parameters(obj) -> list:
    """The names a caller passes (``self`` and enum machinery left out)."""
    import enum

    if isinstance(obj, type) and issubclass(obj, enum.Enum):
        return ["value"]
    params = list(inspect.signature(obj).parameters.values())
    return [p.name for p in params if p.name != "self"]


def _documented(doc: str) -> str:
    """The text of the Parameters section."""
    m = re.search(r"^Parameters\n-{3,}\n(.*?)(?:^\w[\w ]*\n-{3,}\n|\Z)", doc, flags=re.M | re.S)
    return m.group(1) if m else ""


@pytest.mark.parametrize("pkg,name", NAMES, ids=[f"{p}.{n}" for p, n in NAMES])
def test_numpydoc_sections(pkg, name):
    obj = _obj(pkg, name)
    doc = inspect.getdoc(obj) or ""
    summary = doc.strip().splitlines()[0] if doc.strip() else ""
    assert summary, f"{pkg}.{name} has no docstring"
    sections = _sections(doc)
    assert "Examples" in sections, f"{pkg}.{name}: no Examples section"
    assert ">>>" in doc, f"{pkg}.{name}: the Examples section has no doctest"
    params = _parameters(obj)
    if params:
        assert "Parameters" in sections, f"{pkg}.{name}: no Parameters section"
        text = _documented(doc)
        documented = set(re.findall(r"^(\w[\w, ]*?)\s*:", text, flags=re.M))
        names = {n.strip() for line in documented for n in line.split(",")}
        missing = [p for p in params if p not in names]
        assert not missing, f"{pkg}.{name}: parameters {missing} are not in its Parameters section"
    if inspect.isfunction(obj):
        assert "Returns" in sections, f"{pkg}.{name}: no Returns section"


@pytest.mark.parametrize("pkg,name", NAMES, ids=[f"{p}.{n}" for p, n in NAMES])
def test_real_signature(pkg, name):
    obj = _obj(pkg, name)
    try:
        sig = inspect.signature(obj)
    except (TypeError, ValueError):  # pragma: no cover - every public name has one today
        pytest.fail(f"{pkg}.{name} has no signature")
    kinds = {p.kind for p in sig.parameters.values()}
    assert inspect.Parameter.VAR_KEYWORD not in kinds, f"{pkg}.{name}{sig} takes **kwargs"
    assert inspect.Parameter.VAR_POSITIONAL not in kinds, f"{pkg}.{name}{sig} takes *args"
