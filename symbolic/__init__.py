"""convac's mathematics: specs, circuits, grid tensors, matricizations, ranks (and the trusted kernel).

The public names load lazily (PEP 562), so that importing the package, or the kernel under it,
costs nothing::

    from symbolic import load_spec, shallow, deep, circuit, grid_tensor, matricize, matricization_rank

Every package-level name is a function or a class, never a module: the modules are named after the
mathematics (``tensor.circuit_graph``, ``rank.matricization``, ``rank.bounds``) and their functions after the
operation (``circuit``, ``matricize``, ``bounds``), so ``inspect.signature`` and ``help()`` show the
real signature.
"""

_API = {"load_spec": "spec.network", "shallow": "spec.network", "deep": "spec.network",
        "spec_to_dict": "spec.network", "circuit": "tensor.circuit_graph", "forward_tensor": "tensor.circuit_graph",
        "grid_tensor": "tensor.decompositions", "matricize": "rank.matricization", "exact_rank": "rank.exact",
        "bounds": "rank.bounds", "matricization_rank": "rank.pipeline", "RankAnswer": "rank.pipeline"}

__all__ = sorted(_API)


def __getattr__(name):
    if name == "__version__":  # convac's version (installed metadata, else pyproject.toml): symbolic.versions
        from symbolic.versions import convac_version

        return convac_version()
    if name in _API:
        import importlib

        return getattr(importlib.import_module(f"{__name__}.{_API[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
