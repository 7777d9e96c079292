"""convac's mathematics: specs, circuits, grid tensors, matricizations, ranks (and the trusted kernel).

The public names load lazily (PEP 562), so that importing the package, or the kernel under it,
costs nothing::

    from symbolic import load_spec, shallow, deep, circuit, grid_tensor, matricize, matricization_rank
"""

_API = {"load_spec": "spec", "shallow": "spec", "deep": "spec", "spec_to_dict": "spec", "circuit": "circuit",
        "forward_tensor": "circuit", "grid_tensor": "decompositions", "matricize": "matricize",
        "exact_rank": "rank", "bounds": "bounds", "matricization_rank": "rank_pipeline", "RankAnswer": "rank_pipeline"}

__all__ = sorted(_API)


def __getattr__(name):
    if name == "__version__":  # convac's version (installed metadata, else pyproject.toml): symbolic.versions
        from symbolic.versions import convac_version

        return convac_version()
    if name in _API:
        import importlib

        return getattr(importlib.import_module(f"{__name__}.{_API[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
