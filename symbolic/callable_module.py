"""Modules that are also their main function: ``from symbolic import circuit`` calls as
:func:`symbolic.circuit.circuit`, whichever of the two was imported first.

The package exports functions named like the modules that define them (``circuit``, ``matricize``,
``bounds``). Python binds the submodule to the package's attribute of that name as soon as the
submodule is imported anywhere, so ``from symbolic import circuit`` may hand back the module. Such a
module makes itself callable: calling it calls its function of the same name, and everything else
(``symbolic.circuit.forward_tensor``, ``import symbolic.circuit``) is the module as usual.

>>> import symbolic.matricize
>>> from symbolic import deep, grid_tensor, matricize
>>> matricize(grid_tensor(deep(N=2, M=2, seed=1)), "odd-even").matrix.shape
(2, 2)
"""

import sys
import types

__all__ = ["make_callable"]


class CallableModule(types.ModuleType):
    """A module that calls its function of the same name (``symbolic.circuit(spec)`` is ``circuit(spec)``)."""

    def __call__(self, *args, **kwargs):
        return getattr(self, self.__name__.rpartition(".")[2])(*args, **kwargs)


def make_callable(name: str) -> None:
    """Make the module ``name`` (call it with ``__name__`` at the end of the module) a CallableModule."""
    sys.modules[name].__class__ = CallableModule
