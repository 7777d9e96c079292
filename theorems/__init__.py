"""convac's claims, checked: the catalog sweep, laws, universality, counterexample search, recheck.

Every function returns a typed result whose ``to_dict()`` is the command line's ``--json``
answer (docs/answers.md); nothing prints. Names load lazily (PEP 562)::

    from theorems import verify_catalog, decide_laws, decide_universality, decide_depth, find_counterexample, recheck
"""

_API = {"verify_catalog": "api", "decide_laws": "api", "decide_universality": "api", "decide_depth": "api",
        "recheck": "api", "find_counterexample": "search.counterexample", "rank_bound": "search.counterexample",
        "Family": "search.counterexample", "get_claim": "claims.catalog", "answer": "claims.verdict",
        "Status": "claims.verdict"}

__all__ = sorted(_API)


def __getattr__(name):
    if name == "__version__":  # convac's version (installed metadata, else pyproject.toml): symbolic.versions
        from symbolic.versions import convac_version

        return convac_version()
    if name in _API:
        import importlib

        return getattr(importlib.import_module(f"{__name__}.{_API[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
