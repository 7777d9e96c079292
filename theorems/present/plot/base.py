"""Matplotlib on demand, the cost checks of a picture, and saving a figure."""

from __future__ import annotations

import os
import sys
from fractions import Fraction


from symbolic.errors import BackendUnavailable, DomainError


INSTALL_HINT = "pip install 'convac[notebooks]'"
#: Bounds of what a picture may cost (checked before the work, see :mod:`symbolic.cost`): the resolution of
#: a PNG, its pixels, the cells of a heatmap and the nodes and edges of a drawn circuit.
MIN_DPI, MAX_DPI = 10, 600
MAX_PIXELS = 1 << 26
MAX_HEATMAP_CELLS = 1 << 20
MAX_DRAWN_NODES, MAX_DRAWN_EDGES = 2000, 20000


# ----------------------------------------------------------------------------- matplotlib
def _matplotlib():
    try:
        import matplotlib
    except ImportError:
        raise BackendUnavailable(f"pictures need matplotlib, which is not installed: {INSTALL_HINT}") from None
    if ("matplotlib.pyplot" not in sys.modules and not os.environ.get("MPLBACKEND")
            and sys.platform.startswith("linux")
            and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))):
        matplotlib.use("Agg")  # no display: render to files only
    _inline_support()
    return matplotlib


_INLINE: list = []


def _inline_support():
    """In a Jupyter kernel, load the inline backend once, so that a returned Figure shows as a picture."""
    if _INLINE:
        return
    _INLINE.append(True)
    ipython = sys.modules.get("IPython")
    if ipython is None or getattr(ipython, "get_ipython", lambda: None)() is None:
        return
    import matplotlib.pyplot as plt

    backend = plt.get_backend()
    if "inline" in backend:
        plt.switch_backend(backend)  # matplotlib_inline registers its formatters for Figure


def _figure(figsize, ax=None):
    """(figure, axes): a new constrained-layout Figure, or the figure of a given axes."""
    _matplotlib()
    if ax is not None:
        return ax.figure, ax
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize, dpi=110, layout="constrained")
    return fig, fig.add_subplot()


def validate_output_path(path) -> str:
    """Refuse an output file whose suffix is not png/svg/pdf or whose folder does not exist."""
    path = os.fspath(path)
    ext = os.path.splitext(path)[1].lower().lstrip(".")
    if ext not in ("png", "svg", "pdf"):
        raise DomainError(f"output file {path!r}: expected a .png, .svg or .pdf name")
    from theorems.present.report import validate_writable

    return validate_writable(path, "-o")


def validate_dpi(dpi, flag: str = "--dpi") -> int:
    """Refuse a resolution outside :data:`MIN_DPI`..:data:`MAX_DPI`.

    >>> validate_dpi(100000)
    Traceback (most recent call last):
    ...
    symbolic.errors.DomainError: --dpi: expected an int in 10..600, got 100000
    """
    if isinstance(dpi, bool) or not isinstance(dpi, int) or not MIN_DPI <= dpi <= MAX_DPI:
        raise DomainError(f"{flag}: expected an int in {MIN_DPI}..{MAX_DPI}, got {dpi!r}")
    return dpi


def save(fig, path, *, dpi: int = 150) -> str:
    """Write a figure to ``path`` (format from the suffix: png, svg or pdf); returns the path.
    The resolution and the pixels are bounded (:data:`MAX_DPI`, :data:`MAX_PIXELS`) before rendering."""
    from symbolic.errors import TooLarge

    path = validate_output_path(path)
    validate_dpi(dpi)
    w, h = fig.get_size_inches()
    px = int(w * dpi) * int(h * dpi)
    if px > MAX_PIXELS:
        raise TooLarge(f"-o {path}: a {w:.0f} x {h:.0f} inch figure at {dpi} dpi has "
                       f"{int(w * dpi):,} x {int(h * dpi):,} "
                       f"pixels; the limit is {MAX_PIXELS:,} pixels (lower --dpi)")
    fig.savefig(path, dpi=dpi)
    return path


def validate_heatmap(cells: int, where: str) -> None:
    """Refuse a heatmap of more than :data:`MAX_HEATMAP_CELLS` cells (before its tensor is computed)."""
    from symbolic.errors import TooLarge

    if cells > MAX_HEATMAP_CELLS:
        from symbolic.cost import format_count

        raise TooLarge(f"{where}: a heatmap of {format_count(cells)} cells; the limit is {MAX_HEATMAP_CELLS:,} cells "
                       "(one per grid-tensor entry)")


def validate_circuit_drawing(spec=None, G=None) -> None:
    """Refuse a circuit drawing beyond :data:`MAX_DRAWN_NODES` nodes or :data:`MAX_DRAWN_EDGES` edges
    (from a spec's weight count, before its graph is built)."""
    from symbolic.errors import TooLarge

    if G is not None:
        n, e = G.number_of_nodes(), G.number_of_edges()
    else:
        from symbolic.cost import weights_count

        e = weights_count(spec.architecture, N=spec.N, M=spec.M, widths=spec.widths, Y=spec.Y, window=spec.window,
                          shared=spec.shared)
        if spec.shared:  # a shared weight is drawn once per position
            e = weights_count(spec.architecture, N=spec.N, M=spec.M, widths=spec.widths, Y=spec.Y,
                              window=spec.window)
        n = 0
    if n > MAX_DRAWN_NODES or e > MAX_DRAWN_EDGES:
        raise TooLarge(f"the circuit has {f'{n:,} nodes and ' if n else ''}{e:,} weighted edges; a drawing is limited "
                       f"to {MAX_DRAWN_NODES:,} nodes and {MAX_DRAWN_EDGES:,} edges")


def _exact_text(x) -> str:
    """An exact number as short text: 3, -1/2 (sympy expressions as they print)."""
    if isinstance(x, Fraction):
        return str(x.numerator) if x.denominator == 1 else f"{x.numerator}/{x.denominator}"
    return str(x)
