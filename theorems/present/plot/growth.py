"""Rank growth with depth: certified ranks of [A]_odd-even for N = 2, 4, ..., N_max."""

from __future__ import annotations

from symbolic.errors import DomainError

from theorems.present.plot.base import _matplotlib


# ----------------------------------------------------------------------------- rank growth
def _powers_of_two(N_max):
    if isinstance(N_max, bool) or not isinstance(N_max, int) or N_max < 2 or N_max & (N_max - 1):
        raise DomainError(f"N_max={N_max!r}: expected a power of 2, at least 2")
    return [2**k for k in range(1, N_max.bit_length())]


def rank_growth_data(*, M: int = 2, N_max: int = 8, seed: int = 0, random_seeds: int = 3) -> list:
    """Certified exact ranks of [A]_odd-even for deep nets, and the shallow widths they force.

    For each N = 2, 4, ..., N_max (window 2, widths M): a deep ConvAC at random weights in
    [-10^6, 10^6] with a random invertible F; the deep ReLU/max construction
    (:func:`theorems.depth.claims.relu_max_witness_spec`); deep ReLU/max nets at
    ``random_seeds`` random weights. ``convac_Z`` = the ConvAC rank (a shallow ConvAC with Z
    channels has rank <= Z); ``relu_max_Z`` = ceil(rank / T), where ``term_bound`` T = (N/2)(M - 1) + 1 bounds the
    odd-even rank of one shallow ReLU/max channel for all weights (the kernel-checked ``depth.relu_max.term_bound``,
    :func:`theorems.depth.decide.term_bound`). Every rank is exact and certified (``exact`` says so).

    >>> [(r["N"], r["convac"], r["relu_max"], r["term_bound"], r["relu_max_Z"]) for r in rank_growth_data(M=2, N_max=4)]
    [(2, 2, 2, 2, 1), (4, 4, 4, 3, 2)]
    """
    from symbolic.spec.network import deep

    from theorems.claims.common import random_invertible_F
    from theorems.depth.claims import rank_witness, relu_max_witness_spec
    from theorems.depth.decide import forced, term_bound

    if isinstance(M, bool) or not isinstance(M, int) or M < 2:
        raise DomainError(f"M={M!r}: expected an int >= 2")
    Ns = _powers_of_two(N_max)
    if M**N_max > 1 << 20:
        raise DomainError(f"N_max={N_max}, M={M}: the grid tensor would have {M ** N_max:,} entries; "
                          "keep M^N_max <= 2^20 (e.g. N_max=16 for M=2, 8 for M=3 or 4)")
    rows = []
    for N in Ns:
        conv = deep(N=N, M=M, seed=seed, low=-10**6, high=10**6, F=random_invertible_F(M, seed))
        rc, _ = rank_witness(conv, exact=True, seed=seed)
        rm, _ = rank_witness(relu_max_witness_spec(N, M, M), exact=True, seed=seed)
        rand = [rank_witness(deep(N=N, M=M, activation="relu", pooling="max", seed=seed + s, low=-10**6, high=10**6),
                             exact=True, seed=seed)[0] for s in range(random_seeds)]
        rows.append({"N": N, "M": M, "target": M ** (N // 2), "convac": rc.rank, "relu_max": rm.rank,
                     "relu_max_random": [r.rank for r in rand], "convac_Z": rc.rank,
                     "relu_max_Z": forced(rm.rank, "max", N, M), "term_bound": term_bound("max", N, M),
                     "exact": rc.exact and rm.exact and all(r.exact for r in rand)})
    return rows


def plot_rank_growth(data=None, *, M: int = 2, N_max: int = 8, seed: int = 0, title: str | None = None):
    """The rank gap over N: deep ranks (exponential) against what shallow nets of width Z reach.

    Left: certified ranks of [A]_odd-even for the deep nets of :func:`rank_growth_data`, with
    the bounds of shallow nets with Z = N channels (ConvAC: rank <= Z; ReLU/max: rank <= Z T, with the term bound
    T = (N/2)(M - 1) + 1). Right: the smallest Z a shallow net needs to realize the deep tensor (ConvAC: Z >= rank;
    ReLU/max: Z >= ceil(rank / T)). Both on a log scale.
    """
    data = data if data is not None else rank_growth_data(M=M, N_max=N_max, seed=seed)
    _matplotlib()
    from matplotlib.figure import Figure

    fig = Figure(figsize=(12, 5.2), dpi=110, layout="constrained")
    left, right = fig.subplots(1, 2)
    Ns = [r["N"] for r in data]
    M = data[0]["M"]
    left.plot(Ns, [r["convac"] for r in data], "o-", color="#1f77b4", lw=2, ms=8, label="deep ConvAC, random weights")
    left.plot(Ns, [r["relu_max"] for r in data], "s--", color="#d62728", lw=2, ms=7, mfc="none", mew=2,
              label="deep ReLU/max, explicit construction")
    for n, r in enumerate(data):
        left.plot([r["N"]] * len(r["relu_max_random"]), r["relu_max_random"], "x", color="#ff7f0e", ms=8, mew=2,
                  label="deep ReLU/max, random weights" if n == 0 else None)
    left.plot(Ns, Ns, ":", color="#1f77b4", lw=2, label="shallow ConvAC, Z = N: rank <= Z")
    left.plot(Ns, [r["N"] * r["term_bound"] for r in data], ":", color="#d62728", lw=2,
              label="shallow ReLU/max, Z = N: rank <= Z T, T = (N/2)(M-1)+1")
    left.set_ylabel("rank [A]_odd-even (exact, certified)", fontsize=11)
    left.set_title("rank of the odd-even matricization", fontsize=12)
    right.plot(Ns, [r["convac_Z"] for r in data], "o-", color="#1f77b4", lw=2, ms=8, label="shallow ConvAC: Z >= rank")
    right.plot(Ns, [r["relu_max_Z"] for r in data], "s--", color="#d62728", lw=2, ms=7, mfc="none", mew=2,
               label="shallow ReLU/max: Z >= ceil(rank / T)")
    right.plot(Ns, Ns, ":", color="gray", lw=2, label="Z = N (polynomial size)")
    right.set_ylabel("channels Z a shallow net needs", fontsize=11)
    right.set_title("smallest shallow width realizing the deep tensor", fontsize=12)
    for ax in (left, right):
        ax.set_xscale("log", base=2)
        ax.set_yscale("log", base=2)
        ax.set_xticks(Ns, [str(N) for N in Ns])
        ax.tick_params(labelsize=10)
        ax.set_xlabel("N (number of patches; deep nets of window 2, widths M)", fontsize=11)
        ax.grid(True, which="major", alpha=0.3)
        ax.legend(fontsize=10, loc="upper left")
    fig.suptitle(title or f"Depth efficiency at M = {M}: deep ranks grow as $M^{{N/2}}$, shallow bounds polynomially",
                 fontsize=13)
    return fig
