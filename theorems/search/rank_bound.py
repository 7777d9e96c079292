"""A conjectured rank bound, searched for counterexamples: the answer of ``convac search rank-bound``."""

from __future__ import annotations

from symbolic.errors import DomainError

__all__ = ["rank_bound_answer"]


def rank_bound_answer(*, architecture, activation, pooling, N, M, widths, partition, bound, shared=False,
                      window=2, examples=300, seconds=None, seed=0, weight_range=(-10, 10), progress=None,
                      executor=None) -> dict:
    """Search a family for a network with rank [A]_partition > bound; the JSON answer.

    >>> a = rank_bound_answer(architecture="shallow", activation="relu", pooling="max", N=4, M=2, widths=(1,),
    ...                       partition="odd-even", bound="Z", examples=100)
    >>> a["status"], a["counterexample"]["rank"], a["counterexample"]["bound"]
    ('refuted', 2, '1')
    """
    from symbolic.rank.matricization import parse_partition

    from theorems.search.counterexample import Family, find_counterexample, parse_bound, rank_bound

    expr = parse_bound(bound)
    names = {"N", "M", "Z", "L", "w"} | {f"r{l}" for l in range(len(widths))}
    unknown = sorted(s.name for s in expr.free_symbols if s.name not in names)
    if unknown:
        raise DomainError(f"--bound {bound!r}: {', '.join(unknown)} not defined for a {architecture} network with "
                          f"widths {tuple(widths)} (defined: {', '.join(sorted(names))})")
    for n in (N if isinstance(N, (tuple, list)) else (N,)):
        parse_partition(partition, n)
    family = Family(architecture=architecture, activation=activation, pooling=pooling, N=N, M=M,
                    widths=tuple(widths), window=window, shared=shared, weight_range=tuple(weight_range))
    conj = rank_bound(partition, bound,
                      statement=f"every {'shared ' if shared else ''}{architecture} {activation}/{pooling} network "
                                f"with N={N}, M={M}, widths {tuple(widths)} has rank [A]_{partition} <= {bound}")
    r = find_counterexample(conj, family, budget=examples, seed=seed, seconds=seconds, progress=progress,
                            executor=executor)  # an executor splits the search into seeded shards
    d = r.to_dict()
    first_N = N[0] if isinstance(N, (tuple, list)) else N
    first_M = M[0] if isinstance(M, (tuple, list)) else M
    fam: dict[str, object] = dict(architecture=architecture, N=first_N, M=first_M, activation=activation,
                                  pooling=pooling, shared=shared)
    rows = list(parse_partition(partition, first_N))
    if r.status == "refuted":  # the statement refuted is the one of the (shrunk) counterexample's own family
        from symbolic.kernel.network import read_net

        net = read_net(d["counterexample"]["spec"])
        fam = {k: v for k, v in net.family().items()}
        rows = d["counterexample"]["rows"]
    if architecture == "shallow":
        fam.setdefault("Z", widths[0])
    else:
        fam.setdefault("widths", list(widths))
    d["results"] = [{"statement": {"type": "rank_bound", "family": fam, "rows": rows, "bound": bound},
                     "status": "refuted" if r.status == "refuted" else "inconclusive",
                     "certificate": r.certificate if r.status == "refuted" else None,
                     "seconds": d["seconds"], "seed": seed}]
    return d
