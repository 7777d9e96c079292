"""Network specs (docs/spec-format.md): the :class:`~symbolic.spec.network.Spec` value, its loading and validation
(:mod:`symbolic.spec.fields`), constructors, and the Hypothesis strategies that generate specs.
"""
