"""Do skseq's defaults learn? Every classifier, default parameters, many seeds.

Every classifier of :mod:`skseq.classifiers` is fitted with its **default
parameters, only** ``random_state`` **varied** (``--quick``: ``max_epochs=2``)
on the bundled train/test splits of ``DATASETS`` (seeds 0-4; OSULeaf and
PLAID 0-2), loaded by :func:`skseq.datasets.load_dataset`. Reference:
MiniRocket as sktime's ``RocketClassifier`` builds it (transform,
``StandardScaler(with_mean=False)``, ``RidgeClassifierCV(logspace(-3, 3,
10))``; ``MiniRocketMultivariateVariable`` on the series' true lengths for
unequal-length sets; needs ``numba``, else its rows stay to do). A fit
**failed** when its training accuracy < 0.8 or its test accuracy <= the test
majority rate + 0.1. ``--demo`` runs ``skseq.demo.run_demo(random_state=S)``
for S = 0..9.

Each fit appends one JSON row to ``--out`` (default
``results/quality.jsonl``; quick rows go to ``results/quick/``) keyed by
(model, data set, seed, CPU capability, defaults fingerprint): a restarted run
resumes, shards (``--shard i/n``) share the file, a change of a model's
defaults makes its old rows stale (ignored by the table, and redone). The
table (``.md`` beside the rows; ``--table`` alone rebuilds it) checks the
targets of issue 12. Results and conclusions: ``docs/benchmarks.rst``.

Run from the repository root::

    python benchmarks/bench_quality.py                          # everything (hours)
    python benchmarks/bench_quality.py --shard 1/2 &            # two processes,
    python benchmarks/bench_quality.py --shard 2/2              #  same rows file
    python benchmarks/bench_quality.py --demo                   # the demo, 10 seeds
    ATEN_CPU_CAPABILITY=default python benchmarks/bench_quality.py --models LSTM GRU
    python benchmarks/bench_quality.py --table                  # table from the rows
    python benchmarks/bench_quality.py --list --shard 1/2       # what is left to do
    python benchmarks/bench_quality.py --quick --models CNN --datasets GunPoint
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as _dt
import hashlib
import inspect
import io
import math
import os
import re
import statistics
import sys
import tempfile
import time
import traceback
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import (  # noqa: E402
    HERE,
    Budget,
    Rows,
    environment,
    markdown_table,
    one_thread,
    parse_shard,
    version,
    write_markdown,
)

# data set -> seeds (0..n-1); the long OSULeaf and PLAID get fewer
DATASETS: dict[str, int] = {
    "GunPoint": 5, "ArrowHead": 5, "ItalyPowerDemand": 5, "JapaneseVowels": 5,
    "BasicMotions": 5, "OSULeaf": 3, "PLAID": 3}
DEMO_SEEDS = 10
REFERENCE = "MiniRocket"
DEMO = "demo"
# the order of the issue; a classifier added to skseq.classifiers later is
# picked up too (after these)
MODEL_ORDER = (
    "LSTMClassifier", "GRUClassifier", "AttentionLSTMClassifier",
    "TransformerClassifier", "CNNClassifier", "FCNClassifier", "ResNetClassifier",
    "InceptionTimeClassifier", "LSTMFCNClassifier", "CNNLSTMClassifier")
# --quick is the one place a parameter is overridden
QUICK_PARAMS = {"max_epochs": 2}

# failed fit; targets of issue 12
TRAIN_FLOOR = 0.8
CHANCE_MARGIN = 0.1
REFERENCE_MARGIN = 0.02
RNN_GUNPOINT = ("LSTMClassifier", "GRUClassifier")
RNN_GUNPOINT_TARGET = 0.95
DEMO_TARGET = 0.95

DEFAULT_OUT = HERE / "results" / "quality.jsonl"
QUICK_OUT = HERE / "results" / "quick" / "quality.jsonl"


# ------------------------------------------------------------------ models
@cache
def classifiers() -> dict[str, type]:
    """Every public classifier of ``skseq.classifiers``, by class name."""
    import skseq.classifiers as C

    found = {
        name: obj
        for name in C.__all__
        if isinstance(obj := getattr(C, name), type)
        and issubclass(obj, C.BaseSequenceClassifier)
        and obj is not C.BaseSequenceClassifier
    }
    order = [n for n in MODEL_ORDER if n in found]
    return {n: found[n] for n in order + sorted(set(found) - set(order))}


def resolve_models(names: Sequence[str]) -> list[str]:
    """Class names (or ``MiniRocket``) from names like ``LSTM``/``lstmclassifier``."""
    known = {**{n.lower(): n for n in classifiers()}, REFERENCE.lower(): REFERENCE}
    known.update({n.lower().removesuffix("classifier"): n for n in classifiers()})
    out = []
    for name in names:
        key = name.lower().replace("-", "")
        if key not in known:
            raise SystemExit(
                f"Unknown model {name!r}; choose from {[*classifiers(), REFERENCE]}."
            )
        out.append(known[key])
    return list(dict.fromkeys(out))


def _stable(value: Any) -> str:
    """A repr of a parameter value that is the same in every process."""
    if isinstance(value, type) or (
        callable(value)
        and hasattr(value, "__qualname__")
        and not hasattr(value, "get_params")
    ):
        return f"{getattr(value, '__module__', '')}.{value.__qualname__}"
    if hasattr(value, "get_params"):
        return f"{type(value).__qualname__}({_stable(value.get_params(deep=False))})"
    if isinstance(value, dict):
        items = sorted(value.items(), key=lambda kv: str(kv[0]))
        return "{" + ", ".join(f"{k!r}: {_stable(v)}" for k, v in items) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_stable(v) for v in value) + "]"
    return re.sub(r" at 0x[0-9a-fA-F]+", "", repr(value))


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()[:12]


@cache
def defaults_fingerprint(model: str, dataset: str | None = None) -> str:
    """A short hash of a model's default parameters (``random_state`` left out).

    Rows keep it so that rows fitted under other defaults are neither taken
    as done on resume nor mixed into the table. ``input_scaling`` enters as
    what it resolves to on ``dataset``'s training panel: nothing when it
    resolves to None (the network sees the panel as before the parameter
    existed, so those rows stay current), ``+series`` appended otherwise.
    """
    if model == REFERENCE:
        return _digest(f"{REFERENCE_RECIPE}|sktime {version('sktime')}")
    if model == DEMO:
        from skseq import demo

        params = dict(inspect.signature(demo.run_demo).parameters)
        defaults = {k: p.default for k, p in params.items()}
        clf = defaults_fingerprint(demo.MODELS[defaults["model"]])
        return _digest(_stable({**defaults, "classifier": clf}))
    params = classifiers()[model]().get_params(deep=False)
    params.pop("random_state", None)
    scaling = params.pop("input_scaling", None)
    base = _digest(_stable(params))
    if scaling == "auto":
        scaling = None if dataset is None else auto_scaling(dataset)
    return base if scaling is None else f"{base}+{scaling}"


@cache
def auto_scaling(dataset: str) -> str | None:
    """What ``input_scaling="auto"`` resolves to on ``dataset``'s training panel."""
    from skseq.nn._scaling import resolve_input_scaling

    return resolve_input_scaling("auto", get_split(dataset).X_train)


# ------------------------------------------------------------------- data
@dataclass
class Split:
    """A data set's train/test split as skseq loads it (NaN-padded panels)."""

    name: str
    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    lengths_train: np.ndarray
    lengths_test: np.ndarray

    @property
    def equal_length(self) -> bool:
        lengths = np.concatenate([self.lengths_train, self.lengths_test])
        return bool(lengths.min() == lengths.max() == self.X_train.shape[2])

    @property
    def majority_rate(self) -> float:
        """Share of the test set's most frequent class (a constant guess)."""
        return float(np.unique(self.y_test, return_counts=True)[1].max()) / len(
            self.y_test
        )


@cache
def get_split(name: str) -> Split:
    from skseq.datasets import load_dataset
    from skseq.utils.validation import check_panel

    X_tr, y_tr = load_dataset(name, split="train")
    X_te, y_te = load_dataset(name, split="test")
    _, len_tr = check_panel(X_tr, return_lengths=True)
    _, len_te = check_panel(X_te, return_lengths=True)
    return Split(name, X_tr, y_tr, X_te, y_te, np.asarray(len_tr), np.asarray(len_te))


# ------------------------------------------------------------------- fits
def accuracy_and_macro_f1(y_true, y_pred) -> tuple[float, float]:
    from sklearn.metrics import accuracy_score, f1_score

    return float(accuracy_score(y_true, y_pred)), float(
        f1_score(y_true, y_pred, average="macro")
    )


def is_failed(
    train_accuracy: float | None, test_accuracy: float | None, majority: float
) -> bool:
    """Training accuracy < 0.8, or test accuracy within 0.1 of the majority rate."""
    if test_accuracy is None or not math.isfinite(test_accuracy):
        return True
    if train_accuracy is not None and train_accuracy < TRAIN_FLOOR:
        return True
    return round(test_accuracy - majority, 9) <= CHANCE_MARGIN


@contextlib.contextmanager
def recorded_warnings(into: list[str]) -> Iterator[None]:
    """Collect the (non-deprecation) warnings raised inside, one line each."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    skip = (DeprecationWarning, PendingDeprecationWarning, FutureWarning)
    for w in caught:
        if issubclass(w.category, skip):
            continue
        text = f"{w.category.__name__}: {str(w.message).splitlines()[0][:300]}"
        if text not in into and len(into) < 5:
            into.append(text)


def fit_classifier(model: str, data: Split, seed: int, quick: bool) -> dict:
    """Fit one skseq classifier with its defaults (``random_state=seed``)."""
    clf = classifiers()[model](random_state=seed)
    if quick:
        clf.set_params(**QUICK_PARAMS)
    caught: list[str] = []
    with recorded_warnings(caught):
        start = time.perf_counter()
        clf.fit(data.X_train, data.y_train)
        seconds = time.perf_counter() - start
        train_pred = clf.predict(data.X_train)
        test_pred = clf.predict(data.X_test)
    losses = [float(h["train_loss"]) for h in clf.history if "train_loss" in h]
    return {
        "y_train_pred": train_pred, "y_test_pred": test_pred, "fit_seconds": seconds,
        "epochs": len(clf.history), "final_train_loss": losses[-1] if losses else None,
        "min_train_loss": min(losses) if losses else None, "warnings": caught,
        "device": str(clf.device)}


REFERENCE_RECIPE = (
    "MiniRocket / MiniRocketMultivariate / MiniRocketMultivariateVariable("
    "pad_value_short_series=0.0), defaults + random_state; "
    "StandardScaler(with_mean=False); RidgeClassifierCV(np.logspace(-3, 3, 10))"
)
_warm: set[str] = set()


def minirocket_for(data: Split, seed: int):
    """sktime's MiniRocket variant for this data, and its input maker."""
    import pandas as pd
    from sktime.transformations.rocket import (
        MiniRocket,
        MiniRocketMultivariate,
        MiniRocketMultivariateVariable,
    )

    if not data.equal_length:
        # the series at their true lengths (sktime's "df-list"): no padding as data
        def as_input(X, lengths):
            return [pd.DataFrame(X[i, :, :n].T) for i, n in enumerate(lengths)]

        trf = MiniRocketMultivariateVariable(
            pad_value_short_series=0.0, random_state=seed
        )
        return trf, as_input
    cls = MiniRocket if data.X_train.shape[1] == 1 else MiniRocketMultivariate
    return cls(random_state=seed), lambda X, lengths: X.astype(np.float64)


def fit_minirocket(data: Split, seed: int) -> dict:
    """MiniRocket + standardisation + ridge, as sktime's RocketClassifier.

    Nothing is overridden, not even with ``--quick`` (a fit takes seconds).
    """
    from sklearn.base import clone
    from sklearn.linear_model import RidgeClassifierCV
    from sklearn.preprocessing import StandardScaler

    trf, as_input = minirocket_for(data, seed)
    X_tr = as_input(data.X_train, data.lengths_train)
    X_te = as_input(data.X_test, data.lengths_test)
    kind = type(trf).__name__
    if kind not in _warm:  # numba compiles on first use: not fit time
        few = min(10, len(data.y_train))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            clone(trf).fit(X_tr[:few]).transform(X_tr[:few])
        _warm.add(kind)
    caught: list[str] = []
    with recorded_warnings(caught):
        start = time.perf_counter()
        features = np.asarray(trf.fit_transform(X_tr))
        scaler = StandardScaler(with_mean=False)
        ridge = RidgeClassifierCV(alphas=np.logspace(-3, 3, 10))
        ridge.fit(scaler.fit_transform(features), data.y_train)
        seconds = time.perf_counter() - start
        train_pred = ridge.predict(scaler.transform(features))
        test_pred = ridge.predict(scaler.transform(np.asarray(trf.transform(X_te))))
    return {
        "y_train_pred": train_pred, "y_test_pred": test_pred, "fit_seconds": seconds,
        "epochs": None, "final_train_loss": None, "min_train_loss": None,
        "warnings": caught, "transformer": kind, "ridge_alpha": float(ridge.alpha_)}


def demo_dataset() -> str:
    """The data set ``python -m skseq.demo`` trains on by default."""
    from skseq.demo import run_demo

    return inspect.signature(run_demo).parameters["dataset"].default


def fit_demo(seed: int, quick: bool) -> dict:
    """``skseq.demo.run_demo(random_state=seed)`` with its defaults, quietly."""
    from skseq.demo import run_demo

    caught: list[str] = []
    kwargs = dict(QUICK_PARAMS) if quick else {}
    with tempfile.TemporaryDirectory() as tmp, recorded_warnings(caught):
        with contextlib.redirect_stdout(io.StringIO()):
            scores = run_demo(
                random_state=seed, output=os.path.join(tmp, "demo.png"), **kwargs
            )
    return {
        "test_accuracy": float(scores["accuracy"]),
        "test_macro_f1": float(scores["macro_f1"]),
        "fit_seconds": float(scores["fit_seconds"]), "warnings": caught}


@dataclass(frozen=True)
class Job:
    model: str
    dataset: str
    seed: int


def run_job(job: Job, quick: bool) -> dict:
    """Fit one job and return its row (an ``error`` row if the fit raised)."""
    row: dict[str, Any] = {"model": job.model, "dataset": job.dataset}
    row |= {"seed": job.seed, "quick": quick}
    row["defaults"] = defaults_fingerprint(job.model, job.dataset)
    try:
        if job.model == DEMO:
            result = fit_demo(job.seed, quick)
            data = get_split(job.dataset)
            row |= {"train_accuracy": None} | result
        else:
            data = get_split(job.dataset)
            if job.model == REFERENCE:
                result = fit_minirocket(data, job.seed)
            else:
                result = fit_classifier(job.model, data, job.seed, quick)
            train_acc, _ = accuracy_and_macro_f1(data.y_train, result["y_train_pred"])
            test_acc, test_f1 = accuracy_and_macro_f1(
                data.y_test, result.pop("y_test_pred")
            )
            result.pop("y_train_pred")
            row |= {"train_accuracy": train_acc, "test_accuracy": test_acc}
            row |= {"test_macro_f1": test_f1} | result
        row["test_majority_rate"] = data.majority_rate
        row["failed"] = is_failed(
            row["train_accuracy"], row["test_accuracy"], data.majority_rate
        )
        row["error"] = None
    except Exception as exc:  # recorded, retried by the next run
        row |= {"failed": True, "error": f"{type(exc).__name__}: {exc}"[:500]}
        row["traceback"] = traceback.format_exc()[-2000:]
    row |= environment()
    row["date"] = _dt.datetime.now().isoformat(timespec="seconds")
    return row




# ------------------------------------------------------------------- rows
def append_row(path: Path, row: dict) -> None:
    Rows(path, "quality").append(row)


def read_rows(path: Path, log: Callable[..., None] = print) -> list[dict]:
    return Rows(path, "quality").read(log=log)


def row_key(row: dict) -> tuple:
    """What resume compares: model, data set, seed, CPU capability, defaults."""
    return (
        row["model"], row["dataset"], int(row["seed"]), row.get("cpu_capability"),
        row.get("defaults"))


def check_mode(rows: Iterable[dict], quick: bool, path: Path) -> None:
    """Quick rows and real rows never share a file."""
    other = [r for r in rows if bool(r.get("quick")) != quick]
    if other:
        kind = "real" if quick else "--quick"
        raise SystemExit(
            f"{path} holds {len(other)} {kind} row(s); "
            f"{'quick' if quick else 'real'} rows go to another file (--out)."
        )


# ------------------------------------------------------------------- plan
def plan(
    models: Sequence[str], datasets: Sequence[str], seeds: int | None, demo: bool,
) -> list[Job]:
    """The jobs, ordered seed, data set, model (so shards get a mix)."""
    if demo:
        return [Job(DEMO, demo_dataset(), s) for s in range(seeds or DEMO_SEEDS)]
    n_max = max(seeds or DATASETS.get(d, 5) for d in datasets)
    return [
        Job(m, d, s)
        for s in range(n_max)
        for d in datasets
        if s < (seeds or DATASETS.get(d, 5))
        for m in models
    ]


def planned_seeds(dataset: str, seeds: int | None) -> int:
    return seeds or DATASETS.get(dataset, 5)


# ------------------------------------------------------------------ table
def _mean(values: Sequence[float]) -> float:
    return statistics.fmean(values) if values else math.nan


def _f(value: float | None, digits: int = 3) -> str:
    if value is None or not math.isfinite(value):
        return "–"
    return f"{value:.{digits}f}"


def _signed(value: float) -> str:
    return f"{value:+.3f}".replace("-", "−")


def current_rows(rows: Sequence[dict]) -> tuple[list[dict], list[dict]]:
    """The rows that count, and the rows of superseded defaults.

    Per model and CPU capability the defaults fingerprint of the *last* row in
    the file is current (its part before any ``+``; rows must also carry the
    ``+scaling`` suffix that ``input_scaling`` resolves to on their data set
    today); per job the first successful row counts (the last
    error row where every try failed).
    """
    def base(r: dict) -> str:
        return str(r.get("defaults")).split("+")[0]

    def suffix(r: dict) -> str:
        # what the current input_scaling default resolves to on the row's data
        if r["model"] not in classifiers():
            return ""
        scaling = classifiers()[r["model"]]().get_params().get("input_scaling")
        if scaling == "auto":
            scaling = auto_scaling(r["dataset"])
        return "" if scaling is None else f"+{scaling}"

    latest = {(r["model"], r.get("cpu_capability")): base(r) for r in rows}
    chosen: dict[tuple, dict] = {}
    stale = []
    for r in rows:
        expected = latest[(r["model"], r.get("cpu_capability"))] + suffix(r)
        if r.get("defaults") != expected:
            stale.append(r)
            continue
        key = row_key(r)
        if key not in chosen or (chosen[key].get("error") and not r.get("error")):
            chosen[key] = r
    return list(chosen.values()), stale


@dataclass
class Cell:
    """The fits of one model on one data set."""

    rows: list[dict]
    planned: int

    def values(self, key: str) -> list[float]:
        return [float(r[key]) for r in self.rows
                if r.get(key) is not None and not r.get("error")]

    @property
    def accuracy(self) -> float:
        return _mean(self.values("test_accuracy"))

    @property
    def failed(self) -> int:
        return sum(bool(r.get("failed")) for r in self.rows)

    @property
    def errors(self) -> int:
        return sum(bool(r.get("error")) for r in self.rows)

    @property
    def complete(self) -> bool:
        return len(self.rows) >= self.planned


def _cells(rows: Sequence[dict], datasets: Sequence[str], models: Sequence[str],
           seeds) -> dict[tuple[str, str], Cell]:
    cells = {(d, m): Cell([], planned_seeds(d, seeds))
             for d in datasets for m in models}
    for r in rows:
        cell = Cell([], planned_seeds(r["dataset"], seeds))
        cells.setdefault((r["dataset"], r["model"]), cell).rows.append(r)
    return cells


def _targets(
    cells: dict[tuple[str, str], Cell], datasets: Sequence[str], models: Sequence[str],
    demo: Cell | None) -> tuple[list[list[str]], list[list[str]]]:
    """The targets table and the per-data-set comparison with MiniRocket."""
    skseq_cells = {k: c for k, c in cells.items() if k[1] not in (REFERENCE, DEMO)}
    done = sum(len(c.rows) for c in skseq_cells.values())
    planned = sum(c.planned for c in skseq_cells.values())
    partial = "" if done >= planned else f" (so far: {done} of {planned} fits)"
    targets, per_dataset = [], []

    failed = {k: c.failed for k, c in skseq_cells.items() if c.failed}
    if failed:
        detail = "; ".join(
            f"{m} on {d}: {n}/{len(c.rows)}"
            + (f" ({c.errors} raised)" if c.errors else "")
            for (d, m), n in failed.items() for c in [skseq_cells[(d, m)]])
        result = f"**missed** by {sum(failed.values())} failed fit(s)"
    else:
        result, detail = ("met" if done else "no fits yet"), f"{done} fits"
    targets.append(["zero failed fits (skseq defaults)", result + partial, detail])

    misses = []
    for d in datasets:
        ref = cells.get((d, REFERENCE))
        ref_acc = ref.accuracy if ref else math.nan
        ranked = [(c.accuracy, m) for (dd, m), c in skseq_cells.items()
                  if dd == d and math.isfinite(c.accuracy)]
        best_acc, best = max(ranked) if ranked else (math.nan, "–")
        if not math.isfinite(best_acc) or not math.isfinite(ref_acc):
            verdict = "no MiniRocket rows" if ranked else "no skseq rows"
            diff = "–"
        else:
            diff = _signed(best_acc - ref_acc)
            short = round(ref_acc - REFERENCE_MARGIN - best_acc, 9)
            verdict = "yes" if short <= 0 else f"**missed** by {short:.3f}"
            if short > 0:
                misses.append(f"{d} by {short:.3f}")
        per_dataset.append([d, best, _f(best_acc), _f(ref_acc), diff, verdict])
    compared = sum(1 for row in per_dataset if row[4] != "–")
    result = (f"**missed** on {len(misses)} of {compared} data set(s)" if misses
              else ("met" if compared else "no comparison yet"))
    targets.append([
        f"best default within {REFERENCE_MARGIN} of MiniRocket's mean accuracy",
        result + partial, "; ".join(misses) or f"{compared} data set(s) compared"])

    for m in models:
        if m not in RNN_GUNPOINT or "GunPoint" not in datasets:
            continue
        cell = cells.get(("GunPoint", m))
        acc = cell.accuracy if cell else math.nan
        name = f"{m} mean ≥ {RNN_GUNPOINT_TARGET} on GunPoint"
        if not math.isfinite(acc):
            targets.append([name, "no fits yet", "–"])
            continue
        short = round(RNN_GUNPOINT_TARGET - acc, 9)
        result = "met" if short <= 0 else f"**missed** by {short:.3f}"
        note = "" if cell.complete else f" (so far: {len(cell.rows)}/{cell.planned})"
        targets.append([name, result + note, f"mean {acc:.3f} over {len(cell.rows)}"])

    if demo is not None and demo.rows:
        accs = demo.values("test_accuracy")
        below = [a for a in accs if a < DEMO_TARGET]
        low = min(accs) if accs else math.nan
        result = "met" if not (below or demo.errors) else (
            f"**missed** on {len(below)} seed(s), worst by {DEMO_TARGET - low:.3f}")
        note = "" if demo.complete else f" (so far: {len(demo.rows)}/{demo.planned})"
        targets.append([f"demo ≥ {DEMO_TARGET} on every seed", result + note,
                        f"min {_f(low)}, mean {_f(_mean(accs))} over "
                        f"{len(accs)} seed(s)"])
    return targets, per_dataset


def render_capability(
    rows: Sequence[dict], datasets: Sequence[str], models: Sequence[str],
    seeds: int | None, demo_seeds: int | None, prefix: str = "") -> list[str]:
    """The sections of the table for the rows of one CPU capability."""
    fits = [r for r in rows if r["model"] != DEMO]
    demo_rows = [r for r in rows if r["model"] == DEMO]
    row_models = list(dict.fromkeys(r["model"] for r in fits))
    all_models = list(dict.fromkeys([*models, *row_models]))
    # MiniRocket last: it is the reference, not a contender
    all_models = [m for m in all_models if m != REFERENCE] + (
        [REFERENCE] if REFERENCE in all_models else [])
    all_datasets = list(dict.fromkeys([*datasets, *(r["dataset"] for r in fits)]))
    cells = _cells(fits, all_datasets, all_models, seeds)
    demo = Cell(demo_rows, demo_seeds or DEMO_SEEDS) if demo_rows else None
    targets, per_dataset = _targets(cells, all_datasets, all_models, demo)

    out = [f"## {prefix}Targets", "",
           markdown_table(["target", "result", "detail"], targets), "",
           f"## {prefix}Per data set: best skseq default vs MiniRocket", "",
           markdown_table(["data set", "best skseq default", "its mean acc",
                           "MiniRocket mean acc", "difference",
                           f"within {REFERENCE_MARGIN}"], per_dataset),
           "", f"## {prefix}Per model and data set", ""]
    table = []
    for d in all_datasets:
        ref = cells.get((d, REFERENCE))
        ref_acc = _f(ref.accuracy) if ref else "–"
        for m in all_models:
            c = cells[(d, m)]
            acc, f1 = c.values("test_accuracy"), c.values("test_macro_f1")
            failed = str(c.failed) + (f" ({c.errors} raised)" if c.errors else "")
            table.append([d, m, f"{len(c.rows)}/{c.planned}", *_acc_f1(acc, f1),
                          _f(_mean(c.values("fit_seconds")), 1),
                          _f(_mean(c.values("epochs")), 0), failed if c.rows else "–",
                          ref_acc])
    out.append(markdown_table(
        ["data set", "model", "fits", "acc min", "acc mean", "macro-F1 min",
         "macro-F1 mean", "fit s (mean)", "epochs (mean)", "failed", "MiniRocket acc"],
        table))
    if demo is not None:
        acc, f1 = demo.values("test_accuracy"), demo.values("test_macro_f1")
        out += ["", f"## {prefix}Demo: `python -m skseq.demo --random-state S`", "",
                markdown_table(
                    ["seeds", "acc min", "acc mean", "macro-F1 min", "macro-F1 mean",
                     "fit s (mean)", f"seeds < {DEMO_TARGET}", "failed"],
                    [[f"{len(demo.rows)}/{demo.planned}", *_acc_f1(acc, f1),
                      _f(_mean(demo.values("fit_seconds")), 1),
                      str(sum(a < DEMO_TARGET for a in acc)), str(demo.failed)]])]
    return out


def _acc_f1(acc: list[float], f1: list[float]) -> list[str]:
    """min and mean test accuracy, then macro-F1."""
    return [_f(min(acc)) if acc else "–", _f(_mean(acc)),
            _f(min(f1)) if f1 else "–", _f(_mean(f1))]


def render(
    rows: Sequence[dict], source: str, datasets: Sequence[str] = tuple(DATASETS),
    models: Sequence[str] | None = None, seeds: int | None = None,
    demo_seeds: int | None = None, command: str | None = None) -> str:
    """The Markdown table of a rows file's rows."""
    if models is None:
        models = [*classifiers(), REFERENCE]
    rows, stale = current_rows(rows)
    capabilities = sorted({str(r.get("cpu_capability")) for r in rows}) or ["–"]
    quick = any(r.get("quick") for r in rows)

    def distinct(key: str, missing: str = "–") -> str:
        values = {missing if r.get(key) is None else str(r[key]) for r in rows}
        return ", ".join(sorted(values)) or "–"

    lines = [
        "# Quality of skseq's defaults" + (" (quick smoke run)" if quick else ""),
        "",
        f"- date: table written {_dt.datetime.now().isoformat(timespec='seconds')} "
        f"from `{source}` ({len(rows)} fits; rows dated "
        f"{min((r.get('date', '') for r in rows), default='–')} to "
        f"{max((r.get('date', '') for r in rows), default='–')})",
        f"- machine: {distinct('cpu_model')}; torch CPU capability "
        f"{distinct('cpu_capability')} (ATEN_CPU_CAPABILITY "
        f"{distinct('aten_cpu_capability', 'unset')}); one torch thread per process",
        f"- versions: skseq {distinct('skseq_version')} (commit "
        f"{distinct('commit')}), torch {distinct('torch_version')}, "
        f"sktime {distinct('sktime_version')}",
        "- command: " + (command or "python benchmarks/bench_quality.py --table"),
        "- every skseq classifier with its **default parameters**, only "
        "`random_state` varied"
        + (f" ({QUICK_PARAMS} in this quick run)" if quick else "")
        + "; reference: MiniRocket + StandardScaler(with_mean=False) + "
        "RidgeClassifierCV(alphas=logspace(-3, 3, 10)), its random_state varied "
        "(MiniRocketMultivariateVariable on the unequal-length sets)",
        f"- a fit **failed** when its training accuracy < {TRAIN_FLOOR} or its "
        f"test accuracy ≤ the test set's majority-class rate + {CHANCE_MARGIN}",
    ]
    if stale:
        lines.append(f"- {len(stale)} row(s) fitted under earlier defaults ignored "
                     f"({', '.join(sorted({r['model'] for r in stale}))})")
    for cap in capabilities:
        these = [r for r in rows if str(r.get("cpu_capability")) == cap]
        prefix = f"[{cap}] " if len(capabilities) > 1 else ""
        lines += ["", *render_capability(these, datasets, models, seeds, demo_seeds,
                                         prefix)]
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------- main
def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument(
        "--models", nargs="+", default=None,
        help="classifiers (LSTM or LSTMClassifier) and/or MiniRocket (default: all)")
    p.add_argument(
        "--datasets", nargs="+", default=list(DATASETS), choices=list(DATASETS)
    )
    p.add_argument(
        "--seeds",
        type=int,
        default=None,
        help="seeds 0..N-1 on every data set (default 5, 3 on OSULeaf and PLAID; "
        "10 with --demo; 1 with --quick)",
    )
    p.add_argument(
        "--out",
        default=None,
        help="rows file (.jsonl; the table goes beside it as .md; a .md path "
        "names the table and the rows go beside it). Default "
        "benchmarks/results/quality.jsonl, results/quick/ with --quick",
    )
    p.add_argument("--table", action="store_true", help="only rebuild the table")
    p.add_argument("--demo", action="store_true", help="the demo's seeds instead")
    p.add_argument(
        "--quick", action="store_true",
        help=f"smoke run: {QUICK_PARAMS}, one seed, rows in results/quick/")
    p.add_argument("--shard", default=None, metavar="I/N", help="every N-th job")
    p.add_argument(
        "--budget", type=float, default=None, metavar="SECONDS",
        help="start no fit after this many seconds (the rest: next run)")
    p.add_argument("--list", action="store_true", help="print the jobs left; run none")
    return p.parse_args(argv)


def paths(out: str | None, quick: bool) -> tuple[Path, Path]:
    """(rows file, table file) from ``--out``."""
    path = Path(out) if out else (QUICK_OUT if quick else DEFAULT_OUT)
    if path.suffix == ".md":
        return path.with_suffix(".jsonl"), path
    return path, path.with_suffix(".md")


def main(argv: Sequence[str] | None = None, log=print) -> dict[str, Any]:
    """Run (or resume) the jobs of this shard, then write the table."""
    args = parse_args(argv)
    rows_path, table_path = paths(args.out, args.quick)
    models = resolve_models(args.models) if args.models else [*classifiers(), REFERENCE]
    # seeds of the model fits and of the demo (None: the plan's defaults)
    seeds = (None if args.demo else args.seeds) or (1 if args.quick else None)
    demo_seeds = (args.seeds if args.demo else None) or (1 if args.quick else None)
    shard, n_shards = parse_shard(args.shard)
    command = "python benchmarks/bench_quality.py " + " ".join(
        argv if argv is not None else sys.argv[1:]
    )
    new_rows: list[dict] = []
    if not args.table:
        existing = read_rows(rows_path, log=log)
        check_mode(existing, args.quick, rows_path)
        with one_thread():
            new_rows = run_jobs(
                args, models, demo_seeds if args.demo else seeds, (shard, n_shards),
                existing, rows_path, log)
    rows = read_rows(rows_path, log=log)
    if args.list:
        return {"rows": new_rows, "path": rows_path}
    markdown = render(
        rows, source=rows_path.name, datasets=args.datasets, models=models, seeds=seeds,
        demo_seeds=demo_seeds, command=command.strip())
    write_markdown(table_path, markdown)
    log(markdown)
    log(f"[quality] rows in {rows_path}, table written to {table_path}")
    return {"rows": new_rows, "path": rows_path, "table": table_path}


def run_jobs(
    args: argparse.Namespace, models: Sequence[str], seeds: int | None,
    shards: tuple[int, int], existing: Sequence[dict], rows_path: Path,
    log: Callable[..., None]) -> list[dict]:
    """Fit the jobs of this shard that the rows file does not hold yet."""
    shard, n_shards = shards
    capability = environment()["cpu_capability"]
    jobs = plan(models, args.datasets, seeds, args.demo)[shard::n_shards]
    done = {row_key(r) for r in existing if not r.get("error")}

    def key(job: Job) -> tuple:
        return (
            job.model, job.dataset, job.seed, capability,
            defaults_fingerprint(job.model, job.dataset))

    todo = [j for j in jobs if key(j) not in done]
    log(
        f"[quality] shard {shard + 1}/{n_shards}: {len(jobs)} jobs, "
        f"{len(jobs) - len(todo)} already in {rows_path}, "
        f"{len(todo)} to do (capability {capability})"
    )
    if args.list:
        for j in todo:
            log(f"  {j.model} {j.dataset} seed {j.seed}")
        return []
    if REFERENCE in models and not args.demo and not _has_numba():
        log(
            "[quality] MiniRocket skipped: sktime's MiniRocket needs numba "
            "(pip install numba); its rows stay to do"
        )
        todo = [j for j in todo if j.model != REFERENCE]
    budget, new_rows = Budget(args.budget), []
    for i, job in enumerate(todo, 1):
        if budget.spent:
            left = len(todo) - i + 1
            log(f"[quality] budget of {args.budget:.0f} s spent; {left} jobs left")
            break
        row = run_job(job, args.quick)
        append_row(rows_path, row)
        new_rows.append(row)
        status = (
            f"ERROR {row['error']}"
            if row.get("error")
            else (
                f"test {row['test_accuracy']:.3f}, train "
                f"{_f(row['train_accuracy'])}, {row['fit_seconds']:.1f} s, "
                f"{row.get('epochs') or '–'} epochs"
                + (" FAILED" if row["failed"] else "")
            )
        )
        what = f"{job.model} {job.dataset} seed {job.seed}"
        log(f"[quality] {i}/{len(todo)} {what}: {status}")
    return new_rows


def _has_numba() -> bool:
    import importlib.util

    return importlib.util.find_spec("numba") is not None


if __name__ == "__main__":
    main()
