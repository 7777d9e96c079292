"""sympy, imported on first use: the kernel's numeric routes (rank certificates of numeric networks) never
need it, and importing it costs about 0.3 s of every process's start-up.

``sympy.Basic`` is answered without importing sympy while sympy is not loaded: no object can then be an
instance of a sympy class, so ``isinstance(x, sympy.Basic)`` is False either way (a class no object has).
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import Any


class _NotLoaded:
    """Stands for sympy.Basic while sympy is not imported: no object is an instance of it."""


class _Lazy(types.ModuleType):
    def __getattr__(self, name: str) -> Any:
        if name == "Basic" and self.__name__ not in sys.modules:
            return _NotLoaded
        value = getattr(importlib.import_module(self.__name__), name)
        setattr(self, name, value)  # kept: the next use is a plain attribute (an import lookup cost ~2 us each time)
        return value


sympy: Any = _Lazy("sympy")
