"""Do skseq's defaults learn? Every classifier, default parameters, many seeds.

Rows (resumable, shardable) and table: ``results/quality.jsonl`` and ``.md``;
method and results: ``docs/benchmarks.rst``. ::

    python benchmarks/bench_quality.py                     # everything (hours)
    python benchmarks/bench_quality.py --shard 1/2         # one of two processes
    python benchmarks/bench_quality.py --table             # table from the rows
    python benchmarks/bench_quality.py --quick --models CNN --datasets GunPoint
"""

from __future__ import annotations

import hashlib
import math
import re
import statistics
import sys
import traceback
import warnings
from collections import namedtuple
from functools import cache, partial
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
# the order; classifiers added to skseq later come after these
MODEL_ORDER = [
    f"{m}Classifier"
    for m in "LSTM GRU AttentionLSTM Transformer CNN FCN ResNet InceptionTime "
    "LSTMFCN CNNLSTM".split()
]
QUICK_PARAMS = {"max_epochs": 2}  # --quick is the one place a parameter changes
TRAIN_FLOOR, CHANCE_MARGIN = 0.8, 0.1  # a failed fit (issue 12)
SHOW = ("test_accuracy", "train_accuracy", "fit_seconds", "epochs", "failed")  # logged


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
    """Class names from names like ``LSTM`` or ``LSTMClassifier``."""
    known = {n.removesuffix("Classifier"): n for n in classifiers()}
    unknown = set(names) - set(known) - set(known.values())
    if unknown:
        raise SystemExit(f"Unknown model(s) {unknown}; choose from {[*known]}.")
    return list(dict.fromkeys(known.get(n, n) for n in names))


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


@cache
def defaults_fingerprint(model: str, dataset: str | None = None) -> str:
    """A short hash of a model's defaults (``random_state`` left out), then
    ``+`` what ``input_scaling`` resolves to on ``dataset`` (when not None)."""
    params = classifiers()[model]().get_params(deep=False)
    params.pop("random_state", None)
    scaling = params.pop("input_scaling", None)
    if scaling == "auto":
        scaling = None if dataset is None else auto_scaling(dataset)
    base = hashlib.sha1(_stable(params).encode()).hexdigest()[:12]
    return base if scaling is None else f"{base}+{scaling}"


@cache
def auto_scaling(dataset: str) -> str | None:
    """What ``input_scaling="auto"`` resolves to on ``dataset``'s training panel."""
    from skseq.nn._scaling import resolve_input_scaling

    return resolve_input_scaling("auto", get_split(dataset).X_train)


get_split = cache(H.load)  # a data set's train/test split as skseq loads it


# ------------------------------------------------------------------- fits
def is_failed(train_acc: float | None, test_acc: float | None, majority: float) -> bool:
    """Training accuracy < 0.8, or test accuracy within 0.1 of the majority rate."""
    if test_acc is None or not math.isfinite(test_acc):
        return True
    if train_acc is not None and train_acc < TRAIN_FLOOR:
        return True
    return round(test_acc - majority, 9) <= CHANCE_MARGIN


Job = namedtuple("Job", "model dataset seed")


def job_key(job: Job) -> tuple:
    capability = H.environment()["cpu_capability"]
    return (*job, capability, defaults_fingerprint(job.model, job.dataset))


def run_job(job: Job, quick: bool) -> dict:
    """Fit one skseq classifier with its defaults (``random_state=seed``) and
    return its row (an ``error`` row if the fit raised)."""
    from sklearn.metrics import accuracy_score, f1_score

    row: dict[str, Any] = {**job._asdict(), "quick": quick}
    row["defaults"] = defaults_fingerprint(job.model, job.dataset)
    try:
        data = get_split(job.dataset)
        clf = classifiers()[job.model](random_state=job.seed)
        clf.set_params(**(QUICK_PARAMS if quick else {}))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fit = H.time_call(lambda: clf.fit(data.X_train, data.y_train))
            train_pred, test_pred = clf.predict(data.X_train), clf.predict(data.X_test)
        losses = [float(h["train_loss"]) for h in clf.history if "train_loss" in h]
        row["train_accuracy"] = float(accuracy_score(data.y_train, train_pred))
        row["test_accuracy"] = float(accuracy_score(data.y_test, test_pred))
        f1 = f1_score(data.y_test, test_pred, average="macro")
        row |= {"test_macro_f1": float(f1), "fit_seconds": fit.wall}
        row["epochs"] = len(clf.history)
        row["final_train_loss"] = losses[-1] if losses else None
        row["min_train_loss"] = min(losses) if losses else None
        counts = np.unique(data.y_test, return_counts=True)[1]
        row["test_majority_rate"] = majority = float(counts.max() / len(data.y_test))
        row["failed"] = is_failed(row["train_accuracy"], row["test_accuracy"], majority)
        row["error"] = None
    except Exception as exc:  # recorded, retried by the next run
        row |= {"failed": True, "error": f"{type(exc).__name__}: {exc}"[:500]}
        row["traceback"] = traceback.format_exc()[-2000:]
    return row | H.environment() | {"date": H.now()}


def row_key(row: dict) -> tuple:
    """What resume compares: model, data set, seed, CPU capability, defaults."""
    keys = (row["model"], row["dataset"], int(row["seed"]))
    return (*keys, row.get("cpu_capability"), row.get("defaults"))


def planned_seeds(dataset: str, seeds: int | None) -> int:
    return seeds or DATASETS.get(dataset, 5)


# ------------------------------------------------------------------ table
def _mean(values: list[float]) -> float:
    return statistics.fmean(values) if values else math.nan


def _f(value: float | None, digits: int = 3) -> str:
    ok = value is not None and math.isfinite(value)
    return f"{value:.{digits}f}" if ok else "–"


def _values(rows: list[dict], key: str) -> list[float]:
    """``key`` of every row that has it and did not raise."""
    ok = [r for r in rows if not r.get("error")]
    return [float(r[key]) for r in ok if r.get(key) is not None]


def current_rows(rows: list[dict]) -> tuple[list[dict], list[dict]]:
    """The rows that count, and the rows of superseded defaults (which rows
    count: ``docs/benchmarks.rst``)."""
    rows = [r for r in rows if r["model"] in classifiers()]

    def suffix(r: dict) -> str:
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


def render_capability(rows, datasets, models, seeds, prefix="") -> list[str]:
    """The failed fits and the per-model table of one CPU capability's rows."""
    models = list(dict.fromkeys([*models, *(r["model"] for r in rows)]))
    datasets = list(dict.fromkeys([*datasets, *(r["dataset"] for r in rows)]))
    table, failed = [], []
    for d in datasets:
        for m in models:
            cell = [r for r in rows if (r["dataset"], r["model"]) == (d, m)]
            acc, f1 = _values(cell, "test_accuracy"), _values(cell, "test_macro_f1")
            n_failed = sum(bool(r.get("failed")) for r in cell)
            raised = sum(bool(r.get("error")) for r in cell)
            note = str(n_failed) + (f" ({raised} raised)" if raised else "")
            if n_failed:
                failed.append(f"{m} on {d}: {n_failed}/{len(cell)}")
            seconds, epochs = _values(cell, "fit_seconds"), _values(cell, "epochs")
            table.append(
                [d, m, f"{len(cell)}/{planned_seeds(d, seeds)}"]
                + [_f(min(acc, default=None)), _f(_mean(acc))]
                + [_f(min(f1, default=None)), _f(_mean(f1))]
                + [_f(_mean(seconds), 1), _f(_mean(epochs), 0)]
                + [note if cell else "–"]
            )
    planned = sum(planned_seeds(d, seeds) * len(models) for d in datasets)
    n_failed = sum(bool(r.get("failed")) for r in rows)
    summary = f"{n_failed} of {len(rows)} fits failed ({planned} planned)"
    summary += (": " + "; ".join(failed)) if failed else "."
    return [
        f"## {prefix}Failed fits",
        "",
        summary,
        "",
        f"## {prefix}Per model and data set",
        "",
        H.markdown_table(
            "data set | model | fits | acc min | acc mean | macro-F1 min | "
            "macro-F1 mean | fit s (mean) | epochs (mean) | failed",
            table,
        ),
    ]


def render(
    rows, source, datasets=tuple(DATASETS), models=None, seeds=None, command=None
) -> str:
    """The Markdown table of a rows file's rows."""
    models = [*classifiers()] if models is None else models
    rows, stale = current_rows(rows)
    capabilities = sorted({str(r.get("cpu_capability")) for r in rows}) or ["–"]
    quick = any(r.get("quick") for r in rows)

    def distinct(key: str, missing: str = "–") -> str:
        values = {missing if r.get(key) is None else str(r[key]) for r in rows}
        return ", ".join(sorted(values)) or "–"

    dates = [r.get("date", "") for r in rows]
    title = "Quality of skseq's defaults" + (" (quick smoke run)" if quick else "")
    facts = [
        f"date: table written {H.now()} from `{source}` ({len(rows)} fits; rows "
        f"dated {min(dates, default='–')} to {max(dates, default='–')})",
        f"machine: {distinct('cpu_model')}; torch CPU capability "
        f"{distinct('cpu_capability')} (ATEN_CPU_CAPABILITY "
        f"{distinct('aten_cpu_capability', 'unset')}); one torch thread per process",
        f"versions: skseq {distinct('skseq_version')} (commit "
        f"{distinct('commit')}), torch {distinct('torch_version')}",
    ]
    command = command or "python benchmarks/bench_quality.py --table"
    lines = H.page(title, command, facts=facts) + [
        "- every skseq classifier with its **default parameters**, only "
        "`random_state` varied" + (f" ({QUICK_PARAMS})" if quick else ""),
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
        lines += ["", *render_capability(these, datasets, models, seeds, prefix)]
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------- main
def main(argv: list[str] | None = None, log=print) -> dict[str, Any]:
    """Run (or resume) the jobs of this shard, then write the table."""
    p = H.parser(__doc__, resumable=True)  # --out: rows .jsonl (or table .md)
    p.add_argument("--models", nargs="+", help="e.g. LSTM or LSTMClassifier")
    p.add_argument("--datasets", nargs="+", default=[*DATASETS], choices=DATASETS)
    p.add_argument("--seeds", type=int, help="0..N-1 (5, 3 on OSULeaf and PLAID)")
    args = p.parse_args(argv)
    out = Path(
        args.out or H.RESULTS / ("quick" if args.quick else "") / "quality.jsonl"
    )
    rows = H.Rows(out.with_suffix(".jsonl"), "quality")
    models = resolve_models(args.models) if args.models else [*classifiers()]
    seeds = args.seeds or (1 if args.quick else None)
    new_rows: list[dict] = []
    if not args.table:
        other = [r for r in rows.read(log=log) if bool(r.get("quick")) != args.quick]
        if other:
            kind = ("real", "quick") if args.quick else ("--quick", "real")
            raise SystemExit(
                f"{rows.path} holds {len(other)} {kind[0]} row(s); "
                f"{kind[1]} rows go to another file (--out)."
            )
        log(f"[quality] CPU capability {H.environment()['cpu_capability']}")
        with H.one_thread():
            n = max(planned_seeds(d, seeds) for d in args.datasets)
            jobs = [  # ordered seed, data set, model: shards get a mix
                Job(m, d, s)
                for s in range(n)
                for d in args.datasets
                if s < planned_seeds(d, seeds)
                for m in models
            ]
            run = partial(run_job, quick=args.quick)
            new_rows = rows.run(jobs, job_key, row_key, run, args, SHOW, log)
    command = H.command_line("bench_quality.py", argv)
    markdown = render(
        rows.read(log=log), rows.path.name, args.datasets, models, seeds, command
    )
    table_path = H.write_markdown(out.with_suffix(".md"), markdown)
    log(markdown)
    log(f"[quality] rows in {rows.path}, table written to {table_path}")
    return {"rows": new_rows, "path": rows.path, "table": table_path}


if __name__ == "__main__":
    main()
