"""Are skseq's outputs bitwise unchanged by a refactor? (issue 17)

Fits every classifier (a few epochs, random_state=0) on slices of the bundled
data sets -- univariate, multivariate, unequal lengths, a wide-scale set that
turns input scaling on, an imbalanced set with class weights and with a panel
sampler -- runs the transformers, the windowing meta-estimator and the
window/step arithmetic, and records every output array.

Usage::

    python tools/check_unchanged.py record OUT.npz      # this checkout
    python tools/check_unchanged.py compare REF         # a git ref vs this checkout

``compare`` checks REF out into a temporary git worktree, records both in
fresh processes on this machine (results are compared on one machine only:
float kernels differ between CPUs) and fails, listing the differing arrays,
unless every array is equal bit for bit (same dtype, shape and bytes).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def _slice(name: str, n: int, seed: int = 0):
    from skseq.datasets import load_dataset

    X, y = load_dataset(name, split="train")
    Xt, yt = load_dataset(name, split="test")
    rng = np.random.RandomState(seed)
    i = rng.permutation(len(X))[:n]
    j = rng.permutation(len(Xt))[:n]
    return X[i], y[i], Xt[j], yt[j]


def record() -> dict[str, np.ndarray]:
    import torch

    torch.set_num_threads(1)
    import skseq.classifiers as C
    from skseq import transformers as T
    from skseq.sampling import AugmentationOverSampler, PanelSampler
    from skseq.windows import WindowedClassifier, make_windows, unwindow

    out: dict[str, np.ndarray] = {}
    sets = {
        "GunPoint": _slice("GunPoint", 40),
        "BasicMotions": _slice("BasicMotions", 24),
        "JapaneseVowels": _slice("JapaneseVowels", 40),
        "PLAID": _slice("PLAID", 40),
    }
    names = [
        n
        for n in C.__all__
        if n.endswith("Classifier") and n != "BaseSequenceClassifier"
    ]
    for ds, (X, y, Xt, _) in sets.items():
        for name in names:
            clf = getattr(C, name)(max_epochs=3, random_state=0, verbose=0)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                clf.fit(X, y)
            out[f"{ds}/{name}/proba"] = clf.predict_proba(Xt)
            out[f"{ds}/{name}/loss"] = np.asarray(clf.history_[:, "train_loss"])
    # imbalance: class weights, a sampler, augmentation, partial_fit
    X, y, Xt, _ = sets["GunPoint"]
    keep = np.r_[np.flatnonzero(y == y[0]), np.flatnonzero(y != y[0])[:5]]
    Xi, yi = X[keep], y[keep]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf = C.FCNClassifier(max_epochs=3, random_state=0, class_weight="balanced")
        out["imb/class_weight"] = clf.fit(Xi, yi).predict_proba(Xt)
        clf.partial_fit(Xi, yi)
        out["imb/partial_fit"] = clf.predict_proba(Xt)
        from imblearn.over_sampling import SMOTE

        Xs, ys = PanelSampler(SMOTE(k_neighbors=3, random_state=0)).fit_resample(Xi, yi)
        out["imb/smote_X"], out["imb/smote_y"] = Xs, np.asarray(ys).astype(str)
        Xa, ya = AugmentationOverSampler(random_state=0).fit_resample(Xi, yi)
        out["imb/augment_X"], out["imb/augment_y"] = Xa, np.asarray(ya).astype(str)
    # transformers
    Xj = sets["JapaneseVowels"][0]
    Xn = Xj.copy()
    Xn[:, :, 3:6] = np.nan
    for tname, tr, data in [
        ("Interpolator", T.Interpolator(), Xn),
        ("Normalizer", T.Normalizer(), Xj),
        ("Padder", T.Padder(), Xj),
        ("Truncator", T.Truncator(), Xj),
        ("RollingFeatures", T.RollingFeatures(), Xj),
    ]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out[f"transform/{tname}"] = np.asarray(tr.fit_transform(data), dtype=float)
    # windows: a synthetic recording with per-step labels
    rng = np.random.RandomState(0)
    recs = [rng.randn(2, 300).astype(np.float32) for _ in range(3)]
    labs = [(np.sin(np.arange(300) / 15.0) > 0.6).astype(int) for _ in range(3)]
    for r, lab in zip(recs, labs):
        r[0] += 2.0 * lab
    Xw, yw, groups, starts = make_windows(
        recs, labs, length=32, step=8, return_starts=True
    )
    out["windows/X"], out["windows/y"] = np.asarray(Xw), np.asarray(yw)
    out["windows/groups"], out["windows/starts"] = (
        np.asarray(groups),
        np.asarray(starts),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wc = WindowedClassifier(
            C.CNNClassifier(max_epochs=3, random_state=0), length=32, step=8
        ).fit(recs, labs)
        steps = wc.predict_proba(recs)
    out["windows/step_proba"] = np.concatenate([np.asarray(s) for s in steps])
    back = unwindow(
        out["windows/X"][:, 0, :], starts, 32, [300, 300, 300], groups=groups
    )
    out["windows/unwindow"] = np.concatenate(
        [np.asarray(b, dtype=float).ravel() for b in back]
    )
    return out


def _record_in(tree: Path, path: Path) -> None:
    env = dict(os.environ, PYTHONPATH=str(tree))
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "tools" / "check_unchanged.py"),
            "record",
            str(path),
        ],
        check=True,
        cwd=tree,
        env=env,
    )


def compare(ref: str) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        wt = tmp / "ref"
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "-q", "--detach", str(wt), ref],
            check=True,
        )
        try:
            _record_in(wt, tmp / "ref.npz")
            _record_in(ROOT, tmp / "new.npz")
        finally:
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(wt)],
                check=False,
            )
        a, b = np.load(tmp / "ref.npz"), np.load(tmp / "new.npz")
        bad = sorted(set(a.files) ^ set(b.files))
        for k in sorted(set(a.files) & set(b.files)):
            x, y = a[k], b[k]
            if x.dtype != y.dtype or x.shape != y.shape or x.tobytes() != y.tobytes():
                bad.append(k)
        print(
            f"[unchanged] {len(a.files)} arrays from {ref}, "
            f"{len(b.files)} from this checkout"
        )
        for k in bad:
            print(f"  DIFFERS: {k}")
        print(
            "[unchanged] bitwise equal" if not bad else f"[unchanged] {len(bad)} differ"
        )
        return 1 if bad else 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("record")
    r.add_argument("out")
    c = sub.add_parser("compare")
    c.add_argument("ref")
    args = p.parse_args(argv)
    if args.cmd == "record":
        sys.path.insert(0, os.getcwd())
        import skseq

        print(
            f"[unchanged] recording skseq from {Path(skseq.__file__).parent}",
            flush=True,
        )
        np.savez(args.out, **record())
        return 0
    return compare(args.ref)


if __name__ == "__main__":
    sys.exit(main())
