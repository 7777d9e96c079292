"""Heatmaps of grid tensors and of their matricizations, with exact ranks."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from symbolic.errors import DomainError, ShapeError

from theorems.present.plot.base import (_exact_text, _figure, validate_heatmap)


# ----------------------------------------------------------------------------- heatmaps
def _exact_matrix(m):
    """Exact values (Fractions, or residues) of a Matricization's matrix."""
    if any(getattr(x, "free_symbols", None) for x in m.matrix.flat):
        raise DomainError("a heatmap needs numeric entries; this tensor has symbolic ones (substitute weights first, "
                          "or use the exact engine on a spec with numbers)")
    if m.modulus is not None:
        return [[int(x) for x in row] for row in m.matrix]
    return [[Fraction(int(x), m.denominator) if not isinstance(x, Fraction) else x / m.denominator for x in row]
            for row in m.matrix]


def _modes(modes) -> str:
    return "(" + ", ".join(map(str, modes)) + ")"


def _tick_step(n: int, most: int = 32) -> int:
    return max(1, math.ceil(n / most))


def plot_matricization(obj, partition="odd-even", *, output: int = 0, rank: bool = False, annotate=None,
                       ax=None, title: str | None = None, cmap: str | None = None):
    """A matricization [A]_I as a heatmap, its index convention on the axes.

    Parameters
    ----------
    obj : GridTensor, Matricization, or a spec (its grid tensor ``output`` is computed exactly)
    partition : str or sequence of int
        The row modes I (anything :func:`symbolic.rank.matricization.parse_partition` accepts);
        ignored for a Matricization.
    rank : bool
        Compute the certified exact rank and state it in the title.
    annotate : bool, optional
        Print the exact entries in the cells (default: when they fit, up to 16 x 16).
    cmap : str, optional
        Default: ``RdBu_r`` centred at 0 when entries have both signs, else ``viridis``.

    Returns
    -------
    matplotlib.figure.Figure

    Notes
    -----
    Row r is the tuple (d_i for i in I) with r its row-major rank (first row mode slowest),
    column c likewise for the other modes: the convention of :mod:`symbolic.rank.matricization`. Tick
    labels are those tuples; colours are floats of the exact entries, for the eye only.
    """
    from symbolic.rank.matricization import Matricization, matricize
    from symbolic.tensor.grid import GridTensor

    if isinstance(obj, Matricization):
        m = obj
    else:
        if not isinstance(obj, GridTensor):
            from symbolic.tensor.decompositions import grid_tensor
            from symbolic.spec.network import load_spec

            spec = load_spec(obj)
            validate_heatmap(spec.M ** spec.N, f"N={spec.N}, M={spec.M}")
            obj = grid_tensor(spec, output=output)
        if obj.order < 2:
            raise ShapeError(f"a matricization needs a tensor of order >= 2; this one has order {obj.order}")
        validate_heatmap(obj.size, f"shape {obj.shape}")
        m = matricize(obj, partition)
    values = _exact_matrix(m)
    nr, nc = m.matrix.shape
    if annotate is None:  # print exact entries when they fit in their cells
        annotate = nr * nc <= 256 and max(len(_exact_text(x)) for row in values for x in row) <= (7 if nc <= 8 else 4)
    data = np.array([[float(x) for x in row] for row in values])
    fig, ax = _figure((min(12.0, max(5.5, 0.42 * nc + 3.0)), min(11.0, max(4.5, 0.36 * nr + 2.2))), ax)
    lo, hi = float(data.min()), float(data.max())
    if m.modulus is None and lo < 0 < hi:  # both signs: a diverging map centred at 0
        cmap, vmax = cmap or "RdBu_r", max(-lo, hi)
        lo, hi = -vmax, vmax
    else:  # one sign (or residues): a sequential map over the range
        cmap = cmap or "viridis"
        lo, hi = (lo, hi) if hi > lo else (lo - 1, hi + 1)
    im = ax.imshow(data, cmap=cmap, aspect="auto", interpolation="nearest", vmin=lo, vmax=hi)
    cb = fig.colorbar(im, ax=ax, shrink=0.85)
    cb.set_label("entry (residue mod p)" if m.modulus is not None else
                 "entry value (colour only; exact values in cells)" if annotate else "entry value (colour)")
    rs, cs = _tick_step(nr), _tick_step(nc)
    tup = lambda t: str(t[0]) if len(t) == 1 else str(t)  # noqa: E731
    ax.set_yticks(range(0, nr, rs), [tup(m.row_index(r)) for r in range(0, nr, rs)], fontsize=8 if nr > 8 else 10)
    ax.set_xticks(range(0, nc, cs), [tup(m.col_index(c)) for c in range(0, nc, cs)], fontsize=8 if nc > 8 else 10,
                  rotation=90 if len(m.cols) > 1 and nc > 4 else 0)
    sub = lambda modes: f"d{modes[0]}" if len(modes) == 1 else "(" + ", ".join(f"d{i}"  # noqa: E731
                                                                               for i in modes) + ")"
    ax.set_ylabel(f"rows: modes I = {_modes(m.rows)} as {sub(m.rows)}, row-major")
    ax.set_xlabel(f"columns: modes J = {_modes(m.cols)} as {sub(m.cols)}, row-major")
    if annotate:
        for r in range(nr):
            for c in range(nc):
                red, green, blue, _ = im.cmap(im.norm(data[r, c]))
                dark = 0.299 * red + 0.587 * green + 0.114 * blue < 0.5
                ax.text(c, r, _exact_text(values[r][c]), ha="center", va="center", fontsize=11 if max(nr, nc) <= 4
                        else 9 if max(nr, nc) <= 8 else 7,
                        color="white" if dark else "black")
    if title is None:
        name = next((n for n in ("odd-even", "halves") if partition == n), None) if m is not obj else None
        title = (f"{name} matricization " if name else "matricization ") + (
            rf"$[\mathcal{{A}}]_I$, I = {_modes(m.rows)}: a {nr} x {nc} matrix")
        if m.modulus is not None:
            title += f" (residues mod {m.modulus})"
    if rank:
        from symbolic.rank.exact import exact_rank

        rk = exact_rank(m.matrix if m.modulus is None else m, seed=0)
        title += f"\nrank {rk.rank} ({'exact, certified' if rk.exact else f'certified lower bound; <= {rk.upper}'})"
    ax.set_title(title, fontsize=11)
    return fig


def plot_tensor(obj, *, output: int = 0, ax=None, title: str | None = None, **kwargs):
    """A grid tensor laid out as [A]_halves (rows d_0..d_{N/2-1}, row-major: the plain reshape).

    ``obj`` is a GridTensor or a spec; other keywords go to :func:`plot_matricization`.
    """
    from symbolic.tensor.grid import GridTensor

    if not isinstance(obj, GridTensor):
        from symbolic.tensor.decompositions import grid_tensor
        from symbolic.spec.network import load_spec

        spec = load_spec(obj)
        validate_heatmap(spec.M ** spec.N, f"N={spec.N}, M={spec.M}")
        obj = grid_tensor(spec, output=output)
    if obj.order == 1:
        obj = GridTensor((1,) + obj.shape, obj.data.reshape((1,) + obj.shape), obj.denominator, obj.modulus)
        partition: str | list[int] = [0]
        default = f"grid tensor A[d0] (a vector of {obj.size} entries)"
    else:
        partition = "halves"
        n = obj.order
        idx = "d0, d1" if n == 2 else f"d0, ..., d{n - 1}"
        default = f"grid tensor A[{idx}], shape {obj.shape},\nas [A]_halves (the row-major reshape)"
    return plot_matricization(obj, partition, ax=ax, title=title or default, **kwargs)
