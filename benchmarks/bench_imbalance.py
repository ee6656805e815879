"""Evidence for the imbalance toolkit: which remedy helps a deep classifier, where.

A small ``FCNClassifier`` is trained once per remedy on imbalanced versions of
bundled sets; method and results: ``docs/benchmarks.rst``. ::

    python benchmarks/bench_imbalance.py          # 3 sets x 2 ratios x 3 seeds
    python benchmarks/bench_imbalance.py --quick  # smoke run (seconds)
    python benchmarks/bench_imbalance.py --datasets GunPoint --seeds 5 --epochs 100
"""

from __future__ import annotations

import sys
import time
import warnings
from collections import namedtuple
from pathlib import Path
from typing import Any

import numpy as np

from skseq import losses

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _harness as H  # noqa: E402

DEFAULT_DATASETS = ("GunPoint", "ItalyPowerDemand", "ArrowHead")
# the class made rare (the first label for other sets)
MINORITY = {"GunPoint": "1", "ItalyPowerDemand": "1", "ArrowHead": "0"}
MINORITY |= {"BasicMotions": "walking", "JapaneseVowels": "1"}
# remedy -> FCNClassifier parameters; "SMOTE" and "augmentation" put an
# oversampler before the classifier in an imblearn pipeline
REMEDIES: dict[str, dict] = {
    "plain CE": {},
    "class_weight": {"class_weight": "balanced"},
    "focal": {"criterion": losses.FocalLoss, "criterion__gamma": 2.0}
    | {"criterion__alpha": "balanced"},
    "class-balanced": {"criterion": losses.ClassBalancedLoss},
    "logit-adjusted": {"criterion": losses.LogitAdjustedLoss},
    "SMOTE": {},
    "augmentation": {},
    "balanced batches": {"balanced_batches": True},
}
METHODS = tuple(REMEDIES)
REFERENCE = "plain CE, full train split"
SCORES = ("macro_f1", "balanced_accuracy", "minority_recall")


# Scores of one fit on the test split; ratio None: the full-train-split
# reference; same_as: the ratio with the identical subsample (not refitted)
Record = namedtuple(
    "Record",
    "dataset ratio seed method n_train n_minority macro_f1 balanced_accuracy "
    "minority_recall fit_seconds same_as",
    defaults=[None],
)


def make_estimator(method: str, n_min: int, seed: int, cfg: Any) -> Any:
    """The classifier (or imblearn pipeline) of one remedy."""
    from imblearn.over_sampling import SMOTE
    from imblearn.pipeline import make_pipeline

    from skseq.classifiers import FCNClassifier
    from skseq.sampling import AugmentationOverSampler, PanelSampler

    if method not in REMEDIES:
        raise ValueError(f"Unknown method {method!r}; choose from {list(METHODS)}.")
    clf = FCNClassifier(
        module__n_filters=cfg.n_filters,
        max_epochs=cfg.epochs,
        lr=cfg.lr,
        batch_size=cfg.batch_size,
        random_state=seed,
        n_threads=1,
        **REMEDIES[method],
    )
    if method == "SMOTE":
        smote = SMOTE(k_neighbors=max(1, min(3, n_min - 1)), random_state=seed)
        return make_pipeline(PanelSampler(smote), clf)
    if method == "augmentation":
        warps = ["window_warp", "time_warp"]
        return make_pipeline(AugmentationOverSampler(warps, random_state=seed), clf)
    return clf


def run_task(name: str, data: H.Data, seed: int, cfg: Any) -> list[Record]:
    """Every ratio and remedy (and the reference) of one data set and seed; a
    ratio whose subsample equals an earlier ratio's copies its records."""
    from sklearn.metrics import balanced_accuracy_score, f1_score, recall_score

    from skseq.datasets import make_imbalanced

    warnings.filterwarnings("ignore", category=UserWarning)
    labels = np.unique(data.y_train)
    if (minority := MINORITY.get(name, labels[0])) not in labels:
        raise ValueError(f"Minority class {minority!r} is not a label of {name}.")
    X_train, y_train, settings = data.X_train, data.y_train, []
    for q in cfg.ratios:
        X, y = make_imbalanced(
            X_train, y_train, minority=minority, ratio=q, random_state=seed
        )
        settings.append((q, X, y))
    settings.append((None, X_train, y_train))  # the ceiling
    records: list[Record] = []
    for i, (ratio, X, y) in enumerate(settings):
        twin = next(
            (
                q
                for q, Xd, yd in settings[:i]
                if np.array_equal(yd, y) and np.array_equal(Xd, X, equal_nan=True)
            ),
            None,
        )
        for method in METHODS if ratio is not None else ("plain CE",):
            label = REFERENCE if ratio is None else method
            if twin is not None:
                old = next(r for r in records if (r.ratio, r.method) == (twin, label))
                records.append(old._replace(ratio=ratio, same_as=twin))
                continue
            n_min = int(np.unique(y, return_counts=True)[1].min())
            est = make_estimator(method, n_min, seed, cfg)
            seconds = H.time_call(lambda est=est: est.fit(X, y)).wall
            y_test, pred = data.y_test, est.predict(data.X_test)
            f1 = f1_score(y_test, pred, average="macro", zero_division=0)
            balanced = balanced_accuracy_score(y_test, pred)
            recall = recall_score(
                y_test, pred, labels=[minority], average="macro", zero_division=0
            )
            scores = [float(f1), float(balanced), float(recall)]
            n_rare = int((y == minority).sum())
            record = Record(name, ratio, seed, label, len(y), n_rare, *scores, seconds)
            records.append(record)
    return records


# ---------------------------------------------------------------- report
def _fmt(values: list[float]) -> str:
    v = np.asarray(values, dtype=float)
    return f"{v.mean():.3f} ± {v.std(ddof=1) if len(v) > 1 else 0.0:.3f}"


def _span(values) -> str:
    """One value, or the range of the values (over seeds)."""
    v = sorted(set(values))
    return str(v[0]) if len(v) == 1 else f"{v[0]}–{v[-1]}"


class Report:
    """The tables of one run's records."""

    def __init__(self, records: list[Record]) -> None:
        self.records = records
        keys = dict.fromkeys((r.dataset, r.ratio) for r in records if r.ratio)
        # settings whose subsample equals an earlier ratio's for every seed
        self.dup = {}
        for d, q in keys:
            twins = {r.same_as for r in records if (r.dataset, r.ratio) == (d, q)}
            if len(twins) == 1 and None not in twins:
                self.dup[d, q] = twins.pop()
        self.settings = [k for k in keys if k not in self.dup]

    def group(self, d: str, q: float | None, m: str) -> list[Record]:
        return [r for r in self.records if (r.dataset, r.ratio, r.method) == (d, q, m)]

    def best(self, setting) -> str:
        """The remedy of the highest mean macro-F1 in ``setting``."""
        groups = {m: self.group(*setting, m) for m in METHODS}
        means = {m: np.mean([r.macro_f1 for r in g]) for m, g in groups.items() if g}
        return max(means, key=means.get)

    def label(self, ratio: float | None, dataset: str) -> str:
        """``10×``; ``10× = 50×`` when 50x leaves the 10x subsample on every seed."""
        if ratio is None:
            return "full"
        same = [q for (d, q), r in self.dup.items() if (d, r) == (dataset, ratio)]
        return " = ".join(f"{q:g}×" for q in [ratio, *same])

    def overall(self) -> list[list[str]]:
        """Each remedy over all settings: mean macro-F1, mean gain, paired wins."""
        plain = {
            (r.dataset, r.ratio, r.seed): r.macro_f1
            for r in self.records
            if r.method == "plain CE" and r.ratio is not None
        }
        best = [self.best(s) for s in self.settings]
        rows = []
        for m in METHODS:
            # duplicated settings (same subsample as an earlier ratio) count once
            mine = [
                r
                for r in self.records
                if r.method == m and (r.dataset, r.ratio) in self.settings
            ]
            if not mine:
                continue
            groups = [g for s in self.settings if (g := self.group(*s, m))]
            means = [np.mean([r.macro_f1 for r in g]) for g in groups]
            gains = [
                r.macro_f1 - plain[k]
                for r in mine
                if (k := (r.dataset, r.ratio, r.seed)) in plain
            ]
            wins = [sum(g > 0 for g in gains), sum(g < 0 for g in gains)]
            rows.append(
                [m, f"{np.mean(means):.3f}", f"{np.mean(gains):+.3f}" if gains else "–"]
                + ["/".join(map(str, [*wins, sum(g == 0 for g in gains)]))]
                + [f"{np.mean([getattr(r, k) for r in mine]):.3f}" for k in SCORES[1:]]
                + [f"{best.count(m)}/{len(self.settings)}"]
                + [f"{np.median([r.fit_seconds for r in mine]):.1f}"]
            )
        return rows

    def detail(self) -> list[list[str]]:
        """Every (data set, ratio, remedy) with its scores (the best macro-F1 of
        each setting in bold), then the full-train-split ceiling."""
        cells = [(d, q, m) for d, q in self.settings for m in METHODS]
        cells += [
            (d, None, REFERENCE) for d in dict.fromkeys(r.dataset for r in self.records)
        ]
        best = {setting: self.best(setting) for setting in self.settings}
        rows = []
        for d, q, m in cells:
            if not (group := self.group(d, q, m)):
                continue
            scores = [_fmt([getattr(r, k) for r in group]) for k in SCORES]
            if q is not None and m == best[(d, q)]:
                scores[0] = f"**{scores[0]}**"
            counts = [r.n_minority for r in group], [r.n_train for r in group]
            rows.append(
                [d, self.label(q, d), " / ".join(map(_span, counts)), m, *scores]
                + [f"{np.median([r.fit_seconds for r in group]):.1f}"]
            )
        return rows


def render(records, cfg, command: str, seconds: float) -> str:
    """The results page."""
    report = Report(records)
    packages = ("torch", "skorch", "scikit-learn", "imbalanced-learn")
    title = "Imbalance remedies for a deep classifier: evidence"
    lines = H.page(title, command, packages)
    lines += [
        f"- total wall time: {seconds / 60:.1f} min",
        f"- classifier: FCNClassifier(module__n_filters={cfg.n_filters}, "
        f"max_epochs={cfg.epochs}, lr={cfg.lr}, batch_size={cfg.batch_size}, "
        "random_state=seed, n_threads=1); remedies: docs/benchmarks.rst",
        f"- data sets {', '.join(cfg.datasets)}; ratios "
        f"{', '.join(f'{q:g}' for q in cfg.ratios)}; seeds {list(cfg.seeds)}",
        "",
        "Scores on the test split, mean ± std (ddof=1) over seeds. `n_min / "
        "n_train`: minority and total training series after subsampling (before "
        "any oversampling). `10× = 50×`: both ratios leave the same training series "
        "for every seed, so the setting was fitted and is counted once. Fit "
        "seconds: median, load-dependent.",
        "",
        "## Each remedy over all settings",
        "",
        "Mean macro-F1 over settings; gain: mean paired (same seed) difference to "
        "plain CE; better/worse/equal: paired comparisons over every setting and "
        "seed; best in: settings where it has the highest mean macro-F1.",
        "",
        H.markdown_table(
            "remedy | macro-F1 | gain vs plain CE | better/worse/equal | "
            "balanced acc. | minority recall | best in | fit s",
            report.overall(),
        ),
        "",
        "## Per setting (best macro-F1 in bold)",
        "",
        H.markdown_table(
            "data set | imbalance | n_min / n_train | remedy | macro-F1 | "
            "balanced accuracy | minority recall | fit s",
            report.detail(),
        ),
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None, log=print) -> dict[str, Any]:
    """Run the benchmark; returns the records, the config and the Markdown."""
    p = H.parser(__doc__, "imbalance.md")
    p.add_argument("--datasets", nargs="+", help=f"({' '.join(DEFAULT_DATASETS)})")
    p.add_argument("--ratios", nargs="+", type=float, default=[10.0, 50.0])
    p.add_argument("--seeds", type=int, help="number of seeds (3)")
    p.add_argument("--epochs", type=int, help="(50)")
    cfg = p.parse_args(argv)
    q = cfg.quick
    cfg.datasets = cfg.datasets or (["ItalyPowerDemand"] if q else DEFAULT_DATASETS)
    cfg.seeds = tuple(range(cfg.seeds or (1 if q else 3)))
    cfg.epochs = cfg.epochs or (2 if q else 50)
    cfg.n_filters = (8, 16, 8) if q else (64, 128, 64)
    cfg.lr, cfg.batch_size = 1e-3, 16
    H.set_torch_threads(1)
    start = time.perf_counter()
    records = []
    for name in cfg.datasets:
        data = H.load(name)
        for seed in cfg.seeds:
            log(f"{name}, seed {seed}")
            records += run_task(name, data, seed, cfg)
    seconds = time.perf_counter() - start
    command = H.command_line("bench_imbalance.py", argv)
    markdown = H.finish(render(records, cfg, command, seconds), cfg.out, log)
    return {"records": records, "config": cfg, "markdown": markdown}


if __name__ == "__main__":
    main()
