"""Deeply immutable values for result types: :func:`freeze` and its inverse :func:`thaw`.

A result type (``RankAnswer``, ``Verdict``, ``SearchResult``, ...) is a frozen dataclass, but a frozen
dataclass holding a ``dict`` can still be changed through that dict.  Result types therefore
:func:`freeze` their nested fields when built, and ``to_dict()`` :func:`thaw` s them into fresh plain
dicts and lists (the edge: command line and answer files).

A frozen dict is a :class:`FrozenDict` and a frozen list a :class:`FrozenList`: a ``dict`` and a
``list`` whose mutators raise ``TypeError``, so that reading code, equality with plain values,
``json.dumps`` and the ``isinstance`` checks of spec and certificate readers keep working.  A set
becomes a ``frozenset``; tuples stay tuples.
"""

from __future__ import annotations

from fractions import Fraction

__all__ = ["FrozenDict", "FrozenList", "freeze", "thaw", "mutable_paths"]


def _refuse(self, *args, **kwargs):
    raise TypeError(f"{type(self).__name__} is immutable (a result's fields cannot change; "
                    f"to_dict() gives a fresh mutable copy)")


class FrozenDict(dict):
    """A dict that cannot change after construction (its mutating methods raise ``TypeError``).

    Examples
    --------
    >>> d = FrozenDict({"k": 2})
    >>> d["k"], dict(d) == {"k": 2}
    (2, True)
    >>> d["k"] = 3
    Traceback (most recent call last):
    ...
    TypeError: FrozenDict is immutable (a result's fields cannot change; to_dict() gives a fresh mutable copy)
    """

    __slots__ = ()
    __setitem__ = __delitem__ = clear = pop = popitem = setdefault = update = _refuse
    __ior__ = _refuse

    def __reduce__(self):
        return (type(self), (dict(self),))

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self

    def __hash__(self):
        return hash(frozenset(self.items()))

    def __repr__(self):
        return f"FrozenDict({dict.__repr__(self)})"

    def __str__(self):  # what a table or a message shows: the plain dict
        return repr(thaw(self))


class FrozenList(list):
    """A list that cannot change after construction (its mutating methods raise ``TypeError``).

    Examples
    --------
    >>> x = FrozenList([1, 2])
    >>> x, x == [1, 2]
    (FrozenList([1, 2]), True)
    >>> x.append(3)
    Traceback (most recent call last):
    ...
    TypeError: FrozenList is immutable (a result's fields cannot change; to_dict() gives a fresh mutable copy)
    """

    __slots__ = ()
    __setitem__ = __delitem__ = __iadd__ = __imul__ = _refuse
    append = extend = insert = pop = remove = clear = sort = reverse = _refuse

    def __reduce__(self):
        return (type(self), (list(self),))

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self

    def __hash__(self):
        return hash(tuple(self))

    def __repr__(self):
        return f"FrozenList({list.__repr__(self)})"

    def __str__(self):  # what a table or a message shows: the plain list
        return repr(thaw(self))


_SCALARS = frozenset((int, str, bool, float, type(None), Fraction))  # immutable values: nothing inside to freeze


def freeze(x):
    """``x`` with every dict, list and set inside it replaced by an immutable counterpart.

    Parameters
    ----------
    x : object
        Plain data (dicts, lists, tuples, sets, scalars) or anything else, returned as it is.

    Returns
    -------
    object
        A :class:`FrozenDict`, :class:`FrozenList`, ``tuple`` or ``frozenset`` for containers (recursively
        frozen); ``x`` itself otherwise.

    Examples
    --------
    >>> f = freeze({"lower": {"k": 2, "rows": [0, 1]}})
    >>> f["lower"]["rows"]
    FrozenList([0, 1])
    >>> thaw(f) == {"lower": {"k": 2, "rows": [0, 1]}}
    True
    """
    if isinstance(x, FrozenDict) or isinstance(x, frozenset):
        return x
    if isinstance(x, dict):
        return FrozenDict({k: freeze(v) for k, v in x.items()})
    if isinstance(x, FrozenList):
        return x
    if isinstance(x, list):
        if all(type(v) in _SCALARS for v in x):  # a row of numbers or strings: nothing inside to freeze
            return FrozenList(x)
        return FrozenList(freeze(v) for v in x)
    if isinstance(x, tuple) and not hasattr(x, "_fields"):
        return tuple(freeze(v) for v in x)
    if isinstance(x, (set, frozenset)):
        return frozenset(freeze(v) for v in x)
    return x


def thaw(x):
    """The inverse of :func:`freeze`: fresh plain dicts and lists (tuples stay tuples).

    Parameters
    ----------
    x : object

    Returns
    -------
    object
        A new ``dict`` for every mapping, a new ``list`` for every :class:`FrozenList` or list; ``x``
        itself for scalars.

    Examples
    --------
    >>> thaw(freeze({"a": [1, (2, 3)]}))
    {'a': [1, (2, 3)]}
    """
    if isinstance(x, dict):
        return {k: thaw(v) for k, v in x.items()}
    if isinstance(x, (FrozenList, list)):
        if all(type(v) in _SCALARS for v in x):  # a row of numbers or strings (most of a tensor): one copy
            return list(x)
        return [thaw(v) for v in x]
    if isinstance(x, tuple) and not hasattr(x, "_fields"):
        return tuple(thaw(v) for v in x)
    return x


def mutable_paths(obj, path: str = "obj", seen=None) -> list:
    """Where a mutable container (dict, list, set, bytearray) is reachable from ``obj``.

    Walks dataclass fields, mappings, sequences and the ``__dict__`` of plain objects; used by the tests
    that every public result type is deeply immutable.

    Parameters
    ----------
    obj : object
    path : str
        The name of ``obj`` in the returned paths.

    Returns
    -------
    list of str
        One access path per mutable container found (empty when ``obj`` is deeply immutable).

    Examples
    --------
    >>> mutable_paths(freeze({"a": [1]})), mutable_paths({"a": (1,)})
    ([], ['obj'])
    """
    import dataclasses
    import enum
    from fractions import Fraction

    seen = set() if seen is None else seen
    if obj is None or isinstance(obj, (bool, int, float, complex, str, bytes, Fraction, enum.Enum)) \
            or id(obj) in seen or isinstance(obj, type):
        return []
    seen.add(id(obj))
    if isinstance(obj, FrozenDict):
        return [p for k, v in obj.items() for p in mutable_paths(v, f"{path}[{k!r}]", seen)]
    if isinstance(obj, FrozenList):
        return [p for i, v in enumerate(obj) for p in mutable_paths(v, f"{path}[{i}]", seen)]
    if isinstance(obj, (dict, list, set, bytearray)):
        return [path]
    if isinstance(obj, (tuple, frozenset)):
        return [p for i, v in enumerate(obj) for p in mutable_paths(v, f"{path}[{i}]", seen)]
    if type(obj).__name__ == "mappingproxy":
        return [p for k, v in obj.items() for p in mutable_paths(v, f"{path}[{k!r}]", seen)]
    if dataclasses.is_dataclass(obj):
        return [p for f in dataclasses.fields(obj) for p in mutable_paths(getattr(obj, f.name), f"{path}.{f.name}",
                                                                          seen)]
    if hasattr(obj, "__dict__") and type(obj).__module__.split(".")[0] in ("symbolic", "theorems"):
        return [p for k, v in vars(obj).items() for p in mutable_paths(v, f"{path}.{k}", seen)]
    return []
