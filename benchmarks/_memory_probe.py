"""Peak memory of one prediction run, in a fresh process (bench_speed, section 7).

    python benchmarks/_memory_probe.py MODEL N MODE

MODEL is FCN or LSTM, N the number of series (3 channels x 500 steps,
float64, as in issue 13), MODE ``skseq`` (``predict_proba``) or ``hand`` (the
same fitted network in a ``torch.no_grad`` loop over batches of 128, outputs
concatenated). Prints one JSON line: the panel's float32 size, the process's
resident size before, its peak during the prediction (``VmHWM``, reset
just before) and the peak's rise.
"""

from __future__ import annotations

import gc
import json
import os
import re
import sys
import time
import warnings

import numpy as np
import torch


def resident_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_mb() -> float:
    """The process's peak resident size since the last reset_peak()."""
    with open("/proc/self/status") as f:
        return int(re.search(r"VmHWM:\s+(\d+)", f.read()).group(1)) / 1024


def reset_peak() -> None:
    """Start the peak (VmHWM) over from the current resident size (Linux)."""
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")


def main(model: str, n: int, mode: str) -> dict:
    from skseq.classifiers import FCNClassifier, LSTMClassifier

    torch.set_num_threads(1)
    rng = np.random.default_rng(0)
    X = rng.standard_normal((n, 3, 500))
    y = rng.integers(0, 2, n)
    cls = {"FCN": FCNClassifier, "LSTM": LSTMClassifier}[model]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf = cls(max_epochs=1, random_state=0, n_threads=1).fit(X[:64], y[:64])
    gc.collect()
    input_f32_mb = X.size * 4 / 2**20
    before = resident_mb()
    reset_peak()
    t0 = time.perf_counter()
    if mode == "skseq":
        proba = clf.predict_proba(X)
    elif mode == "hand":
        net = clf.module_.eval()
        out = []
        with torch.no_grad():
            for i in range(0, n, 128):
                xb = torch.from_numpy(X[i : i + 128].astype(np.float32))
                out.append(torch.softmax(net(xb), -1))
        proba = torch.cat(out).numpy()
    else:
        raise ValueError(f"MODE must be 'skseq' or 'hand'; got {mode!r}.")
    seconds = time.perf_counter() - t0
    peak = peak_mb()
    assert proba.shape == (n, 2)
    return {
        "model": model,
        "n": n,
        "mode": mode,
        "input_f32_mb": input_f32_mb,
        "before_mb": before,
        "peak_mb": peak,
        "rise_mb": peak - before,
        "seconds": seconds,
    }


if __name__ == "__main__":
    model, n, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    print(json.dumps(main(model, n, mode)))
