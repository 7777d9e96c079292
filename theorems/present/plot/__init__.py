"""Pictures and notebook renderings: circuits, grid tensors, matricizations, rank growth, the open box.

Figures are ``matplotlib.figure.Figure`` objects (no pyplot state: a notebook shows the
figure a cell returns, once; :func:`save` writes it). Matplotlib is imported lazily, so
the rest of convac works without it; a missing matplotlib raises
:class:`~symbolic.errors.BackendUnavailable` with the install hint
``pip install 'convac[notebooks]'``.

Floats are used only to colour and place things. Every number a picture *states* (a
rank, a bound, an entry printed in a cell) is computed exactly by convac: ranks are
certified by :func:`symbolic.rank.exact.exact_rank`, entries are Fractions.
The notebook renderers live in :mod:`theorems.present.render` and are re-exported here.
"""

from theorems.present.plot.base import (INSTALL_HINT, validate_dpi, validate_heatmap, validate_circuit_drawing,  # noqa: F401
                                        validate_output_path,
                                        save)
from theorems.present.plot.box import box_slice_data, validate_box_cost, plot_box_slice, substitute  # noqa: F401
from theorems.present.plot.circuit import draw_circuit  # noqa: F401
from theorems.present.plot.growth import plot_rank_growth, rank_growth_data  # noqa: F401
from theorems.present.plot.heatmap import plot_matricization, plot_tensor  # noqa: F401
from theorems.present.render import (Rendered, latex_decomposition, latex_expansion, latex_symbol_names,  # noqa: F401 (re-exported)
                                     show_search, show_verdict, verdicts_table)

__all__ = ["INSTALL_HINT", "Rendered", "save", "validate_output_path", "validate_dpi", "validate_heatmap",
           "validate_box_cost", "validate_circuit_drawing", "draw_circuit", "plot_matricization", "plot_tensor",
           "rank_growth_data", "plot_rank_growth", "substitute", "box_slice_data", "plot_box_slice", "show_verdict",
           "verdicts_table", "show_search", "latex_expansion", "latex_decomposition", "latex_symbol_names"]
