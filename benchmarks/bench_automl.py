"""Does AutoSequenceClassifier beat the strong baseline on imbalanced sets?

Contenders, data, targets and results: ``docs/benchmarks.rst``. ::

    python benchmarks/bench_automl.py                       # all: hours
    python benchmarks/bench_automl.py --datasets GunPoint --ratios 10 \\
        --seeds 1 --fit-budget 120 --shard 1/2               # a slice
    python benchmarks/bench_automl.py --table               # table only
"""

from __future__ import annotations

import sys
import time
import warnings
from collections import namedtuple
from functools import partial
from pathlib import Path
from statistics import mean

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _harness as H  # noqa: E402

DATASETS = (
    "GunPoint",
    "ArrowHead",
    "ItalyPowerDemand",
    "OSULeaf",
    "BasicMotions",
    "JapaneseVowels",
)
CONTENDERS = ("minirocket", "fcn", "auto")
# bumped when AutoSequenceClassifier's search changes: rows of an older search
# are kept but neither resumed nor tabled (the versions: docs/benchmarks.rst)
AUTO_VERSION = 7


Job = namedtuple("Job", "dataset ratio seed contender fit_budget")


def job_key(job: Job) -> tuple:
    return row_key({**job._asdict(), "auto_version": AUTO_VERSION})


def row_key(row: dict) -> tuple:
    """Data set, ratio, seed, contender; and auto's fit budget and version."""
    auto = row["contender"] == "auto"
    return (
        row["dataset"],
        row["ratio"],
        row["seed"],
        row["contender"],
        row.get("fit_budget") if auto else None,
        row.get("auto_version", 1) if auto else None,
    )


def model(job: Job, quick: bool):
    from skseq.automl import AutoSequenceClassifier, _baseline_pipeline
    from skseq.classifiers import FCNClassifier

    if job.contender == "minirocket":
        return _baseline_pipeline(False, job.seed)
    if job.contender == "fcn":
        fast = {"max_epochs": 2} if quick else {}
        return FCNClassifier(class_weight="balanced", random_state=job.seed, **fast)
    fast = {"models": ["FCN"], "max_epochs": 3} if quick else {}
    return AutoSequenceClassifier(
        time_budget=job.fit_budget, scoring="f1_macro", random_state=job.seed, **fast
    )


def run_job(job: Job, quick: bool) -> dict:
    from sklearn.metrics import balanced_accuracy_score, f1_score

    from skseq.datasets import load_dataset, make_imbalanced

    X, y = load_dataset(job.dataset, split="train")
    X_test, y_test = load_dataset(job.dataset, split="test")
    minority = np.unique(y)[-1]
    X, y = make_imbalanced(
        X, y, minority=minority, ratio=job.ratio, random_state=job.seed
    )
    row = {**job._asdict(), "n_train": len(y), "n_minority": int((y == minority).sum())}
    if job.contender == "auto":
        row["auto_version"] = AUTO_VERSION
    est = model(job, quick)
    start = time.perf_counter()
    try:
        with H.one_thread(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            est.fit(X, y)
            pred = est.predict(X_test)
    except Exception as exc:  # noqa: BLE001 - recorded, the run goes on
        return {**row, "error": f"{type(exc).__name__}: {exc}"[:300]}
    row.update(
        fit_seconds=time.perf_counter() - start,
        macro_f1=float(f1_score(y_test, pred, average="macro")),
        balanced_accuracy=float(balanced_accuracy_score(y_test, pred)),
        minority_recall=float(np.mean(pred[y_test == minority] == minority)),
        error=None,
    )
    if job.contender == "auto":
        board = est.leaderboard_
        row.update(
            chosen=str(board.loc[board["selected"], "candidate"].iloc[0]),
            cv_score=float(est.best_score_),
            candidates=len(board),
            pruned=int((board["status"] == "pruned").sum()),
        )
    return {**row, **H.environment()}


def table(rows: list[dict]) -> str:
    """Per data set and ratio: each contender's macro-F1 (mean, min over
    seeds), auto's gain over MiniRocket and the seed spread."""
    current = [r for r in rows if row_key(r)[-1] in (None, AUTO_VERSION)]
    ok = [r for r in current if not r.get("error")]
    lines, gains = [], []
    for ds in DATASETS:
        for ratio in sorted({r["ratio"] for r in ok}):
            here = [r for r in ok if (r["dataset"], r["ratio"]) == (ds, ratio)]
            cell = {c: [r for r in here if r["contender"] == c] for c in CONTENDERS}
            if not any(cell.values()):
                continue
            out = [ds, f"{ratio}:1"]
            for c in CONTENDERS:
                f1 = [r["macro_f1"] for r in cell[c]]
                out.append(
                    f"{mean(f1):.3f} ({min(f1):.3f}, n={len(f1)})" if f1 else "-"
                )
            seeds = {r["seed"] for r in cell["auto"]}
            seeds &= {r["seed"] for r in cell["minirocket"]}
            if seeds:
                pairs = cell["auto"] + cell["minirocket"]
                by = {(r["contender"], r["seed"]): r["macro_f1"] for r in pairs}
                diff = [by["auto", s] - by["minirocket", s] for s in sorted(seeds)]
                spread = np.ptp([by["minirocket", s] for s in seeds])
                gains += diff
                verdict = "ok" if mean(diff) >= -spread else "BELOW"
                out += [f"{mean(diff):+.3f}", f"{spread:.3f}", verdict]
            else:
                out += ["-", "-", "-"]
            auto = cell["auto"]
            out.append(", ".join(sorted({r.get("chosen", "?") for r in auto})) or "-")
            lines.append(out)
    headers = ["data set", "ratio", *(f"{c} macro-F1 mean (min)" for c in CONTENDERS)]
    headers += ["auto - minirocket", "seed spread", "target", "auto chose"]
    text = H.markdown_table(headers, lines)
    if gains:
        text += (
            f"\n\nMean gain of auto over MiniRocket: {mean(gains):+.3f} "
            f"macro-F1 over {len(gains)} paired fits (target >= +0.02).\n"
        )
    return text


def main(argv: list[str] | None = None) -> int:
    p = H.parser(__doc__, "automl.jsonl", resumable=True)
    p.add_argument("--datasets", nargs="+", default=list(DATASETS), choices=DATASETS)
    p.add_argument("--ratios", nargs="+", type=int, default=[10, 50])
    p.add_argument("--seeds", type=int, default=3)
    p.add_argument("--first-seed", type=int, default=0, help="seeds first..seeds-1")
    p.add_argument("--contenders", nargs="+", default=CONTENDERS, choices=CONTENDERS)
    p.add_argument("--fit-budget", type=float, default=300.0, help="auto's s")
    args = p.parse_args(argv)
    rows = H.Rows(Path(args.out).with_suffix(".jsonl"), "automl")
    if not args.table:
        jobs = [
            Job(ds, ratio, seed, c, args.fit_budget)
            for seed in range(args.first_seed, args.seeds)
            for ds in args.datasets
            for ratio in args.ratios
            for c in args.contenders
        ]
        run = partial(run_job, quick=args.quick)
        log = partial(print, flush=True)
        rows.run(jobs, job_key, row_key, run, args, ("macro_f1", "fit_seconds"), log)
    text = H.page(
        "AutoSequenceClassifier against MiniRocket on imbalanced sets (issue 16)",
        H.command_line("bench_automl.py", argv),
        ["torch", "sktime", "optuna"],
    )
    md = H.write_markdown(
        rows.path.with_suffix(".md"),
        "\n".join(text) + "\n\n" + table(rows.read()) + "\n",
    )
    print(f"[automl] table: {md}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
