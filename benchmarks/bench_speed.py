"""Speed on a small CPU: skseq vs a hand-written PyTorch loop vs sktime.

Seconds per epoch and per fit, as ratios; method, targets and results:
``docs/benchmarks.rst``. ::

    python benchmarks/bench_speed.py                      # ~10 min on 2 cores
    python benchmarks/bench_speed.py --quick              # smoke run
    python benchmarks/bench_speed.py --models LSTM GRU \\
        --datasets GunPoint ItalyPowerDemand JapaneseVowels --epochs 20
"""

from __future__ import annotations

import contextlib
import inspect
import sys
import time
import warnings
from collections import namedtuple
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from skorch.callbacks import Callback

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _harness as H  # noqa: E402

TARGET_HAND, TARGET_HAND_FIT, TARGET_SKTIME = 1.10, 1.05, 0.5
CONTENDERS = ("skseq", "hand loop", "sktime")


@dataclass(frozen=True)
class Spec:
    """A skseq classifier's network settings here and its sktime peer."""

    module: dict[str, Any] = field(default_factory=dict)
    sktime: str | None = None  # class path under sktime's deep_learning
    sktime_params: dict[str, Any] = field(default_factory=dict)


# each set like its sktime peer (Zhao's CNN, MVTS, a batch-first GRU: see
# docs/benchmarks.rst)
MODELS: dict[str, Spec] = {
    "CNN": Spec(
        {"n_filters": (6, 12), "kernel_size": 7, "pool_size": 3, "batch_norm": False}
        | {"head_hidden_sizes": (), "head_dropout": 0.0},
        "cnn.CNNClassifierTorch",
    ),
    "FCN": Spec({}, "fcn.FCNClassifierTorch"),
    "ResNet": Spec({}, "resnet.ResNetClassifierTorch"),
    "InceptionTime": Spec({}, "inceptiontime.InceptionTimeClassifierTorch"),
    "LSTM-FCN": Spec({}, "lstmfcn.LSTMFCNClassifierTorch"),
    "CNN-LSTM": Spec(),
    "AttentionLSTM": Spec(),
    "Transformer": Spec(
        {"stem": "linear", "patch_size": 1, "positional_encoding": "sinusoidal"},
        "mvts_transformer.MVTSTransformerClassifier",
        {"d_model": 64, "n_heads": 4, "num_layers": 2, "dim_feedforward": 128}
        | {"dropout": 0.1},
    ),
    "LSTM": Spec(),
    "GRU": Spec(
        {},
        "gru.GRUClassifier",
        {"hidden_dim": 64, "n_layers": 1, "bidirectional": True, "batch_first": True},
    ),
}
DATASETS = ("GunPoint", "ArrowHead", "BasicMotions", "JapaneseVowels", "PLAID")


# -------------------------------------------------------------- contenders
EPOCH_CPU: list[float] = []  # CPU seconds of each training epoch run


class Clock(Callback):
    """Times skseq's training epochs into ``EPOCH_CPU``."""

    def on_epoch_begin(self, net, **kwargs):
        self.start = time.process_time()

    def on_epoch_end(self, net, **kwargs):
        EPOCH_CPU.append(time.process_time() - self.start)


# CPU seconds per epoch and of the whole fit, training losses
Fit = namedtuple("Fit", "epochs fit losses", defaults=[None])


def skseq_classifier(model: str, s, epochs: int, seed: int, **params):
    """The skseq classifier of ``model`` (e.g. ``LSTMFCNClassifier``) for ``s``."""
    import skseq.classifiers as skc

    module = {f"module__{k}": v for k, v in MODELS[model].module.items()}
    return getattr(skc, model.replace("-", "") + "Classifier")(
        max_epochs=epochs,
        batch_size=s.batch_size,
        lr=s.lr,
        random_state=seed,
        n_threads=1,
        input_scaling=None,
        **{**module, **params},
    )


def fit_skseq(model, s, X, y, epochs, seed) -> Fit:
    clock = [("epoch_clock", Clock())]
    clf = skseq_classifier(model, s, epochs, seed, callbacks=clock)
    EPOCH_CPU.clear()
    t = H.time_call(lambda: clf.fit(X, y))
    losses = [float(v) for v in clf.history_[:, "train_loss"]]
    return Fit(EPOCH_CPU.copy(), t.cpu, losses)


def fit_hand(model, s, X, y, epochs, seed) -> Fit:
    h = H.hand_fit(skseq_classifier(model, s, epochs, seed), X, y)
    return Fit([cpu for _, cpu in h.epoch_times], h.fit_times[1], h.epoch_losses)


_TIMED: dict[type, type] = {}


def fit_sktime(model, s, X, y, epochs, seed) -> Fit | str:
    spec = MODELS[model]
    if spec.sktime is None:
        return "n/a: sktime 1.2 has no such classifier"
    module, _, name = spec.sktime.rpartition(".")
    module = f"sktime.classification.deep_learning.{module}"
    cls = getattr(__import__(module, fromlist=[name]), name)
    if cls not in _TIMED:  # its per-epoch method clocked, nothing else changed

        def _run_epoch(self, epoch, dataloader, cls=cls):
            start = time.process_time()
            cls._run_epoch(self, epoch, dataloader)
            EPOCH_CPU.append(time.process_time() - start)

        _TIMED[cls] = type(name, (cls,), {"_run_epoch": _run_epoch})
    params = {"num_epochs": epochs, "batch_size": s.batch_size, "lr": s.lr}
    params |= {"optimizer": "AdamW", "verbose": False, "random_state": seed}
    if "callbacks" in inspect.signature(cls).parameters:
        params["callbacks"] = None  # no lr scheduler
    clf = _TIMED[cls](**params, **spec.sktime_params)
    EPOCH_CPU.clear()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            t = H.time_call(lambda: clf.fit(X, y))
    except Exception as exc:  # a peer's failure is a result
        return f"fails: {type(exc).__name__}: {' '.join(str(exc).split())[:160]}"
    return Fit(EPOCH_CPU.copy(), t.cpu)


FITS = {"skseq": fit_skseq, "hand loop": fit_hand, "sktime": fit_sktime}


# --------------------------------------------------------------------- zoo
@dataclass
class Cell:
    dataset: str
    model: str
    contender: str
    epoch_cpu: list[float] = field(default_factory=list)
    fit_cpu: list[float] = field(default_factory=list)
    losses: list[float] = field(default_factory=list)
    note: str = ""


def run_model(data: H.Data, model: str, s, log=print) -> dict[str, Cell]:
    """Interleaved, seeded rounds of the three contenders on one model."""
    from skseq.transformers import Padder

    width = max(data.X_train.shape[2], data.X_test.shape[2])
    X_padded = Padder(width, fill_value=0.0).fit_transform(data.X_train)
    inputs = {c: (X_padded if c == "sktime" else data.X_train) for c in CONTENDERS}
    cells = {c: Cell(data.name, model, c) for c in CONTENDERS}
    live = list(CONTENDERS)
    few = np.arange(len(data.y_train))[:: max(1, len(data.y_train) // 32)]
    for c in CONTENDERS:  # warm-up; a contender failing here is reported
        out = FITS[c](model, s, inputs[c][few], data.y_train[few], 1, s.seed)
        if isinstance(out, str):
            cells[c].note = out
            live.remove(c)
    for r in range(s.repeats):
        for c in H.interleaved(live, r):
            out = FITS[c](model, s, inputs[c], data.y_train, s.epochs, s.seed + r)
            cell = cells[c]
            if isinstance(out, str):
                cell.note = out
                continue
            cell.epoch_cpu.append(float(np.mean(out.epochs)))
            cell.fit_cpu.append(out.fit / s.epochs)
            cell.losses += out.losses or []
            log(
                f"  {data.name} {model} {c} seed {s.seed + r}: epoch "
                f"{cell.epoch_cpu[-1]:.4f} s CPU, fit/epochs {cell.fit_cpu[-1]:.4f} s"
            )
    if cells["skseq"].losses and cells["hand loop"].losses:
        losses = cells["skseq"].losses, cells["hand loop"].losses
        cells["hand loop"].note = H.same_losses(*losses)
    if "sktime" in live and not cells["sktime"].note:
        cells["sktime"].note = MODELS[model].sktime.rpartition(".")[2]
    return cells


def describe(data: H.Data) -> str:
    from skseq.utils.validation import series_lengths

    n = series_lengths(data.X_train)
    return (
        f"{data.name}: {len(data.y_train)} train / {len(data.y_test)} test, "
        f"{data.X_train.shape[1]} channel(s), length {n.min()}–{n.max()}, "
        f"{len(np.unique(data.y_train))} classes"
    )


def _paired(num: Cell, den: Cell, attr: str) -> H.Summary:
    pairs = zip(getattr(num, attr), getattr(den, attr))
    return H.summarize(a / b for a, b in pairs if b)


def _verdict(x: float, target: float) -> str:
    return "–" if not np.isfinite(x) else ("yes" if x <= target else "NO")


def zoo(s, log=print) -> tuple[str, list[dict]]:
    """Every model on every data set: the tables and one record per pair."""
    sizes = {"PLAID": s.plaid_size}
    datasets = [H.load(d, sizes.get(d, 0), s.seed) for d in s.datasets]
    results = [run_model(d, m, s, log) for d in datasets for m in s.models]
    rows, ratio_rows, records = [], [], []
    for cells in results:
        for name, c in cells.items():
            ranges = [H.fmt_range(H.summarize(v), 4) for v in (c.epoch_cpu, c.fit_cpu)]
            rows.append([c.dataset, c.model, name, *ranges, c.note])
        sk, h, k = cells["skseq"], cells["hand loop"], cells["sktime"]
        he, hf = _paired(sk, h, "epoch_cpu"), _paired(sk, h, "fit_cpu")
        ke = _paired(sk, k, "epoch_cpu")
        peer = [H.fmt_range(ke, 2, "×"), _verdict(ke.median, TARGET_SKTIME)]
        ratio_rows.append(
            [sk.dataset, sk.model, H.fmt_range(he, 2, "×")]
            + [_verdict(he.median, TARGET_HAND), H.fmt_range(hf, 2, "×")]
            + [_verdict(hf.median, TARGET_HAND_FIT)]
            + (peer if k.epoch_cpu else ["n/a", "n/a"])
        )
        records.append(
            {"dataset": sk.dataset, "model": sk.model}
            | {"skseq_over_hand_epoch_cpu": he.median}
            | {"skseq_over_hand_fit_cpu": hf.median}
            | {"skseq_over_sktime_epoch_cpu": ke.median}
        )
    text = "\n".join(
        [
            "## Seconds per epoch: skseq vs the hand loop vs sktime",
            "",
            f"{s.epochs} epoch(s) per fit, {s.repeats} rounds (random_state "
            f"{s.seed}.., order rotated), batch size {s.batch_size}, AdamW lr "
            f"{s.lr}, 1 torch thread. Epoch = mean training epoch; fit / epochs = "
            "the whole fit over the epochs; CPU seconds, median [min–max].",
            *[f"- data: {describe(d)}" for d in datasets],
            "",
            H.markdown_table(
                "data set | model | contender | epoch s (CPU) | "
                "fit / epochs s (CPU) | note",
                rows,
            ),
            "",
            "## Ratios",
            "",
            "Per round, skseq's CPU time / the other's in the same round, median "
            f"[min–max]. Targets: ≤ {TARGET_HAND}× the hand loop per epoch, ≤ "
            f"{TARGET_HAND_FIT}× per fit, ≤ {TARGET_SKTIME}× sktime per epoch.",
            "",
            H.markdown_table(
                f"data set | model | skseq / hand, epoch | ≤ {TARGET_HAND}× | "
                f"skseq / hand, fit | ≤ {TARGET_HAND_FIT}× | skseq / sktime, epoch"
                f" | ≤ {TARGET_SKTIME}×",
                ratio_rows,
            ),
        ]
    )
    return text, records


# -------------------------------------------------------------------- main
def main(argv: list[str] | None = None, log=print) -> dict[str, Any]:
    """Run the comparison; its Markdown and one record per (data set, model)."""
    p = H.parser(__doc__, "speed.md")
    p.add_argument("--models", nargs="+", choices=list(MODELS))
    p.add_argument("--datasets", nargs="+", help=" ".join(DATASETS))
    p.add_argument("--epochs", type=int, help="(2)")
    p.add_argument("--repeats", type=int, help="rounds (3)")
    p.add_argument("--plaid-size", type=int, help="series per PLAID split (32)")
    p.add_argument("--lr", type=float, default=1e-3)
    s = p.parse_args(argv)
    quick = s.quick
    s.models = s.models or (["CNN", "GRU"] if quick else list(MODELS))
    s.datasets = s.datasets or (["GunPoint"] if quick else list(DATASETS))
    s.epochs = s.epochs or (1 if quick else 2)
    s.repeats = s.repeats or (1 if quick else 3)
    if s.plaid_size is None:
        s.plaid_size = 24 if quick else 32  # 0: all of PLAID
    s.batch_size, s.seed = 16, 0  # fixed
    H.set_torch_threads(1)
    with contextlib.suppress(ImportError):  # seconds to import: not fit time
        import sktime.classification.deep_learning  # noqa: F401
    t0 = time.perf_counter()
    text, records = zoo(s, log=log)
    seconds = time.perf_counter() - t0
    command = H.command_line("bench_speed.py", argv)
    parts = [*H.page("Speed on a small CPU", command), "", text, ""]
    parts.append(f"({seconds:.0f} s wall; load average at the end {H.load_average()})")
    markdown = H.finish("\n".join(parts) + "\n", s.out, log)
    return {"records": records, "markdown": markdown}


if __name__ == "__main__":
    main()
