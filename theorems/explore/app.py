"""The explorer: an ipywidgets application over :mod:`theorems.explore.model`.

``Explorer()`` (or ``Explorer(spec)``) is a widget: the last expression of a notebook cell shows it,
and ``convac explore`` serves it through Voila. Every change of a control recomputes the views in a
worker process (:class:`theorems.explore.jobs.Job`; a newer change kills the older work), so the
kernel never blocks: the certified numbers arrive first, then the pictures (SVG drawn from the exact
data, :mod:`theorems.explore.draw`), then the trusted kernel's re-verification of the rank. Views
already computed for a choice are shown again from a cache, and the circuit is redrawn only when
what it shows changed.

The badges (laws, universality, depth) are long certified work (up to tens of seconds for a new
pair at N=8, M=3): they run in a background job at low priority, each badge shown as soon as it is
decided, with a *cancel* button while they run and a *compute* button after a cancel; each badge is
computed once per key (:func:`theorems.explore.model.verdict_key`) and reused. The counterexample
search runs with a progress bar and a stop button, over the family of the choice's architecture.
"""

from __future__ import annotations

import html
import json
import threading
import time
from dataclasses import replace
from typing import Any

from symbolic.errors import BackendUnavailable, ConvacError

from theorems.explore import model
from theorems.explore.draw import img_tag
from theorems.explore.jobs import Job

try:
    import ipywidgets as W
except ImportError:  # pragma: no cover - the extra is missing
    W = None

__all__ = ["Explorer"]

#: Statuses as coloured words (no emoji: a browser without an emoji font shows boxes).
_BADGE = {k: f"<span style='color:{c};font-weight:bold'>[{k}]</span>" for k, c in
          (("proved", "#1a7f37"), ("refuted", "#b00020"), ("tested", "#8a6d00"), ("inconclusive", "#555"))}
_CSS = """<style>
.convac-explore .convac-refusal {color: #a40000; font-weight: bold}
.convac-explore table.convac-table {border-collapse: collapse; font-family: monospace; font-size: 12px}
.convac-explore table.convac-table td, .convac-explore table.convac-table th {border: 1px solid #ccc; padding: 1px 6px}
</style>"""


def _esc(x) -> str:
    return html.escape(str(x))


def _ints(text: str, name: str):
    text = (text or "").strip()
    if not text:
        return None
    try:
        return tuple(int(t) for t in text.replace(" ", "").split(","))
    except ValueError:
        raise ConvacError(f"{name}: expected a comma list of ints such as 0,3, got {text!r}") from None


_WARM: list = []


def warm_up() -> None:
    """Import and exercise, once per process, what the workers use (the provers, the kernel, sympy,
    python-flint, the SVG drawings with PIL and matplotlib's colour maps), so that each forked worker
    starts warm: a change then costs its own work only (about 0.1 s at N=8, M=3), not 2 s of imports."""
    if _WARM:
        return
    _WARM.append(True)
    import theorems.depth.decide  # noqa: F401
    import theorems.present.plot  # noqa: F401
    import theorems.search.counterexample  # noqa: F401
    import theorems.universality.decide  # noqa: F401

    c = model.Choice(architecture="deep", N=2, M=2)
    model.compute_views(c, figures=True)
    model.circuit_job(c)


#: The explorer's base: an ipywidgets VBox (untyped: Any), or object when the extra is missing (then the
#: constructor refuses with BackendUnavailable).
_Box: Any = W.VBox if W is not None else object


def _certificate_text(r: dict) -> str:
    """What the rank's certificate is, in a line: a minor and an upper-bound kind, or the structured factorization."""
    c = r["certificate"]
    if c.get("certificate") == "kronecker":
        return (f"structured: [A]<sub>I</sub> = P diag(g) Q<sup>T</sup>, never formed; g has {c['k']:,} nonzero "
                f"entries (inner size {c['inner']:,}); P, Q of full column rank (minors of {len(c['pivots'])} "
                f"one-sided blocks nonzero mod {c['prime']})")
    return (f"lower: a {r['lower']} x {r['lower']} minor nonzero mod {c['lower']['prime']}, "
            f"upper: {c['upper']['kind']}")


def _allowed(widget, name: str, v):
    """``v`` for a control, as the widget would hold it unchanged; else one line naming the control, the value and what
    is allowed (a widget would clamp 0 to its minimum, truncate 2.5, or raise a traitlets error on an unknown
    option: from Python, that is a silent change or a traceback)."""
    options = getattr(widget, "options", None)
    if options is not None and getattr(widget, "ensure_option", True):  # a Combobox's options are suggestions only
        labels = [o[1] if isinstance(o, tuple) else o for o in options]
        if v not in labels:
            raise ConvacError(f"{name}={v!r}: expected one of {labels}")
        return v
    if isinstance(widget.value, bool):
        if not isinstance(v, bool):
            raise ConvacError(f"{name}={v!r}: expected True or False")
        return v
    if isinstance(widget.value, int):
        lo, hi = getattr(widget, "min", None), getattr(widget, "max", None)
        if isinstance(v, bool) or not isinstance(v, int) or (lo is not None and v < lo) or (hi is not None and v > hi):
            allowed = f"an int in [{lo}, {hi}]" if lo is not None else "an int"
            raise ConvacError(f"{name}={v!r}: expected {allowed}")
        return v
    if not isinstance(v, str):
        raise ConvacError(f"{name}={v!r}: expected a str")
    return v


class Explorer(_Box):
    """An interactive explorer of a network: its circuit, grid tensor, matricization, certified rank,
    structural bounds, the shallow width it forces, its symbolic expansion and the pair's verdicts.

    Parameters
    ----------
    spec : Spec, dict, JSON text or path, optional
        Start from this network (its weights are the ``given`` weights); default a deep relu/max net.
    pictures : bool, default True
        Draw the circuit and the heatmaps (False: the numbers, tables and badges only).
    architecture, N, M, widths, window, patch_order, activation : optional
        Initial values of the controls, as below.
    pooling, weights, seed, Y, partition, output, given : optional
        Initial values of the controls, the fields of :class:`theorems.explore.model.Choice` (see
        there for their meaning). None (the default) keeps the value of ``spec``, or the Choice
        default without a spec.

    Returns
    -------
    Explorer
        The widget (an ipywidgets VBox); the last expression of a notebook cell shows it.

    Raises
    ------
    BackendUnavailable
        Without ipywidgets (``pip install 'convac[explore]'``).
    DomainError
        For an invalid choice.

    Examples
    --------
    >>> ex = Explorer(architecture="deep", N=4, M=2, activation="relu", pooling="max")  # doctest: +SKIP
    >>> ex.set(M=3); ex.wait(); ex.shown["rank"]                                         # doctest: +SKIP
    9
    >>> ex.set(N=8, M=3); ex.verdicts_running; ex.cancel_verdicts()                       # doctest: +SKIP
    True

    Notes
    -----
    :meth:`cancel` stops the views of the current choice, :meth:`cancel_verdicts` the badges (and
    :meth:`start_verdicts` computes them again), :meth:`stop_search` the search: each kills its worker
    process at once. ``timings`` holds the seconds from the last change to each view (see
    ``benchmarks/bench_explore.py``).
    """

    def __init__(self, spec=None, *, pictures: bool = True, architecture: str | None = None, N: int | None = None,
                 M: int | None = None, widths: tuple | None = None, window: int | None = None,
                 patch_order: tuple | None = None, activation: str | None = None, pooling: str | None = None,
                 weights: str | None = None, seed: int | None = None, Y: int | None = None, partition=None,
                 output: int | None = None, given: dict | None = None):
        choice = {k: v for k, v in dict(architecture=architecture, N=N, M=M, widths=widths, window=window,
                                        patch_order=patch_order, activation=activation, pooling=pooling,
                                        weights=weights, seed=seed, Y=Y, partition=partition, output=output,
                                        given=given).items() if v is not None}
        if W is None:
            raise BackendUnavailable("the explorer needs ipywidgets: pip install 'convac[explore]'")
        warm_up()
        self.pictures_on = pictures
        self._lock = threading.RLock()
        # seconds from the last change to: set, numbers, pictures, views, kernel, circuit, laws, universality,
        # depth, verdicts (see the benchmark); views_cached / verdicts_cached: True when shown from the cache
        self.timings: dict[str, float | bool] = {}
        self._t0 = 0.0
        self._gen = 0
        self._hold = 0
        self._jobs: dict[str, Job] = {}  # by name: views, circuit, verdicts, search
        # what the job in _jobs["verdicts"] decides: the verdict keys, for the choice
        self._verdicts_keys: set[tuple] = set()
        self._verdicts_choice: model.Choice | None = None
        self._verdict_cache: dict[tuple, dict] = {}  # model.verdict_key -> badge
        self._circuit_cache: dict[tuple, dict] = {}  # model.circuit_key -> drawing (model.circuit_job)
        self._views_cache: dict[tuple, dict] = {}  # model.views_key -> views (model.views_job)
        self._verdicts_cancelled = False
        self.choice: model.Choice | None = None
        self.views: dict | None = None     # the last views (model.compute_views), when complete for self.choice
        self.verdicts: dict | None = None  # the badges of self.choice decided so far ({name: badge}), or None
        self.search_result: dict | None = None
        self.refused: str | None = None    # the one-line refusal in force, or None
        base = model.choice_from_spec(spec) if spec is not None else model.Choice()
        base = replace(base, **choice)
        self._given = base.given
        self._build(base)
        super().__init__([self._header, W.HBox([self._controls, self._views_box])])
        self.add_class("convac-explore")
        self._changed()

    # ------------------------------------------------------------------ layout
    def _build(self, c: model.Choice):
        st = {"description_width": "95px"}
        self.controls = ctl = {
            "architecture": W.ToggleButtons(options=["shallow", "deep"], value=c.architecture,
                                            description="architecture",
                                            style={**st, "button_width": "70px"}),
            "N": W.BoundedIntText(value=c.N, min=1, max=64, description="N (patches)", layout=W.Layout(width="260px"),
                                  style=st),
            "M": W.BoundedIntText(value=c.M, min=1, max=64, description="M (templates)", layout=W.Layout(width="260px"),
                                  style=st),
            "Z": W.BoundedIntText(value=(c.widths or (c.M,))[0] if c.architecture == "shallow" else c.M, min=1,
                                  max=4096, description="Z (channels)", layout=W.Layout(width="260px"), style=st),
            "widths": W.Text(value=",".join(map(str, c.widths)) if c.widths and c.architecture == "deep" else "",
                             placeholder="M each", description="widths r_l", layout=W.Layout(width="260px"), style=st),
            "window": W.BoundedIntText(value=c.window, min=2, max=64, description="window",
                                       layout=W.Layout(width="260px"), style=st),
            "patch_order": W.Text(value=",".join(map(str, c.patch_order or ())), placeholder="0,1,...,N-1",
                                  description="patch order", layout=W.Layout(width="260px"), style=st),
            "activation": W.Combobox(value=c.activation, options=list(model.ACTIVATIONS), ensure_option=False,
                                     description="activation", layout=W.Layout(width="260px"), style=st),
            "pooling": W.Dropdown(value=c.pooling, options=list(model.POOLINGS), description="pooling",
                                  layout=W.Layout(width="260px"),
                                  style=st),
            "weights": W.Dropdown(value=c.weights, options=[w for w in model.WEIGHTS if w != "given" or c.given],
                                  description="weights", layout=W.Layout(width="260px"), style=st),
            "seed": W.IntText(value=c.seed, description="seed", layout=W.Layout(width="260px"), style=st),
            "Y": W.BoundedIntText(value=c.Y, min=1, max=16, description="Y (outputs)", layout=W.Layout(width="260px"),
                                  style=st),
            "output": W.BoundedIntText(value=c.output, min=0, max=15, description="output y",
                                       layout=W.Layout(width="260px"), style=st),
            "partition": W.Dropdown(options=["odd-even", "halves", "custom"],
                                    value=c.partition if isinstance(c.partition, str) else "custom",
                                    description="partition I", layout=W.Layout(width="260px"), style=st),
            "rows": W.Text(value="" if isinstance(c.partition, str) else ",".join(map(str, c.partition)),
                           placeholder="e.g. 0,3", description="row modes", layout=W.Layout(width="260px"), style=st),
        }
        for name, w in ctl.items():
            w.add_class(f"convac-control-{name.replace('_', '-')}")
            w.observe(lambda ch, name=name: self._on_control(name), names="value")
        self._modes = W.HBox(layout=W.Layout(flex_flow="row wrap", width="260px"))
        self._mode_buttons: list[Any] = []  # ipywidgets.ToggleButton, one per mode when N <= 16
        self._controls = W.VBox(list(ctl.values())[:14] + [self._modes, ctl["rows"]],
                                layout=W.Layout(min_width="280px"))
        # views
        self._status = W.HTML(_CSS).add_class("convac-status")
        self._cancel_btn = W.Button(description="cancel", icon="stop", layout=W.Layout(width="90px", display="none"),
                                    tooltip="stop computing the views of this choice").add_class("convac-cancel")
        self._cancel_btn.on_click(lambda _: self.cancel())
        self._cli = W.HTML().add_class("convac-cli")
        self._header = W.VBox([W.HBox([self._status, self._cancel_btn]), self._cli])
        self.rank_view = W.HTML().add_class("convac-rank")
        self.bounds_view = W.HTML().add_class("convac-bounds")
        self.z_view = W.HTML().add_class("convac-z")
        self.badges_view = W.HTML("<i>verdicts: computing...</i>").add_class("convac-badges")
        self._badges_cancel = W.Button(description="cancel", icon="stop", layout=W.Layout(width="90px"),
                                       tooltip="stop the badges' certified work").add_class("convac-badges-cancel")
        self._badges_run = W.Button(description="compute", icon="play", layout=W.Layout(width="100px", display="none"),
                                    tooltip="compute the badges of this choice").add_class("convac-badges-run")
        self._badges_cancel.on_click(lambda _: self.cancel_verdicts())
        self._badges_run.on_click(lambda _: self.start_verdicts())
        self.circuit_view = W.HTML().add_class("convac-circuit")
        self.tensor_view = W.HTML().add_class("convac-tensor")
        self.matrix_view = W.HTML().add_class("convac-matrix")
        self.latex_view = W.HTMLMath().add_class("convac-latex")
        # search
        self._search_family = W.HTML().add_class("convac-search-family")
        self._bound = W.Text(value="Z" if c.architecture == "shallow" else "r0", description="rank <=",
                             layout=W.Layout(width="200px")).add_class("convac-search-bound")
        self._budget = W.BoundedIntText(value=200, min=1, max=100000, description="budget",
                                        layout=W.Layout(width="170px"))
        self._search_btn = W.Button(description="search", icon="search").add_class("convac-search")
        self._stop_btn = W.Button(description="stop", icon="stop", disabled=True).add_class("convac-stop")
        self._progress = W.IntProgress(value=0, min=0, max=200, layout=W.Layout(width="200px"))
        self._search_out = W.HTMLMath().add_class("convac-search-result")
        self._load_btn = W.Button(description="open counterexample", disabled=True, layout=W.Layout(width="180px"))
        self._search_btn.on_click(lambda _: self.search())
        self._stop_btn.on_click(lambda _: self.stop_search())
        self._load_btn.on_click(lambda _: self.open_counterexample())
        # save
        self._path = W.Text(value="explore-answer.json", description="answer file", layout=W.Layout(width="320px"))
        self._save_btn = W.Button(description="save", icon="save").add_class("convac-save")
        self._save_out = W.HTML().add_class("convac-save-result")
        self._save_btn.on_click(lambda _: self._save_clicked())
        badges = W.HBox([self.badges_view, self._badges_cancel, self._badges_run])
        numbers = W.VBox([self.rank_view, self.bounds_view, self.z_view, badges])
        pictures = W.HBox([self.circuit_view, self.matrix_view], layout=W.Layout(flex_flow="row wrap"))
        search = W.VBox([W.HTML("<b>counterexample search</b> (convac search rank-bound over the family of this "
                                "architecture)"), self._search_family,
                         W.HBox([self._bound, self._budget, self._search_btn, self._stop_btn]),
                         W.HBox([self._progress, self._load_btn]), self._search_out])
        save = W.VBox([W.HBox([self._path, self._save_btn]), self._save_out])
        self._views = W.VBox([numbers, pictures, self.tensor_view, self.latex_view])
        self._views_box = W.VBox([self._views, search, save], layout=W.Layout(flex="1"))

    # ------------------------------------------------------------------ controls -> choice
    def set(self, **values):
        """Set several controls at once (one recomputation), e.g. ``ex.set(N=8, M=3, activation="square")``.
        ``partition`` takes a preset or a sequence of row modes; ``widths`` and ``patch_order`` sequences."""
        todo = []  # every value is checked before any control changes
        for name, v in values.items():
            if name not in self.controls:
                raise ConvacError(f"{name}: not a control; the controls are {', '.join(self.controls)}")
            if name == "partition" and not isinstance(v, str):
                todo.append(("rows", ",".join(map(str, v))))
                v = "custom"
            elif name in ("widths", "patch_order", "rows") and not isinstance(v, str):
                v = ",".join(map(str, v or ()))
            todo.append((name, _allowed(self.controls[name], name, v)))
        with self._held():
            for name, v in todo:
                self.controls[name].value = v
        self._changed()

    class _Hold:
        def __init__(self, ex):
            self.ex = ex

        def __enter__(self):
            self.ex._hold += 1

        def __exit__(self, *a):
            self.ex._hold -= 1

    def _held(self):
        return Explorer._Hold(self)

    def _on_control(self, name):
        if self._hold:
            return
        if name == "rows" and self.controls["partition"].value != "custom":
            with self._held():
                self.controls["partition"].value = "custom"
        self._changed()

    def _read(self) -> model.Choice:
        v = {k: w.value for k, w in self.controls.items()}
        arch = v["architecture"]
        widths = (v["Z"],) if arch == "shallow" else _ints(v["widths"], "widths")
        part = v["partition"] if v["partition"] != "custom" else (_ints(v["rows"], "row modes") or ())
        return model.Choice(architecture=arch, N=v["N"], M=v["M"], widths=widths, window=v["window"],
                            patch_order=_ints(v["patch_order"], "patch order"), activation=v["activation"].strip(),
                            pooling=v["pooling"], weights=v["weights"], seed=v["seed"], Y=v["Y"],
                            partition=part, output=v["output"], given=self._given)

    def _sync_controls(self, c: model.Choice):
        """Show only the controls that apply; one toggle button per mode for the partition."""
        deep = c.architecture == "deep"
        for name, shown in (("Z", not deep), ("widths", deep), ("window", deep), ("patch_order", deep),
                            ("seed", c.weights == "random"), ("output", c.Y > 1),
                            ("rows", c.partition not in ("odd-even", "halves"))):
            self.controls[name].layout.display = None if shown else "none"
        try:
            rows = set(model._rows(c))
        except ConvacError:
            rows = set(c.partition) if not isinstance(c.partition, str) else set()
        if c.N > 16:
            self._modes.children = (W.HTML(f"<small>I = {sorted(rows)}</small>"),)
            return
        if len(self._mode_buttons) != c.N:
            self._mode_buttons = [W.ToggleButton(description=str(i), layout=W.Layout(width="34px"),
                                                 tooltip=f"mode {i} in the rows I").add_class(f"convac-mode-{i}")
                                  for i in range(c.N)]
            for i, b in enumerate(self._mode_buttons):
                b.observe(lambda ch, i=i: self._on_mode(i), names="value")
        with self._held():
            for i, b in enumerate(self._mode_buttons):
                b.value = i in rows
        self._modes.children = (W.HTML("<small>rows I:</small>"), *self._mode_buttons)

    def _on_mode(self, i):
        if self._hold:
            return
        rows = [j for j, b in enumerate(self._mode_buttons) if b.value]
        self.set(partition=rows)

    # ------------------------------------------------------------------ recomputation
    def _changed(self):
        if self._hold:
            return
        with self._lock:
            self._gen += 1
            gen = self._gen
            self._t0, self.timings = time.perf_counter(), {}
            for name in ("views", "circuit"):
                job = self._jobs.pop(name, None)
                if job is not None:
                    job.cancel()
            self.views = None
            try:
                c = self._read()
            except ConvacError as e:
                self._cancel_btn.layout.display = "none"
                return self._refuse(str(e))
            arch_changed = self.choice is not None and self.choice.architecture != c.architecture
            self.choice = c
            self._sync_controls(c)
            msg = model.refusal(c)
            if msg is not None:
                self._cancel_btn.layout.display = "none"
                self._stop_verdicts_for_refusal()
                return self._refuse(msg)
            self.refused = None
            self._views.layout.display = None
            self._cli.value = f"<small>same as: <code>{_esc(c.cli())}</code></small>"
            self._search_family.value = f"<small>over: {_esc(model.search_family(c))}</small>"
            if arch_changed and self._bound.value in ("Z", "r0"):
                self._bound.value = "Z" if c.architecture == "shallow" else "r0"
            key = model.views_key(c)
            cached = self._views_cache.get(key)
            if cached is not None:  # seen before: shown again at once, nothing recomputed
                self._views_cache[key] = self._views_cache.pop(key)  # most recently used last
                self._show_numbers(cached)
                self._show_pictures(cached)
                self.views = cached
                now = time.perf_counter() - self._t0
                self.timings.update(numbers=now, pictures=now, views=now, kernel=now, views_cached=True)
                self._status.value = _CSS + "<span class='convac-done'>done (shown again: computed before)</span>"
            else:
                self._status.value = _CSS + "<span class='convac-busy'>computing...</span>"
                self.rank_view.value = "<i>rank: computing...</i>"  # never a number of another choice
                self.matrix_view.value = "<i>matricization: computing...</i>"
                self._jobs["views"] = Job(model.views_job, (c, self.pictures_on), name="views",
                                          on_progress=lambda m, g=gen: self._on_views_progress(g, m),
                                          on_done=lambda j, g=gen, k=key: self._on_views(g, k, j))
            ckey = model.circuit_key(c)
            if not self.pictures_on:
                self.circuit_view.value = ""
            elif ckey in self._circuit_cache:
                if self._shown_circuit != ckey:  # the drawing did not change: not even re-sent
                    self._show_circuit(self._circuit_cache[ckey])
                    self._shown_circuit = ckey
                self.timings["circuit"] = time.perf_counter() - self._t0
            else:
                self.circuit_view.value = "<i>drawing the circuit...</i>"
                self._shown_circuit = None
                self._jobs["circuit"] = Job(model.circuit_job, (c,), name="circuit", nice=2,
                                            on_done=lambda j, g=gen, k=ckey: self._on_circuit(g, k, j))
            self._show_cancel()
            self._start_verdicts(c, auto=True)
            self.timings["set"] = time.perf_counter() - self._t0

    _shown_circuit = None
    #: Views of this many choices are kept for going back (each is at most a few hundred kB of SVG).
    VIEWS_CACHE = 64

    def _show_cancel(self, done=None):
        """Show the cancel button while the views' work runs (``done``: a job whose callback is running,
        no longer counted)."""
        running = any(j is not None and j is not done and j.running
                      for j in (self._jobs.get("views"), self._jobs.get("circuit")))
        self._cancel_btn.layout.display = None if running else "none"

    def cancel(self) -> None:
        """Stop computing the views of the current choice (their worker processes are killed); the
        badges go on (:meth:`cancel_verdicts` stops them). Any change of a control computes again."""
        with self._lock:
            stopped = []
            for name in ("views", "circuit"):
                job = self._jobs.get(name)
                if job is not None and job.running:
                    job.cancel()
                    stopped.append(name)
            self._gen += 1  # nothing of the cancelled work is shown
            self._cancel_btn.layout.display = "none"
            if stopped:
                self._status.value = _CSS + ("<span class='convac-cancelled'>cancelled: the "
                                             f"{' and '.join(stopped)} of this choice were not computed; change a "
                                             "control to compute again</span>")

    #: A refusal longer than this is cut on screen (a library message may quote a whole tensor entry).
    MESSAGE_CHARS = 400

    def _refuse(self, msg: str):
        self.refused = msg
        self._views.layout.display = "none"
        if len(msg) > self.MESSAGE_CHARS:
            msg = f"{msg[:self.MESSAGE_CHARS]}... ({len(msg):,} characters)"
        self._status.value = _CSS + f"<span class='convac-refusal'>{_esc(msg)}</span>"
        self._cli.value = ""

    def _stop_verdicts_for_refusal(self):
        job = self._jobs.get("verdicts")
        if job is not None and job.running:
            job.cancel()
        self.verdicts = None

    # ------------------------------------------------------------------ badges: background, cancellable
    def _missing_verdicts(self, c) -> list:
        return [n for n in model.VERDICTS if model.verdict_key(c, n) not in self._verdict_cache]

    def start_verdicts(self) -> None:
        """Compute the badges of the current choice in the background (also after :meth:`cancel_verdicts`)."""
        if self.choice is not None and not self.refused:
            self._start_verdicts(self.choice, auto=False)

    def _start_verdicts(self, c, auto: bool):
        missing = self._missing_verdicts(c)
        job = self._jobs.get("verdicts")
        if not missing:
            if job is not None and job.running:
                job.cancel()  # its badges are not needed now; those it decided are kept
            self._verdicts_cancelled = False
            self._show_badges(c)
            self.timings["verdicts"] = time.perf_counter() - self._t0
            self.timings["verdicts_cached"] = True
            return
        was = self._verdicts_choice
        if auto and self._verdicts_cancelled and job is not None and was is not None \
                and set(missing) == set(self._missing_verdicts(was)) \
                and all(model.verdict_key(c, n) == model.verdict_key(was, n) for n in missing):
            self._show_badges(c)  # cancelled for these very badges: wait for the user's compute
            return
        keys = {model.verdict_key(c, n) for n in missing}
        if job is not None and job.running and keys <= self._verdicts_keys:
            self._show_badges(c)  # already being computed
            return
        if job is not None and job.running:
            job.cancel()
        self._verdicts_cancelled = False
        self.timings["verdicts_cached"] = False
        self._verdict_error = None
        job = Job(model.verdicts_job, (c, tuple(missing)), name="verdicts", nice=10,
                  on_progress=lambda m, c=c: self._on_verdict(c, m),
                  on_done=lambda j: self._on_verdicts_done(j))
        self._verdicts_keys, self._verdicts_choice = keys, c
        self._jobs["verdicts"] = job
        self._show_badges(c)

    @property
    def verdicts_running(self) -> bool:
        """True while the badges' certified work runs in its background job."""
        job = self._jobs.get("verdicts")
        return job is not None and job.running

    def cancel_verdicts(self) -> None:
        """Stop the badges' certified work now (its process is killed); the badges already decided stay,
        the others show *cancelled* and a *compute* button (:meth:`start_verdicts`)."""
        job = self._jobs.get("verdicts")
        if job is not None and job.running:
            job.cancel()
            self._verdicts_cancelled = True
        if self.choice is not None and not self.refused:
            self._show_badges(self.choice)

    def _on_verdict(self, c, msg):
        if not (isinstance(msg, tuple) and len(msg) == 2 and msg[0] in model.VERDICTS):
            return
        name, badge = msg
        # no lock here: this runs on the job's watcher thread, which Job.cancel (under the lock) joins
        self._verdict_cache[model.verdict_key(c, name)] = badge
        cur = self.choice
        if cur is not None and not self.refused and model.verdict_key(cur, name) == model.verdict_key(c, name):
            self.timings[name] = time.perf_counter() - self._t0
            self._show_badges(cur)
            if not self._missing_verdicts(cur):
                self.timings["verdicts"] = time.perf_counter() - self._t0

    def _on_verdicts_done(self, job):
        if job.state != "done":
            self._verdict_error = f"{job.state}: {job.result}"
        cur = self.choice
        if cur is not None and not self.refused and self._jobs.get("verdicts") is job:
            self._show_badges(cur, done=job)

    _verdict_error = None

    def _current_verdicts(self, c) -> dict:
        return {n: self._verdict_cache[model.verdict_key(c, n)] for n in model.VERDICTS
                if model.verdict_key(c, n) in self._verdict_cache}

    # ------------------------------------------------------------------ results -> views
    def _on_views_progress(self, gen, msg):
        if gen != self._gen or not isinstance(msg, tuple):
            return
        kind, v = msg
        if kind == "numbers":
            self._show_numbers(v)
            self.timings["numbers"] = time.perf_counter() - self._t0
        elif kind == "pictures":
            self._show_pictures(v)
            self.timings["pictures"] = time.perf_counter() - self._t0
            self.timings["views"] = self.timings["pictures"]

    def _on_views(self, gen, key, job):
        if job.state == "done":
            self._views_cache[key] = job.result
            while len(self._views_cache) > self.VIEWS_CACHE:
                self._views_cache.pop(next(iter(self._views_cache)))
        if gen != self._gen:
            return
        self._show_cancel(done=job)
        if job.state != "done":
            return self._refuse(job.result) if job.state == "refused" else self._error(job.result)
        v = job.result
        self._show_numbers(v)
        if "pictures" not in self.timings:
            self._show_pictures(v)
        self.views = v
        now = time.perf_counter() - self._t0
        self.timings.setdefault("numbers", now)
        self.timings.setdefault("pictures", now)
        self.timings.setdefault("views", now)
        self.timings["kernel"] = now
        self._status.value = _CSS + f"<span class='convac-done'>done in {job.seconds:.2f} s</span>"

    def _error(self, text):
        text = text if len(text) <= self.MESSAGE_CHARS else f"{text[:self.MESSAGE_CHARS]}... ({len(text):,} characters)"
        self._status.value = _CSS + f"<span class='convac-refusal'>error: {_esc(text)}</span>"

    def _on_circuit(self, gen, key, job):
        if job.state == "done":
            self._circuit_cache[key] = job.result
            if gen == self._gen:
                self._show_circuit(job.result)
                self._shown_circuit = key
                self.timings["circuit"] = time.perf_counter() - self._t0
        if gen == self._gen:
            self._show_cancel(done=job)

    def _show_numbers(self, v):
        r = v["rank"]
        I = tuple(r["rows"])
        value = f"{r['rank']}" if r["exact"] else f"&ge; {r['lower']} (certified lower bound; upper {r['upper']})"
        kv = ("certificate checked; <span class='convac-kernel'>re-verified by the trusted kernel</span>"
              if r.get("kernel_verified") else
              "certificate checked; <span class='convac-kernel'>the trusted kernel is re-verifying...</span>")
        self.rank_view.value = (
            f"<b>rank [A<sup>{r['output']}</sup>]<sub>I</sub> = <span class='convac-rank-value'>{value}</span></b>"
            f" &nbsp; I = {I}, a {r['shape'][0]} x {r['shape'][1]} matrix; "
            f"<small>{_certificate_text(r)}; {kv}</small>")
        self.bounds_view.value = ("structural upper bounds (all weights): " + ", ".join(
            f"{_esc(k)} <span class='convac-bound-{_esc(k)}'>{b}</span>" for k, b in r["bounds"].items()))
        z, oe = v["shallow_z"], v["oddeven"]
        self.z_view.value = (f"shallow width forced: <b>Z &ge; <span class='convac-z-value'>{z['Z']}</span></b> "
                             f"<small>(rank [A]<sub>odd-even</sub> = {oe['lower']}{'' if oe['exact'] else '+'}, "
                             f"and one shallow {_esc(self.choice.activation)}/{_esc(self.choice.pooling)} channel has "
                             f"rank &le; T = {z['T']} for all weights)</small>")
        if v.get("table") is not None:
            rows = "".join(f"<tr><td>{_esc(idx)}</td><td>{_esc(val)}</td></tr>" for idx, val in v["table"])
            self.tensor_view.value = (f"<b>grid tensor A<sup>{r['output']}</sup></b><table class='convac-table'>"
                                      f"<tr><th>(d_0, ..., d_N-1)</th><th>value</th></tr>{rows}</table>")
        elif v.get("tensor_svg") is None:
            self.tensor_view.value = f"<i>grid tensor: {v['entries']:,} entries (heatmap below when it fits)</i>"
        notes = v.get("notes", {})
        latex = (v["latex"] if v.get("latex") else
                 f"<small>symbolic expansion: {_esc(notes.get('latex') or 'not shown')}</small>")
        if self.latex_view.value != latex:  # MathJax typesets again only when the expansion changed
            self.latex_view.value = latex

    @staticmethod
    def _img(svg, note, what, max_width=560):
        if svg is None:
            return f"<small>{what}: {_esc(note or 'not drawn')}</small>"
        return img_tag(svg, max_width)

    def _show_pictures(self, v):
        notes = v.get("notes", {})
        self.matrix_view.value = self._img(v.get("matrix_svg"), notes.get("matrix"), "matricization")
        if v.get("tensor_svg") is not None:
            self.tensor_view.value = self._img(v["tensor_svg"], None, "grid tensor")
        elif v.get("table") is None:
            self.tensor_view.value = self._img(None, notes.get("tensor"), "grid tensor")

    def _show_circuit(self, d):
        self.circuit_view.value = self._img(d["svg"], d["note"], "circuit", max_width=900)

    def _show_badges(self, c, done=None):
        """The badges of choice ``c``: each decided one with its status, the others *computing* (with
        the cancel button) or *cancelled* (with the compute button). ``done``: the badges' job whose
        callback is running (finished)."""
        d = self._current_verdicts(c)
        self.verdicts = d or None
        job = self._jobs.get("verdicts")
        running = job is not None and job is not done and job.running
        pending = "<i class='convac-badge-cancelled'>cancelled</i>" if self._verdicts_cancelled and not running \
            else ("<i class='convac-badge-computing'>computing...</i>" if running else
                  f"<i>not computed{': ' + _esc(self._verdict_error) if self._verdict_error else ''}</i>")
        parts = []
        laws = d.get("laws")
        if laws is None:
            parts.append(f"laws: {pending}")
        elif "error" in laws:
            parts.append(f"laws: {_esc(laws['error'])}")
        else:
            parts.append("laws: " + ", ".join(
                f"{r['statement']['law']} <span class='convac-law'>{_BADGE.get(r['status'], r['status'])}</span>"
                for r in laws["results"]))
        u = d.get("universality")
        head = f"universality ({_esc(c.architecture)}, N={c.N}, M={c.M})"
        if u is None:
            parts.append(f"{head}: {pending}")
        elif "error" in u:
            parts.append(f"universality: {_esc(u['error'])}")
        else:
            ans = {True: "universal", False: "not universal", None: "undecided"}[u["answer"]]
            parts.append(f"{head}: <b class='convac-universality'>{ans}</b> {_BADGE.get(u['status'], u['status'])}")
        dp = d.get("depth")
        if dp is None:
            parts.append(f"depth efficiency (N={c.N}, M={c.M}): {pending}")
        elif "error" in dp:
            parts.append(f"depth efficiency: {_esc(dp['error'])}")
        else:
            wit = (f"witness rank {dp['witness_rank']} &rarr; shallow Z &ge; {dp['Z']}"
                   if dp["witness_status"] == "proved" else "no certified witness")
            box = (f"; box: Z_box = {dp['Z_box']}, rank &le; {dp['box_rank']}" if dp["answer"] == "incomplete" else "")
            parts.append(f"depth efficiency: <b class='convac-depth'>{_esc(dp['answer'])}</b> "
                         f"{_BADGE.get(dp['status'], dp['status'])} (T = {dp['T']}; {wit}{box})")
        self.badges_view.value = "<br>".join(parts)
        missing = len(d) < len(model.VERDICTS)
        self._badges_cancel.layout.display = None if running else "none"
        self._badges_run.layout.display = None if (missing and not running) else "none"

    # ------------------------------------------------------------------ search
    def search(self, bound: str | None = None, budget: int | None = None, seed: int | None = None) -> None:
        """Start ``convac search rank-bound`` for the bound typed in (in the background), over the family of
        the current architecture (:func:`theorems.explore.model.search_family`: the operator, N, M and
        widths of the choice, every weight varied). Offered whatever the weights are: given, constructed
        or symbolic weights are one network (or all of them), and the search looks for another."""
        if bound is not None:
            self._bound.value = _allowed(self._bound, "bound", bound)
        if budget is not None:
            self._budget.value = _allowed(self._budget, "budget", budget)
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or seed < 0):
            raise ConvacError(f"seed={seed!r}: expected an int >= 0")
        self.stop_search()
        c = self.choice
        if c is None or self.refused:
            self._search_out.value = f"<i>nothing to search: {_esc(self.refused or 'no network')}</i>"
            return
        self.search_result = None
        self._progress.max, self._progress.value = self._budget.value, 0
        self._search_btn.disabled, self._stop_btn.disabled, self._load_btn.disabled = True, False, True
        self._search_out.value = f"<i>searching {_esc(model.search_family(c))}...</i>"
        s = c.seed if seed is None else seed
        self._jobs["search"] = Job(model.search_job, (c, self._bound.value, self._budget.value, s), name="search",
                                   nice=5,
                                   on_progress=self._on_search_progress, on_done=self._on_search)

    def stop_search(self) -> None:
        """Stop the running search (its process is killed)."""
        job = self._jobs.pop("search", None)
        if job is not None and job.running:
            job.cancel()
            self._search_out.value = "<i>stopped</i>"
        self._search_btn.disabled, self._stop_btn.disabled = False, True

    def _on_search_progress(self, n):
        if isinstance(n, int):
            self._progress.value = min(n, self._progress.max)

    def _on_search(self, job):
        self._search_btn.disabled, self._stop_btn.disabled = False, True
        if job.state != "done":
            self._search_out.value = f"<span class='convac-refusal'>{_esc(job.result)}</span>"
            return
        r = self.search_result = job.result
        self._progress.value = self._progress.max
        ce = r.get("counterexample")
        if r["status"] == "refuted" and ce:
            self._load_btn.disabled = False
            self._search_out.value = (f"<b class='convac-search-status'>refuted</b>: {_esc(r['conjecture'])} fails "
                                      f"for a network with rank {ce['rank']} &gt; {_esc(ce['bound'])} "
                                      f"(certified; {r['tried']} networks tried, {r['seconds']:.1f} s)"
                                      + (f"<br>{ce['latex']}" if ce.get("latex") else ""))
        else:
            self._search_out.value = (f"<b class='convac-search-status'>inconclusive</b>: {_esc(r['note'])} "
                                      f"({r['tried']} networks tried)")

    def open_counterexample(self) -> None:
        """Show the counterexample the search found in the explorer (its weights become ``given``)."""
        r = self.search_result
        if not r or not r.get("counterexample"):
            return
        spec = r["counterexample"]["spec"]
        self._given = spec
        assert self.choice is not None  # a search ran on the choice in force, and a choice is never unset
        c = model.choice_from_spec(spec, partition=self.choice.partition)
        assert c.widths is not None  # choice_from_spec sets the spec's widths
        with self._held():
            self.controls["weights"].options = list(model.WEIGHTS)
        self.set(architecture=c.architecture, N=c.N, M=c.M, Z=c.widths[0] if c.architecture == "shallow" else c.M,
                 widths=c.widths if c.architecture == "deep" else "", window=c.window, activation=c.activation,
                 pooling=c.pooling, Y=c.Y, output=0, weights="given")

    # ------------------------------------------------------------------ save, wait, what is shown
    def answer(self) -> dict:
        """The answer file of what is shown (``convac recheck`` re-verifies it): the rank's result and
        the badges' kernel-verified results."""
        return model.answer_file(self.views, self.verdicts)

    def save(self, path: str | None = None) -> str:
        """Write :meth:`answer` as JSON to ``path`` (default: the path in the box); returns the path."""
        path = path or self._path.value
        a = self.answer()
        with open(path, "w", encoding="utf-8") as f:
            json.dump(a, f)
        self._save_out.value = (f"saved {len(a['results'])} results to <code>{_esc(path)}</code>; "
                                f"<code>convac recheck {_esc(path)}</code> re-verifies them")
        return path

    def _save_clicked(self):
        try:
            self.save()
        except (ConvacError, OSError) as e:
            self._save_out.value = f"<span class='convac-refusal'>{_esc(e)}</span>"

    def wait(self, timeout: float = 120.0, verdicts: bool = True, search: bool = False) -> bool:
        """Block until the views (and the badges; the search with ``search=True``) are computed. True when
        everything finished within ``timeout`` seconds."""
        import time

        end = time.monotonic() + timeout
        names = ["views", "circuit"] + (["verdicts"] if verdicts else []) + (["search"] if search else [])
        for name in names:
            job = self._jobs.get(name)
            if job is not None and not job.wait(max(0.0, end - time.monotonic())):
                return False
        return True

    def close(self):
        for job in list(self._jobs.values()):
            job.cancel()
        super().close()

    @property
    def shown(self) -> dict:
        """The numbers on screen, as data: rank, lower, upper, exact, bounds, Z (forced), laws, universality,
        depth (each absent until computed), or ``refused`` with the message."""
        if self.refused:
            return {"refused": self.refused}
        out: dict[str, Any] = {}
        if self.views:
            r = self.views["rank"]
            out.update(rank=r["rank"], lower=r["lower"], upper=r["upper"], exact=r["exact"], bounds=dict(r["bounds"]),
                       Z=self.views["shallow_z"]["Z"])
        d = self.verdicts or {}
        if "laws" in d:
            out["laws"] = d["laws"].get("holds", d["laws"].get("error"))
        for name in ("universality", "depth"):
            if name in d:
                out[name] = d[name].get("answer", d[name].get("error"))
        return out

    def pictures(self, format: str = "png") -> list:
        """The pictures shown (circuit, matricization, grid tensor heatmap) as IPython images, for a
        notebook that is read without a running kernel.

        ``format="svg"``: the explorer's own SVG drawings. ``"png"`` (the default; any notebook viewer
        shows it): the same pictures drawn by :mod:`theorems.present.plot` from the same exact data,
        which takes a few seconds at N=8, M=3 in this process (the explorer itself never waits for it).
        """
        if format not in ("png", "svg"):
            raise ConvacError(f"format={format!r}: expected 'png' or 'svg'")
        if format == "svg":
            from IPython.display import SVG

            drawn = self._circuit_cache.get(model.circuit_key(self.choice)) if self.choice else None
            svgs = [(drawn or {}).get("svg")]
            if self.views:
                svgs += [self.views.get("matrix_svg"), self.views.get("tensor_svg")]
            return [SVG(data=x) for x in svgs if x]
        from IPython.display import Image

        if self.choice is None or self.refused or not self.views:
            return []
        return [Image(data=p) for p in model.png_pictures(self.choice, tensor=self.views.get("tensor_svg") is not None,
                                                          matrix=self.views.get("matrix_svg") is not None)]
