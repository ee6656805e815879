"""Evidence for the imbalance toolkit: which remedy helps a deep classifier, where.

One fast ``FCNClassifier`` (64-128-64 filters, AdamW lr 1e-3, batch 16, a
fixed 50 epochs, one torch thread) is trained on imbalanced versions of
bundled data sets (``skseq.datasets.make_imbalanced``: the ``MINORITY``
class cut to ``round(mean other class size / ratio)`` series, at least 2, for
ratios 10 and 50) and scored on the untouched test split, once per remedy of
``METHODS`` (``METHOD_DESCRIPTIONS``). Within a seed every remedy starts from
the same weights and training series (a paired comparison); early stopping
is off, so nothing is held out. ``--protocol train-split`` (default)
subsamples the original train split; ``pooled`` pools train and test,
re-splits them 50/50 per seed and subsamples the training half (so 10x and
50x differ). A ratio whose subsample equals an earlier one's is fitted and
reported once. Reported: macro-F1, balanced accuracy, minority recall (mean
+- std over seeds), fit time, the best remedy per setting and, as the
ceiling, plain cross-entropy on the whole training split.

Results and conclusions: ``docs/benchmarks.rst``. Run from the repository
root::

    python benchmarks/bench_imbalance.py          # 3 sets x 2 ratios x 3 seeds
    python benchmarks/bench_imbalance.py --quick  # smoke run (seconds)
    python benchmarks/bench_imbalance.py --datasets GunPoint --seeds 5 --epochs 100
    python benchmarks/bench_imbalance.py --protocol pooled \
        --out benchmarks/results/imbalance_pooled.md
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import (  # noqa: E402
    command_line,
    markdown_table,
    page,
    set_torch_threads,
    write_markdown,
)

DEFAULT_DATASETS = ("GunPoint", "ItalyPowerDemand", "ArrowHead")
DEFAULT_RATIOS = (10.0, 50.0)

# The class made rare. Binary sets: the first label. ArrowHead: "0" (Avonlea).
# BasicMotions is not a default: with *any* of its four classes cut to 2 training
# series, plain cross-entropy still scores 1.0 on its test split (measured with
# this classifier, seeds 0-1), so it cannot show a difference.
MINORITY: dict[str, str] = {
    "GunPoint": "1", "ItalyPowerDemand": "1", "ArrowHead": "0",
    "BasicMotions": "walking", "JapaneseVowels": "1"}

METHODS: tuple[str, ...] = (
    "plain CE", "class_weight", "focal", "class-balanced", "logit-adjusted", "SMOTE",
    "augmentation", "balanced batches")

METHOD_DESCRIPTIONS: dict[str, str] = {
    "plain CE": "cross-entropy (baseline)",
    "class_weight": 'class_weight="balanced"',
    "focal": 'FocalLoss(gamma=2, alpha="balanced")',
    "class-balanced": "ClassBalancedLoss(beta=0.999)",
    "logit-adjusted": "LogitAdjustedLoss(tau=1)",
    "SMOTE": "PanelSampler(SMOTE(k_neighbors=min(3, n_min-1))) in an imblearn pipeline",
    "augmentation": 'AugmentationOverSampler(["window_warp", "time_warp"]) in an '
    "imblearn pipeline",
    "balanced batches": "balanced_batches=True",
}

REFERENCE = "plain CE, full train split"


@dataclass
class Config:
    """Settings of one run."""

    datasets: tuple[str, ...]
    ratios: tuple[float, ...]
    seeds: tuple[int, ...]
    epochs: int
    n_filters: tuple[int, ...]
    lr: float
    batch_size: int
    methods: tuple[str, ...]
    protocol: str
    reference: bool
    n_jobs: int

    def classifier_line(self) -> str:
        return (
            f"FCNClassifier(module__n_filters={self.n_filters}, "
            f"max_epochs={self.epochs}, lr={self.lr}, batch_size={self.batch_size}, "
            "random_state=seed, n_threads=1), AdamW, gradient clipping 1.0"
        )


@dataclass
class Record:
    """Scores of one fit on the test split."""

    dataset: str
    ratio: float | None  # None: the full-train-split reference
    seed: int
    method: str
    n_train: int
    n_minority: int
    macro_f1: float
    balanced_accuracy: float
    minority_recall: float
    fit_seconds: float
    same_as: float | None = None  # identical subsample to this ratio: not refitted


# ------------------------------------------------------------------ data
def load_splits(name: str) -> dict[str, np.ndarray]:
    """Train and test panels (float32, NaN-padded) and labels of a bundled set."""
    from skseq.datasets import load_dataset

    X_train, y_train = load_dataset(name, split="train")
    X_test, y_test = load_dataset(name, split="test")
    return {"X_train": X_train, "y_train": y_train, "X_test": X_test, "y_test": y_test}


def minority_of(name: str, y: np.ndarray) -> str:
    """The class made rare in ``name`` (first label for sets not in MINORITY)."""
    labels = np.unique(y)
    label = MINORITY.get(name, labels[0])
    if label not in labels:
        raise ValueError(f"Minority class {label!r} is not a label of {name}.")
    return label


def split_for_seed(
    data: dict[str, np.ndarray], protocol: str, seed: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Training pool and test set of one seed under ``protocol``."""
    if protocol == "train-split":
        return data["X_train"], data["y_train"], data["X_test"], data["y_test"]
    if protocol != "pooled":
        raise ValueError(
            f"protocol must be 'train-split' or 'pooled'; got {protocol!r}."
        )
    from sklearn.model_selection import train_test_split

    X = np.concatenate(_same_length(data["X_train"], data["X_test"]))
    y = np.concatenate([data["y_train"], data["y_test"]])
    X_tr, X_te, y_tr, y_te = train_test_split(
        X, y, train_size=0.5, stratify=y, random_state=seed
    )
    return X_tr, y_tr, X_te, y_te


def _same_length(*panels: np.ndarray) -> list[np.ndarray]:
    """NaN-pad panels of unequal-length data sets to one width before stacking."""
    width = max(p.shape[2] for p in panels)
    out = []
    for p in panels:
        if p.shape[2] < width:
            pad = np.full((*p.shape[:2], width - p.shape[2]), np.nan, dtype=p.dtype)
            p = np.concatenate([p, pad], axis=2)
        out.append(p)
    return out


# ------------------------------------------------------------- estimators
def make_estimator(method: str, n_min: int, seed: int, cfg: Config) -> Any:
    """The classifier (or imblearn pipeline) of one remedy."""
    from imblearn.over_sampling import SMOTE
    from imblearn.pipeline import make_pipeline

    from skseq.classifiers import FCNClassifier
    from skseq.losses import ClassBalancedLoss, FocalLoss, LogitAdjustedLoss
    from skseq.sampling import AugmentationOverSampler, PanelSampler

    base = {
        "module__n_filters": cfg.n_filters, "max_epochs": cfg.epochs, "lr": cfg.lr,
        "batch_size": cfg.batch_size, "random_state": seed, "n_threads": 1}
    if method == "plain CE":
        return FCNClassifier(**base)
    if method == "class_weight":
        return FCNClassifier(class_weight="balanced", **base)
    if method == "focal":
        return FCNClassifier(
            criterion=FocalLoss, criterion__gamma=2.0, criterion__alpha="balanced",
            **base)
    if method == "class-balanced":
        return FCNClassifier(criterion=ClassBalancedLoss, **base)
    if method == "logit-adjusted":
        return FCNClassifier(criterion=LogitAdjustedLoss, **base)
    if method == "SMOTE":
        k = max(1, min(3, n_min - 1))
        return make_pipeline(
            PanelSampler(SMOTE(k_neighbors=k, random_state=seed)),
            FCNClassifier(**base))
    if method == "augmentation":
        return make_pipeline(
            AugmentationOverSampler(["window_warp", "time_warp"], random_state=seed),
            FCNClassifier(**base))
    if method == "balanced batches":
        return FCNClassifier(balanced_batches=True, **base)
    raise ValueError(f"Unknown method {method!r}; choose from {list(METHODS)}.")


def score(y_true: np.ndarray, y_pred: np.ndarray, minority: str) -> tuple[float, ...]:
    """Macro-F1, balanced accuracy and minority-class recall."""
    from sklearn.metrics import balanced_accuracy_score, f1_score, recall_score

    return (
        float(f1_score(y_true, y_pred, average="macro", zero_division=0)),
        float(balanced_accuracy_score(y_true, y_pred)),
        float(
            recall_score(
                y_true, y_pred, labels=[minority], average="macro", zero_division=0
            )
        ),
    )


def _fit_and_score(
    method: str, X: np.ndarray, y: np.ndarray, X_test: np.ndarray, y_test: np.ndarray,
    minority: str, seed: int, cfg: Config) -> tuple[float, float, float, float]:
    """Fit one remedy; its three test scores and the fit's wall seconds."""
    n_min = int(np.unique(y, return_counts=True)[1].min())
    est = make_estimator(method, n_min, seed, cfg)
    start = time.perf_counter()
    est.fit(X, y)
    seconds = time.perf_counter() - start
    return (*score(y_test, est.predict(X_test), minority), seconds)


def run_task(
    name: str, data: dict[str, np.ndarray], seed: int, cfg: Config
) -> list[Record]:
    """Every ratio and remedy (and the reference) of one data set and seed.

    A ratio whose subsample is identical to an earlier ratio's (both hit the
    floor of 2 minority series) is not fitted again: its records copy the
    earlier ones and name it in ``same_as``.
    """
    import torch

    from skseq.datasets import make_imbalanced

    torch.set_num_threads(1)  # also inside joblib workers
    warnings.filterwarnings("ignore", category=UserWarning)
    minority = minority_of(name, data["y_train"])
    X_pool, y_pool, X_test, y_test = split_for_seed(data, cfg.protocol, seed)
    settings: list[tuple[float | None, np.ndarray, np.ndarray, tuple[str, ...]]] = [
        (
            ratio,
            *make_imbalanced(
                X_pool, y_pool, minority=minority, ratio=ratio, random_state=seed
            ),
            cfg.methods,
        )
        for ratio in cfg.ratios
    ]
    if cfg.reference:
        settings.append((None, X_pool, y_pool, ("plain CE",)))
    records: list[Record] = []
    done: list[tuple[float | None, np.ndarray, np.ndarray]] = []
    for ratio, X, y, methods in settings:
        twin = next(
            (
                r
                for r, Xd, yd in done
                if np.array_equal(yd, y) and np.array_equal(Xd, X, equal_nan=True)
            ),
            None,
        )
        done.append((ratio, X, y))
        for method in methods:
            label = REFERENCE if ratio is None else method
            if twin is not None:
                old = next(r for r in records if r.ratio == twin and r.method == label)
                records.append(replace(old, ratio=ratio, same_as=twin))
                continue
            f1, bacc, rec, seconds = _fit_and_score(
                method, X, y, X_test, y_test, minority, seed, cfg
            )
            records.append(
                Record(
                    dataset=name, ratio=ratio, seed=seed, method=label, n_train=len(y),
                    n_minority=int((y == minority).sum()), macro_f1=f1,
                    balanced_accuracy=bacc, minority_recall=rec, fit_seconds=seconds)
            )
    return records


def run(
    cfg: Config, log: Callable[..., None] = print
) -> tuple[list[Record], dict[str, dict[str, Any]]]:
    """Every (data set, seed) task (joblib over them); records and data set facts."""
    from joblib import Parallel, delayed

    data = {name: load_splits(name) for name in cfg.datasets}
    facts = {}
    for name, d in data.items():
        labels, counts = np.unique(d["y_train"], return_counts=True)
        facts[name] = {
            "minority": minority_of(name, d["y_train"]),
            "train": dict(zip(labels.tolist(), counts.tolist(), strict=True)),
            "n_test": len(d["y_test"]), "shape": d["X_train"].shape[1:]}
    tasks = [(name, seed) for name in cfg.datasets for seed in cfg.seeds]
    log(
        f"{len(tasks)} tasks (data set x seed), {len(cfg.ratios)} ratios x "
        f"{len(cfg.methods)} remedies each, n_jobs={cfg.n_jobs}"
    )
    start = time.perf_counter()
    results = Parallel(n_jobs=cfg.n_jobs, verbose=0)(
        delayed(run_task)(name, data[name], seed, cfg) for name, seed in tasks
    )
    records = [r for part in results for r in part]
    log(f"done in {time.perf_counter() - start:.0f} s")
    return records, facts


# ---------------------------------------------------------------- report
def _mean_std(values: Sequence[float]) -> tuple[float, float]:
    v = np.asarray(values, dtype=float)
    return float(v.mean()), float(v.std(ddof=1)) if len(v) > 1 else 0.0


def _fmt(values: Sequence[float]) -> str:
    return "{:.3f} ± {:.3f}".format(*_mean_std(values))


def _duplicates(records: list[Record]) -> dict[tuple[str, float], float]:
    """Settings whose subsample equals an earlier ratio's for every seed."""
    out = {}
    for d, q in dict.fromkeys((r.dataset, r.ratio) for r in records
                              if r.ratio is not None):
        twins = {r.same_as for r in records if r.dataset == d and r.ratio == q}
        if len(twins) == 1 and None not in twins:
            out[(d, q)] = twins.pop()
    return out


def _ratio_label(ratio: float | None, dataset: str, records: Sequence[Record]) -> str:
    """``10×``; ``10× = 50×`` when the 50x subsample is the 10x one for every seed."""
    if ratio is None:
        return "full"
    same = [q for (d, q), r in _duplicates(list(records)).items()
            if d == dataset and r == ratio]
    return " = ".join(f"{q:g}×" for q in [ratio, *same])


def _settings(records: list[Record]) -> list[tuple[str, float]]:
    """(data set, ratio) pairs in run order, without duplicates of earlier ones."""
    dup = _duplicates(records)
    keys = [(r.dataset, r.ratio) for r in records if r.ratio is not None]
    return list(dict.fromkeys(k for k in keys if k not in dup))


def _group(records: list[Record], dataset: str, ratio: float | None, method: str):
    return [r for r in records
            if r.dataset == dataset and r.ratio == ratio and r.method == method]


def _counts(group: list[Record]) -> str:
    """Minority / training series, as a value or a range over seeds."""
    def span(values):
        v = sorted(set(values))
        return str(v[0]) if len(v) == 1 else f"{v[0]}–{v[-1]}"

    return f"{span(r.n_minority for r in group)} / {span(r.n_train for r in group)}"


def _mean(records, d, q, m, metric="macro_f1") -> float:
    group = _group(records, d, q, m)
    return np.mean([getattr(r, metric) for r in group]) if group else None


def summary_rows(records: list[Record], methods: Sequence[str]) -> list[list[str]]:
    """Best remedy by mean macro-F1 per setting, against plain cross-entropy."""
    rows = []
    for d, q in _settings(records):
        means = {m: _mean_std([r.macro_f1 for r in _group(records, d, q, m)])
                 for m in methods if _group(records, d, q, m)}
        best = max(means, key=lambda m: means[m][0])
        plain = means.get("plain CE", (float("nan"), 0.0))
        group = _group(records, d, q, best)
        base = {r.seed: r.macro_f1 for r in _group(records, d, q, "plain CE")}
        wins = sum(r.macro_f1 > base[r.seed] for r in group if r.seed in base)
        ref = _group(records, d, None, REFERENCE)
        rows.append([d, _ratio_label(q, d, records), _counts(group), f"{plain[0]:.3f}",
                     best, f"{means[best][0]:.3f} ± {means[best][1]:.3f}",
                     f"{means[best][0] - plain[0]:+.3f}", f"{wins}/{len(group)}",
                     _fmt([r.macro_f1 for r in ref]) if ref else "–"])
    return rows


def overall_rows(records: list[Record], methods: Sequence[str]) -> list[list[str]]:
    """Each remedy over all settings: mean macro-F1, mean gain, paired wins."""
    settings = _settings(records)
    plain = {(r.dataset, r.ratio, r.seed): r.macro_f1 for r in records
             if r.method == "plain CE" and r.ratio is not None}
    best = [max(methods, key=lambda x, s=s: (
        -1.0 if _mean(records, *s, x) is None else _mean(records, *s, x)))
        for s in settings]
    rows = []
    for m in methods:
        # duplicated settings (same subsample as an earlier ratio) count once
        mine = [r for r in records
                if r.method == m and (r.dataset, r.ratio) in settings]
        if not mine:
            continue
        means = [_mean(records, *s, m) for s in settings if _group(records, *s, m)]
        gains = [r.macro_f1 - plain[k] for r in mine
                 if (k := (r.dataset, r.ratio, r.seed)) in plain]
        rows.append([
            m, f"{np.mean(means):.3f}", f"{np.mean(gains):+.3f}" if gains else "–",
            f"{sum(g > 0 for g in gains)}/{sum(g < 0 for g in gains)}"
            f"/{sum(g == 0 for g in gains)}",
            f"{np.mean([r.balanced_accuracy for r in mine]):.3f}",
            f"{np.mean([r.minority_recall for r in mine]):.3f}",
            f"{best.count(m)}/{len(settings)}",
            f"{np.median([r.fit_seconds for r in mine]):.1f}"])
    return rows


def detail_rows(records: list[Record], methods: Sequence[str]) -> list[list[str]]:
    """Every (data set, ratio, remedy) row with its three scores, then the ceiling."""
    cells = [(d, q, m) for d, q in _settings(records) for m in methods]
    cells += [(d, None, REFERENCE) for d in dict.fromkeys(r.dataset for r in records)]
    rows = []
    for d, q, m in cells:
        if group := _group(records, d, q, m):
            rows.append([d, _ratio_label(q, d, records), _counts(group), m,
                         *[_fmt([getattr(r, k) for r in group]) for k in SCORES],
                         f"{np.median([r.fit_seconds for r in group]):.1f}"])
    return rows


def pivot_rows(records: list[Record], methods: Sequence[str], metric: str
               ) -> tuple[list[str], list[list[str]]]:
    """Remedies x settings, mean of ``metric``; the best of each column in bold."""
    settings = _settings(records)
    means = {(m, s): _mean(records, *s, m, metric) for m in methods for s in settings
             if _group(records, *s, m)}
    best = {s: max(means[(m, s)] for m in methods if (m, s) in means) for s in settings}

    def cell(m, s):
        if (m, s) not in means:
            return "–"
        text = f"{means[(m, s)]:.3f}"
        return f"**{text}**" if np.isclose(means[(m, s)], best[s]) else text

    return (["remedy"] + [f"{d} {_ratio_label(q, d, records)}" for d, q in settings],
            [[m] + [cell(m, s) for s in settings] for m in methods])


SCORES = ("macro_f1", "balanced_accuracy", "minority_recall")


def render(records: list[Record], facts: dict[str, dict[str, Any]], cfg: Config,
           command: str, seconds: float) -> str:
    """The results page."""
    methods = [m for m in METHODS if m in cfg.methods]
    lines = page("Imbalance remedies for a deep classifier: evidence", command,
                 ("torch", "skorch", "scikit-learn", "imbalanced-learn", "sktime"))
    lines += [
        f"- total wall time: {seconds / 60:.1f} min, joblib n_jobs={cfg.n_jobs}",
        f"- classifier: {cfg.classifier_line()}",
        f"- protocol: {cfg.protocol}; ratios {', '.join(f'{q:g}' for q in cfg.ratios)}"
        f"; seeds {list(cfg.seeds)}",
        *[f"- {name}: {f['shape'][0]} channel(s) x {f['shape'][1]} steps, train split "
          f"{f['train']}, {f['n_test']} test series; minority class {f['minority']!r}"
          for name, f in facts.items()],
        "", "Remedies:", "", *[f"- **{m}**: {METHOD_DESCRIPTIONS[m]}" for m in methods],
        "", "Scores on the test split, mean ± std (ddof=1) over seeds. "
        "`n_min / n_train`: minority and total training series after "
        "subsampling (before any oversampling). `10× = 50×`: both ratios leave "
        "the same training series (the floor of 2 minority series) for every "
        "seed, so the setting was fitted and is counted once. Fit seconds: "
        "median, load-dependent.", "",
        "## Best remedy per setting (macro-F1)", "",
        markdown_table(["data set", "imbalance", "n_min / n_train", "plain CE",
                        "best remedy", "its macro-F1", "gain",
                        "seeds it beats plain CE", "ceiling: full train split"],
                       summary_rows(records, methods)),
        "", "## Each remedy over all settings", "",
        "Mean macro-F1 over settings; gain: mean paired (same seed) difference "
        "to plain CE; better/worse/equal: paired comparisons over every setting "
        "and seed; best in: settings where it has the highest mean macro-F1.", "",
        markdown_table(["remedy", "macro-F1", "gain vs plain CE", "better/worse/equal",
                        "balanced acc.", "minority recall", "best in", "fit s"],
                       overall_rows(records, methods)), ""]
    for metric, title in zip(SCORES, ("Macro-F1", "Balanced accuracy",
                                      "Minority recall")):
        lines += [f"## {title} (mean over seeds; best per column in bold)", "",
                  markdown_table(*pivot_rows(records, methods, metric)), ""]
    lines += ["## All rows", "",
              markdown_table(["data set", "imbalance", "n_min / n_train", "remedy",
                              "macro-F1", "balanced accuracy", "minority recall",
                              "fit s"], detail_rows(records, methods)), ""]
    return "\n".join(lines)


# ------------------------------------------------------------------- CLI
def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument(
        "--datasets", nargs="+", default=None,
        help=f"(default: {' '.join(DEFAULT_DATASETS)})")
    p.add_argument("--ratios", nargs="+", type=float, default=None, help="(10 50)")
    p.add_argument("--seeds", type=int, default=None, help="number of seeds (3)")
    p.add_argument("--epochs", type=int, default=None, help="(50)")
    p.add_argument(
        "--n-filters", nargs="+", type=int, default=None,
        help="FCN filters per block (64 128 64)")
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--batch-size", type=int, default=16)
    p.add_argument("--methods", nargs="+", default=list(METHODS), choices=METHODS)
    p.add_argument(
        "--protocol", choices=("train-split", "pooled"), default="train-split"
    )
    p.add_argument(
        "--no-reference", action="store_true", help="skip the full-train-split ceiling"
    )
    p.add_argument("--n-jobs", type=int, default=1, help="joblib workers over tasks")
    p.add_argument(
        "--quick", action="store_true",
        help="smoke run: ItalyPowerDemand, 1 seed, 2 epochs, 8-16-8 filters")
    p.add_argument(
        "--out", default="benchmarks/results/imbalance.md",
        help="Markdown to write ('' to skip)")
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None, log=print) -> dict[str, Any]:
    """Run the benchmark; returns the records, the config and the Markdown."""
    args = parse_args(argv)
    q = args.quick
    cfg = Config(
        datasets=tuple(
            args.datasets or (("ItalyPowerDemand",) if q else DEFAULT_DATASETS)
        ),
        ratios=tuple(args.ratios or DEFAULT_RATIOS),
        seeds=tuple(range(args.seeds or (1 if q else 3))),
        epochs=args.epochs or (2 if q else 50),
        n_filters=tuple(args.n_filters or ((8, 16, 8) if q else (64, 128, 64))),
        lr=args.lr,
        batch_size=args.batch_size,
        methods=tuple(args.methods),
        protocol=args.protocol,
        reference=not args.no_reference,
        n_jobs=args.n_jobs,
    )
    set_torch_threads(1)
    start = time.perf_counter()
    records, facts = run(cfg, log=log)
    seconds = time.perf_counter() - start
    markdown = render(records, facts, cfg, command_line("bench_imbalance.py", argv),
                      seconds)
    log("\n" + markdown)
    if args.out:
        log(f"written to {write_markdown(args.out, markdown)}")
    return {"records": records, "config": cfg, "facts": facts, "markdown": markdown}


if __name__ == "__main__":
    main()
