#!/usr/bin/env python3
"""Generate the probe's reference fixtures in tests/fixtures/probe/.

Silhouette: scikit-learn's silhouette_score(X, labels, metric="cosine") on the rows that
have a label. CKA: linear CKA of Kornblith et al. (2019), plain and debiased, written from
their formulas (feature space, as their reference code) and checked here against Song et
al.'s (2012) unbiased HSIC estimator on Gram matrices. Vectors are stored as float32 .npy;
expected values are computed in float64 from exactly those float32 values.

Usage (from the repository root; pinned packages in scripts/probe/requirements.txt):
  python3 -m venv /work/venvs/probe && /work/venvs/probe/bin/pip install -r scripts/probe/requirements.txt
  nice -n 10 /work/venvs/probe/bin/python scripts/probe/make_fixtures.py
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import sklearn
from sklearn.metrics import silhouette_score

OUT = Path("tests/fixtures/probe")
rng = np.random.default_rng(2509)


def f32(a):
    return np.asarray(a, dtype=np.float32)


# ---------------------------------------------------------------- silhouette
def blobs(n, d, k, spread, offset=0.0):
    centres = rng.normal(size=(k, d))
    labels = rng.integers(0, k, size=n)
    x = centres[labels] + spread * rng.normal(size=(n, d)) + offset
    return f32(x), labels


def silhouette_cases():
    cases = []
    x, lab = blobs(40, 16, 4, 0.8)
    labels = [int(v) for v in lab]
    for i in (3, 11, 17):
        labels[i] = None  # words without a group are left out
    labels[5] = 7  # a cluster of one
    cases.append(("blobs_missing_singleton", x, labels))

    x, lab = blobs(60, 96, 9, 3.0)
    x[10] = 0.0  # a zero vector: cosine 0 with everything
    x[20] = x[21]  # a duplicated row
    cases.append(("nine_labels_zero_and_duplicate", x, [int(v) for v in lab]))

    # Anisotropic, like many speech layers: a big common component, cosines ~0.9.
    x, lab = blobs(30, 32, 3, 0.3, offset=3.0 * rng.normal(size=32))
    cases.append(("anisotropic", x, [int(v) for v in lab]))

    x = f32(rng.normal(size=(5, 8)))
    cases.append(("almost_all_singletons", x, [0, 1, 2, 3, 3]))

    x, lab = blobs(60, 768, 14, 2.0)
    cases.append(("fourteen_groups_d768", x, [int(v) for v in lab]))

    x = f32(rng.normal(size=(6, 4)))
    cases.append(("one_label_undefined", x, [2] * 5 + [None]))
    cases.append(("all_singletons_undefined", x[:3], [0, 1, 2]))

    out = []
    for name, x, labels in cases:
        keep = [i for i, v in enumerate(labels) if v is not None]
        kept = [labels[i] for i in keep]
        n_labels = len(set(kept))
        if 2 <= n_labels <= len(kept) - 1:
            expected = float(silhouette_score(x[keep].astype(np.float64), kept, metric="cosine"))
        else:
            expected = None  # scikit-learn raises ValueError: undefined
        np.save(OUT / f"silhouette_{name}.npy", x)
        out.append({"name": name, "x": f"silhouette_{name}.npy", "labels": labels,
                    "expected": expected})
    return out


# ---------------------------------------------------------------- CKA
def cka_feature(x, y, debiased):
    """Kornblith et al.'s feature-space linear CKA, from the paper's formulas."""
    x = x - x.mean(0, keepdims=True)
    y = y - y.mean(0, keepdims=True)
    xy = np.linalg.norm(x.T @ y) ** 2
    xx = np.linalg.norm(x.T @ x)
    yy = np.linalg.norm(y.T @ y)
    if debiased:
        n = x.shape[0]
        rx, ry = (x * x).sum(1), (y * y).sum(1)
        nx, ny = rx.sum(), ry.sum()

        def fix(h, a, b, na, nb):
            return h - n / (n - 2.0) * a.dot(b) + na * nb / ((n - 1) * (n - 2))

        xy = fix(xy, rx, ry, nx, ny)
        xx = np.sqrt(fix(xx**2, rx, rx, nx, nx))
        yy = np.sqrt(fix(yy**2, ry, ry, ny, ny))
    return xy / (xx * yy)


def hsic_unbiased(k, l):
    """Song et al. (2012) unbiased HSIC estimator on Gram matrices."""
    n = k.shape[0]
    k, l = k.copy(), l.copy()
    np.fill_diagonal(k, 0.0)
    np.fill_diagonal(l, 0.0)
    one = np.ones(n)
    t = np.trace(k @ l) + (one @ k @ one) * (one @ l @ one) / ((n - 1) * (n - 2))
    t -= 2.0 / (n - 2) * (one @ k @ l @ one)
    return t / (n * (n - 3))


def cka_gram_unbiased(x, y):
    k, l = x @ x.T, y @ y.T
    return hsic_unbiased(k, l) / np.sqrt(hsic_unbiased(k, k) * hsic_unbiased(l, l))


def cka_gram_plain(x, y):
    n = x.shape[0]
    h = np.eye(n) - 1.0 / n
    k, l = h @ x @ x.T @ h, h @ y @ y.T @ h
    return np.sum(k * l) / np.sqrt(np.sum(k * k) * np.sum(l * l))


def cka_cases():
    cases = []
    cases.append(("small", f32(rng.normal(size=(20, 8))), f32(rng.normal(size=(20, 5)))))
    x = rng.normal(size=(50, 96))
    y = x @ rng.normal(size=(96, 64)) * 0.1 + rng.normal(size=(50, 64))
    cases.append(("related_96_64", f32(x), f32(y)))
    base = rng.normal(size=(30, 40))
    x = 0.2 * base + 4.0 * rng.normal(size=40)  # big common mean
    y = np.tanh(base[:, :24]) + 2.0
    cases.append(("anisotropic", f32(x), f32(y)))
    cases.append(("four_rows", f32(rng.normal(size=(4, 6))), f32(rng.normal(size=(4, 3)))))
    x = rng.normal(size=(40, 768))
    y = x[:, :256] + rng.normal(size=(40, 256))
    cases.append(("d768_vs_256", f32(x), f32(y)))

    out = []
    for name, x, y in cases:
        x64, y64 = x.astype(np.float64), y.astype(np.float64)
        plain = float(cka_feature(x64, y64, False))
        debiased = float(cka_feature(x64, y64, True))
        assert abs(plain - cka_gram_plain(x64, y64)) < 1e-12, name
        # The estimator is shift invariant; on raw rows with a large common mean the
        # Gram route loses ~1e-9 to cancellation, so compare on centred rows.
        xc, yc = x64 - x64.mean(0), y64 - y64.mean(0)
        assert abs(debiased - cka_gram_unbiased(xc, yc)) < 1e-12, name
        np.save(OUT / f"cka_{name}_x.npy", x)
        np.save(OUT / f"cka_{name}_y.npy", y)
        out.append({"name": name, "x": f"cka_{name}_x.npy", "y": f"cka_{name}_y.npy",
                    "plain": plain, "debiased": debiased})
    return out


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    fixtures = {
        "generator": "scripts/probe/make_fixtures.py",
        "numpy": np.__version__,
        "scikit_learn": sklearn.__version__,
        "silhouette": silhouette_cases(),
        "cka": cka_cases(),
    }
    (OUT / "fixtures.json").write_text(json.dumps(fixtures, indent=1) + "\n")
    print(f"wrote {len(fixtures['silhouette'])} silhouette and {len(fixtures['cka'])} CKA cases")


if __name__ == "__main__":
    main()
