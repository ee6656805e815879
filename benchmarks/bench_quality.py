"""Do skseq's defaults learn? Every classifier, default parameters, many seeds.

Each classifier of ``skseq.classifiers`` is fitted with its defaults, only
``random_state`` varied (``--quick``: ``max_epochs=2``), on the bundled splits
of ``DATASETS``; MiniRocket as sktime's ``RocketClassifier`` builds it is the
reference; ``--demo`` runs ``skseq.demo.run_demo`` over seeds. Each fit
appends a JSON row to ``--out`` (``results/quality.jsonl``; the table goes
beside it as ``.md``) keyed by (model, data set, seed, CPU capability,
defaults fingerprint): reruns resume, shards share the file, rows of changed
defaults are redone. Method and results: ``docs/benchmarks.rst``. ::

    python benchmarks/bench_quality.py                     # everything (hours)
    python benchmarks/bench_quality.py --shard 1/2         # one of two processes
    python benchmarks/bench_quality.py --demo              # the demo, 10 seeds
    python benchmarks/bench_quality.py --table             # table from the rows
    python benchmarks/bench_quality.py --list --shard 1/2  # what is left to do
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
import re
import statistics
import sys
import tempfile
import time
import traceback
import warnings
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _harness as H  # noqa: E402

# data set -> seeds (0..n-1); the long OSULeaf and PLAID get fewer
DATASETS = dict.fromkeys(
    "GunPoint ArrowHead ItalyPowerDemand JapaneseVowels".split(), 5
)
DATASETS |= {"BasicMotions": 5, "OSULeaf": 3, "PLAID": 3}
DEMO_SEEDS, REFERENCE, DEMO = 10, "MiniRocket", "demo"
# the order; classifiers added to skseq later come after these
MODEL_ORDER = [
    f"{m}Classifier"
    for m in "LSTM GRU AttentionLSTM Transformer CNN FCN ResNet InceptionTime "
    "LSTMFCN CNNLSTM".split()
]
QUICK_PARAMS = {"max_epochs": 2}  # --quick is the one place a parameter changes
# a failed fit; the targets of issue 12
TRAIN_FLOOR, CHANCE_MARGIN, REFERENCE_MARGIN = 0.8, 0.1, 0.02
RNN_GUNPOINT, RNN_GUNPOINT_TARGET = ("LSTMClassifier", "GRUClassifier"), 0.95
DEMO_TARGET = 0.95
REFERENCE_RECIPE = (
    "MiniRocket / MiniRocketMultivariate / MiniRocketMultivariateVariable("
    "pad_value_short_series=0.0), defaults + random_state; "
    "StandardScaler(with_mean=False); RidgeClassifierCV(np.logspace(-3, 3, 10))"
)


# ------------------------------------------------------------------ models
@cache
def classifiers() -> dict[str, type]:
    """Every public classifier of ``skseq.classifiers``, by class name."""
    from skseq.classifiers import BaseSequenceClassifier as Base
    from skseq.utils.discovery import all_estimators

    found = {n: c for n, c in all_estimators() if issubclass(c, Base)}
    order = [n for n in MODEL_ORDER if n in found] + sorted(set(found) - {*MODEL_ORDER})
    return {n: found[n] for n in order}


def resolve_models(names: list[str]) -> list[str]:
    """Class names (or ``MiniRocket``) from names like ``LSTM``/``lstmclassifier``."""
    known = {n.lower().removesuffix("classifier"): n for n in [*classifiers()]}
    known |= {n.lower(): n for n in [*classifiers(), REFERENCE]}
    out = [known.get(n.lower().replace("-", "")) for n in names]
    if None in out:
        raise SystemExit(f"Unknown model in {names}; choose from {[*known.values()]}.")
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
    """A short hash of a model's defaults (``random_state`` left out).

    ``input_scaling`` enters as what it resolves to on ``dataset``'s training
    panel: nothing when None (rows from before the parameter stay current),
    ``+series`` appended otherwise.
    """
    if model == REFERENCE:
        return _digest(f"{REFERENCE_RECIPE}|sktime {H.version('sktime')}")
    if model == DEMO:
        from skseq import demo

        params = inspect.signature(demo.run_demo).parameters
        defaults = {k: p.default for k, p in params.items()}
        clf = defaults_fingerprint(demo.MODELS[defaults["model"]])
        return _digest(_stable({**defaults, "classifier": clf}))
    params = classifiers()[model]().get_params(deep=False)
    params.pop("random_state", None)
    scaling = params.pop("input_scaling", None)
    if scaling == "auto":
        scaling = None if dataset is None else auto_scaling(dataset)
    base = _digest(_stable(params))
    return base if scaling is None else f"{base}+{scaling}"


@cache
def auto_scaling(dataset: str) -> str | None:
    """What ``input_scaling="auto"`` resolves to on ``dataset``'s training panel."""
    from skseq.nn._scaling import resolve_input_scaling

    return resolve_input_scaling("auto", get_split(dataset).X_train)


# ------------------------------------------------------------------- data
Split = H.Data  # a data set's train/test split as skseq loads it
get_split = cache(H.load)


# ------------------------------------------------------------------- fits
def is_failed(train_acc: float | None, test_acc: float | None, majority: float) -> bool:
    """Training accuracy < 0.8, or test accuracy within 0.1 of the majority rate."""
    if test_acc is None or not math.isfinite(test_acc):
        return True
    if train_acc is not None and train_acc < TRAIN_FLOOR:
        return True
    return round(test_acc - majority, 9) <= CHANCE_MARGIN


@contextlib.contextmanager
def recorded_warnings(into: list[str]):
    """Collect the (non-deprecation) warnings raised inside, one line each."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    skip = (DeprecationWarning, PendingDeprecationWarning, FutureWarning)
    for w in caught:
        text = f"{w.category.__name__}: {str(w.message).splitlines()[0][:300]}"
        if not issubclass(w.category, skip) and text not in into and len(into) < 5:
            into.append(text)


def fit_classifier(model: str, data: Split, seed: int, quick: bool) -> dict:
    """Fit one skseq classifier with its defaults (``random_state=seed``)."""
    clf = classifiers()[model](random_state=seed)
    clf.set_params(**(QUICK_PARAMS if quick else {}))
    caught: list[str] = []
    with recorded_warnings(caught):
        start = time.perf_counter()
        clf.fit(data.X_train, data.y_train)
        seconds = time.perf_counter() - start
        preds = clf.predict(data.X_train), clf.predict(data.X_test)
    losses = [float(h["train_loss"]) for h in clf.history if "train_loss" in h]
    return {
        "preds": preds,
        "fit_seconds": seconds,
        "epochs": len(clf.history),
        "final_train_loss": losses[-1] if losses else None,
        "min_train_loss": min(losses) if losses else None,
        "warnings": caught,
        "device": str(clf.device),
    }


_warm: set[str] = set()


def minirocket_for(data: Split, seed: int):
    """sktime's MiniRocket variant for this data, and its input maker."""
    import pandas as pd
    from sktime.transformations import rocket

    if not data.equal_length:  # the series at their true lengths: no padding as data
        trf = rocket.MiniRocketMultivariateVariable(
            pad_value_short_series=0.0, random_state=seed
        )
        return trf, lambda X, n: [pd.DataFrame(X[i, :, :k].T) for i, k in enumerate(n)]
    multi = "" if data.X_train.shape[1] == 1 else "Multivariate"
    trf = getattr(rocket, f"MiniRocket{multi}")(random_state=seed)
    return trf, lambda X, lengths: X.astype(np.float64)


def fit_minirocket(data: Split, seed: int) -> dict:
    """MiniRocket + standardisation + ridge, as sktime's RocketClassifier
    (nothing overridden, not even with ``--quick``: a fit takes seconds)."""
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
        test = scaler.transform(np.asarray(trf.transform(X_te)))
        preds = ridge.predict(scaler.transform(features)), ridge.predict(test)
    return {
        "preds": preds,
        "fit_seconds": seconds,
        "epochs": None,
        "final_train_loss": None,
        "min_train_loss": None,
        "warnings": caught,
        "transformer": kind,
        "ridge_alpha": float(ridge.alpha_),
    }


def fit_demo(seed: int, quick: bool) -> dict:
    """``skseq.demo.run_demo(random_state=seed)`` with its defaults, quietly."""
    from skseq.demo import run_demo

    caught: list[str] = []
    with tempfile.TemporaryDirectory() as tmp, recorded_warnings(caught):
        with contextlib.redirect_stdout(io.StringIO()):
            kwargs = QUICK_PARAMS if quick else {}
            scores = run_demo(random_state=seed, output=f"{tmp}/demo.png", **kwargs)
    return {
        "train_accuracy": None,
        "test_accuracy": float(scores["accuracy"]),
        "test_macro_f1": float(scores["macro_f1"]),
        "fit_seconds": float(scores["fit_seconds"]),
        "warnings": caught,
    }


@dataclass(frozen=True)
class Job:
    model: str
    dataset: str
    seed: int

    def key(self) -> tuple:
        capability = H.environment()["cpu_capability"]
        fingerprint = defaults_fingerprint(self.model, self.dataset)
        return (self.model, self.dataset, self.seed, capability, fingerprint)


def run_job(job: Job, quick: bool) -> dict:
    """Fit one job and return its row (an ``error`` row if the fit raised)."""
    from sklearn.metrics import accuracy_score, f1_score

    row: dict[str, Any] = {**job.__dict__, "quick": quick}
    row["defaults"] = defaults_fingerprint(job.model, job.dataset)
    try:
        data = get_split(job.dataset)
        if job.model == DEMO:
            row |= fit_demo(job.seed, quick)
        else:
            if job.model == REFERENCE:
                result = fit_minirocket(data, job.seed)
            else:
                result = fit_classifier(job.model, data, job.seed, quick)
            train_pred, test_pred = result.pop("preds")
            row["train_accuracy"] = float(accuracy_score(data.y_train, train_pred))
            row["test_accuracy"] = float(accuracy_score(data.y_test, test_pred))
            f1 = f1_score(data.y_test, test_pred, average="macro")
            row |= {"test_macro_f1": float(f1)} | result
        row["test_majority_rate"] = float(data.majority_rate)
        row["failed"] = is_failed(
            row["train_accuracy"], row["test_accuracy"], data.majority_rate
        )
        row["error"] = None
    except Exception as exc:  # recorded, retried by the next run
        row |= {"failed": True, "error": f"{type(exc).__name__}: {exc}"[:500]}
        row["traceback"] = traceback.format_exc()[-2000:]
    row |= H.environment()
    row["date"] = _dt.datetime.now().isoformat(timespec="seconds")
    return row


def row_key(row: dict) -> tuple:
    """What resume compares: model, data set, seed, CPU capability, defaults."""
    keys = (row["model"], row["dataset"], int(row["seed"]))
    return (*keys, row.get("cpu_capability"), row.get("defaults"))


def plan(models, datasets, seeds: int | None, demo: bool) -> list[Job]:
    """The jobs, ordered seed, data set, model (so shards get a mix)."""
    if demo:
        from skseq.demo import run_demo

        name = inspect.signature(run_demo).parameters["dataset"].default
        return [Job(DEMO, name, s) for s in range(seeds or DEMO_SEEDS)]
    n = max(planned_seeds(d, seeds) for d in datasets)
    return [
        Job(m, d, s)
        for s in range(n)
        for d in datasets
        if s < planned_seeds(d, seeds)
        for m in models
    ]


def planned_seeds(dataset: str, seeds: int | None) -> int:
    return seeds or DATASETS.get(dataset, 5)


# ------------------------------------------------------------------ table
def _mean(values: list[float]) -> float:
    return statistics.fmean(values) if values else math.nan


def _f(value: float | None, digits: int = 3) -> str:
    ok = value is not None and math.isfinite(value)
    return f"{value:.{digits}f}" if ok else "–"


def current_rows(rows: list[dict]) -> tuple[list[dict], list[dict]]:
    """The rows that count, and the rows of superseded defaults.

    Per model and CPU capability the fingerprint of the *last* row in the
    file is current (its part before any ``+``; rows must also carry the
    ``+scaling`` suffix ``input_scaling`` resolves to on their data set today);
    per job the first successful row counts (the last error row where every
    try failed).
    """

    def suffix(r: dict) -> str:
        if r["model"] not in classifiers():
            return ""
        scaling = classifiers()[r["model"]]().get_params().get("input_scaling")
        scaling = auto_scaling(r["dataset"]) if scaling == "auto" else scaling
        return "" if scaling is None else f"+{scaling}"

    latest = {
        (r["model"], r.get("cpu_capability")): str(r.get("defaults")).split("+")[0]
        for r in rows
    }
    chosen, stale = {}, []
    for r in rows:
        if r.get("defaults") != latest[r["model"], r.get("cpu_capability")] + suffix(r):
            stale.append(r)
        elif (key := row_key(r)) not in chosen or (
            chosen[key].get("error") and not r.get("error")
        ):
            chosen[key] = r
    return list(chosen.values()), stale


@dataclass
class Cell:
    """The fits of one model on one data set."""

    rows: list[dict]
    planned: int

    def values(self, key: str) -> list[float]:
        ok = [r for r in self.rows if r.get(key) is not None and not r.get("error")]
        return [float(r[key]) for r in ok]

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

    def acc_f1(self) -> list[str]:
        """min and mean test accuracy, then macro-F1."""
        acc, f1 = self.values("test_accuracy"), self.values("test_macro_f1")
        return [s for v in (acc, f1) for s in (_f(min(v, default=None)), _f(_mean(v)))]

    def target(self, name: str, result: str, what: str) -> list[str]:
        """A row of the targets table (``so far`` while seeds are missing)."""
        note = "" if self.complete else f" (so far: {len(self.rows)}/{self.planned})"
        return [name, result + note, what]


def _met(short: float, yes: str = "met") -> str:
    return yes if short <= 0 else f"**missed** by {short:.3f}"


def _targets(cells: dict, datasets, models, demo: Cell | None):
    """The targets table and the per-data-set comparison with MiniRocket."""
    own = {k: c for k, c in cells.items() if k[1] not in (REFERENCE, DEMO)}
    done = sum(len(c.rows) for c in own.values())
    planned = sum(c.planned for c in own.values())
    partial = "" if done >= planned else f" (so far: {done} of {planned} fits)"
    result, detail = ("met" if done else "no fits yet"), f"{done} fits"
    if failed := {k: c.failed for k, c in own.items() if c.failed}:
        result = f"**missed** by {sum(failed.values())} failed fit(s)"
        detail = "; ".join(
            f"{m} on {d}: {n}/{len(own[d, m].rows)}"
            + (f" ({own[d, m].errors} raised)" if own[d, m].errors else "")
            for (d, m), n in failed.items()
        )
    targets = [["zero failed fits (skseq defaults)", result + partial, detail]]
    per_dataset, misses = [], []
    for d in datasets:
        ref_acc = cells[d, REFERENCE].accuracy if (d, REFERENCE) in cells else math.nan
        ranked = [(c.accuracy, m) for (e, m), c in own.items() if e == d]
        ranked = [(a, m) for a, m in ranked if math.isfinite(a)]
        best_acc, best = max(ranked) if ranked else (math.nan, "–")
        verdict, diff = ("no MiniRocket rows" if ranked else "no skseq rows"), "–"
        if math.isfinite(best_acc) and math.isfinite(ref_acc):
            diff = f"{best_acc - ref_acc:+.3f}".replace("-", "−")
            short = round(ref_acc - REFERENCE_MARGIN - best_acc, 9)
            verdict = _met(short, "yes")
            misses += [f"{d} by {short:.3f}"] if short > 0 else []
        per_dataset.append([d, best, _f(best_acc), _f(ref_acc), diff, verdict])
    compared = sum(1 for row in per_dataset if row[4] != "–")
    result = "met" if compared else "no comparison yet"
    if misses:
        result = f"**missed** on {len(misses)} of {compared} data set(s)"
    name = f"best default within {REFERENCE_MARGIN} of MiniRocket's mean accuracy"
    detail = "; ".join(misses) or f"{compared} data set(s) compared"
    targets.append([name, result + partial, detail])
    for m in models:
        if m in RNN_GUNPOINT and "GunPoint" in datasets:
            cell, name = (
                cells["GunPoint", m],
                f"{m} mean ≥ {RNN_GUNPOINT_TARGET} on GunPoint",
            )
            if not math.isfinite(acc := cell.accuracy):
                targets.append([name, "no fits yet", "–"])
                continue
            result = _met(round(RNN_GUNPOINT_TARGET - acc, 9))
            targets.append(
                cell.target(name, result, f"mean {acc:.3f} over {len(cell.rows)}")
            )
    if demo is not None and demo.rows:
        accs = demo.values("test_accuracy")
        below = [a for a in accs if a < DEMO_TARGET]
        low = min(accs, default=math.nan)
        result = "met"
        if below or demo.errors:
            result = (
                f"**missed** on {len(below)} seed(s), worst by {DEMO_TARGET - low:.3f}"
            )
        what = f"min {_f(low)}, mean {_f(_mean(accs))} over {len(accs)} seed(s)"
        targets.append(demo.target(f"demo ≥ {DEMO_TARGET} on every seed", result, what))
    return targets, per_dataset


def render_capability(rows, datasets, models, seeds, demo_seeds, prefix="") -> list:
    """The sections of the table for the rows of one CPU capability."""
    fits = [r for r in rows if r["model"] != DEMO]
    demo_rows = [r for r in rows if r["model"] == DEMO]
    everyone = dict.fromkeys([*models, *(r["model"] for r in fits)])
    # MiniRocket last: it is the reference, not a contender
    models = [m for m in everyone if m != REFERENCE] + [REFERENCE] * (
        REFERENCE in everyone
    )
    datasets = list(dict.fromkeys([*datasets, *(r["dataset"] for r in fits)]))
    cells = {
        (d, m): Cell([], planned_seeds(d, seeds)) for d in datasets for m in models
    }
    for r in fits:
        cell = Cell([], planned_seeds(r["dataset"], seeds))
        cells.setdefault((r["dataset"], r["model"]), cell).rows.append(r)
    demo = Cell(demo_rows, demo_seeds or DEMO_SEEDS) if demo_rows else None
    targets, per_dataset = _targets(cells, datasets, models, demo)
    table = []
    for d in datasets:
        ref = _f(cells[d, REFERENCE].accuracy) if (d, REFERENCE) in cells else "–"
        for m in models:
            c = cells[d, m]
            failed = str(c.failed) + (f" ({c.errors} raised)" if c.errors else "")
            seconds, epochs = _mean(c.values("fit_seconds")), _mean(c.values("epochs"))
            table.append(
                [d, m, f"{len(c.rows)}/{c.planned}", *c.acc_f1(), _f(seconds, 1)]
                + [_f(epochs, 0), failed if c.rows else "–", ref]
            )
    out = [
        f"## {prefix}Targets",
        "",
        H.markdown_table("target | result | detail", targets),
        "",
        f"## {prefix}Per data set: best skseq default vs MiniRocket",
        "",
        H.markdown_table(
            "data set | best skseq default | its mean acc | MiniRocket mean acc | "
            f"difference | within {REFERENCE_MARGIN}",
            per_dataset,
        ),
        "",
        f"## {prefix}Per model and data set",
        "",
        H.markdown_table(
            "data set | model | fits | acc min | acc mean | macro-F1 min | "
            "macro-F1 mean | fit s (mean) | epochs (mean) | failed | MiniRocket acc",
            table,
        ),
    ]
    if demo is not None:
        below = str(sum(a < DEMO_TARGET for a in demo.values("test_accuracy")))
        seconds = _f(_mean(demo.values("fit_seconds")), 1)
        row = [f"{len(demo.rows)}/{demo.planned}", *demo.acc_f1(), seconds, below]
        out += [
            "",
            f"## {prefix}Demo: `python -m skseq.demo --random-state S`",
            "",
            H.markdown_table(
                "seeds | acc min | acc mean | macro-F1 min | macro-F1 mean | "
                f"fit s (mean) | seeds < {DEMO_TARGET} | failed",
                [[*row, str(demo.failed)]],
            ),
        ]
    return out


def render(
    rows,
    source,
    datasets=tuple(DATASETS),
    models=None,
    seeds=None,
    demo_seeds=None,
    command=None,
) -> str:
    """The Markdown table of a rows file's rows."""
    models = [*classifiers(), REFERENCE] if models is None else models
    rows, stale = current_rows(rows)
    capabilities = sorted({str(r.get("cpu_capability")) for r in rows}) or ["–"]
    quick = any(r.get("quick") for r in rows)

    def distinct(key: str, missing: str = "–") -> str:
        values = {missing if r.get(key) is None else str(r[key]) for r in rows}
        return ", ".join(sorted(values)) or "–"

    dates = [r.get("date", "") for r in rows]
    lines = [
        "# Quality of skseq's defaults" + (" (quick smoke run)" if quick else ""),
        "",
        f"- date: table written {_dt.datetime.now().isoformat(timespec='seconds')} "
        f"from `{source}` ({len(rows)} fits; rows dated "
        f"{min(dates, default='–')} to {max(dates, default='–')})",
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
        names = ", ".join(sorted({r["model"] for r in stale}))
        lines.append(
            f"- {len(stale)} row(s) fitted under earlier defaults ignored ({names})"
        )
    for cap in capabilities:
        these = [r for r in rows if str(r.get("cpu_capability")) == cap]
        prefix = f"[{cap}] " if len(capabilities) > 1 else ""
        lines += [
            "",
            *render_capability(these, datasets, models, seeds, demo_seeds, prefix),
        ]
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------- main
def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--models", nargs="+", help="LSTM, LSTMClassifier, MiniRocket")
    p.add_argument("--datasets", nargs="+", default=[*DATASETS], choices=DATASETS)
    p.add_argument(
        "--seeds", type=int, help="seeds 0..N-1 (default 5, 3 on OSULeaf and PLAID)"
    )
    p.add_argument("--out", help="rows .jsonl (or table .md; the other goes beside)")
    p.add_argument("--table", action="store_true", help="only rebuild the table")
    p.add_argument("--demo", action="store_true", help="the demo's seeds instead")
    p.add_argument("--quick", action="store_true", help="smoke run, results/quick/")
    p.add_argument("--shard", metavar="I/N", help="every N-th job")
    p.add_argument("--budget", type=float, help="start no fit after this many s")
    p.add_argument("--list", action="store_true", help="print the jobs left; run none")
    return p.parse_args(argv)


def main(argv: list[str] | None = None, log=print) -> dict[str, Any]:
    """Run (or resume) the jobs of this shard, then write the table."""
    args = parse_args(argv)
    out = Path(
        args.out or H.RESULTS / ("quick" if args.quick else "") / "quality.jsonl"
    )
    rows = H.Rows(out.with_suffix(".jsonl"), "quality")
    table_path = out.with_suffix(".md")
    models = resolve_models(args.models) if args.models else [*classifiers(), REFERENCE]
    # seeds of the model fits and of the demo (None: the plan's defaults)
    seeds = (None if args.demo else args.seeds) or (1 if args.quick else None)
    demo_seeds = (args.seeds if args.demo else None) or (1 if args.quick else None)
    command = H.command_line("bench_quality.py", argv)
    new_rows: list[dict] = []
    if not args.table:
        existing = rows.read(log=log)
        other = [r for r in existing if bool(r.get("quick")) != args.quick]
        if other:
            kind = ("real", "quick") if args.quick else ("--quick", "real")
            raise SystemExit(
                f"{rows.path} holds {len(other)} {kind[0]} row(s); "
                f"{kind[1]} rows go to another file (--out)."
            )
        jobs = plan(
            models, args.datasets, demo_seeds if args.demo else seeds, args.demo
        )
        with H.one_thread():
            new_rows = run_jobs(args, models, jobs, rows, existing, log)
    if args.list:
        return {"rows": new_rows, "path": rows.path}
    markdown = render(
        rows.read(log=log),
        rows.path.name,
        args.datasets,
        models,
        seeds,
        demo_seeds,
        command.strip(),
    )
    H.write_markdown(table_path, markdown)
    log(markdown)
    log(f"[quality] rows in {rows.path}, table written to {table_path}")
    return {"rows": new_rows, "path": rows.path, "table": table_path}


def run_jobs(args, models, jobs, rows, existing, log) -> list[dict]:
    """Fit the jobs of this shard that the rows file does not hold yet."""
    i, n = H.parse_shard(args.shard)
    jobs = H.shard(jobs, args.shard)
    todo = rows.todo(jobs, Job.key, row_key, existing)
    capability = H.environment()["cpu_capability"]
    log(
        f"[quality] shard {i + 1}/{n}: {len(jobs)} jobs, {len(jobs) - len(todo)} "
        f"already in {rows.path}, {len(todo)} to do (capability {capability})"
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
    budget, new_rows = H.Budget(args.budget), []
    for k, job in enumerate(todo, 1):
        if budget.spent:
            left = len(todo) - k + 1
            log(f"[quality] budget of {args.budget:.0f} s spent; {left} jobs left")
            break
        row = run_job(job, args.quick)
        rows.append(row)
        new_rows.append(row)
        status = (
            f"ERROR {row['error']}"
            if row.get("error")
            else (
                f"test {row['test_accuracy']:.3f}, train {_f(row['train_accuracy'])}, "
                f"{row['fit_seconds']:.1f} s, {row.get('epochs') or '–'} epochs"
                + (" FAILED" if row["failed"] else "")
            )
        )
        what = f"{job.model} {job.dataset} seed {job.seed}"
        log(f"[quality] {k}/{len(todo)} {what}: {status}")
    return new_rows


def _has_numba() -> bool:
    from skseq.automl import _has_numba

    return _has_numba()


if __name__ == "__main__":
    main()
