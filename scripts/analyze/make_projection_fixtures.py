#!/usr/bin/env python3
"""The expected LDA and PCA silhouettes of tests/analysis_projection.rs.

Real vectors: the bundled MiniLM table (models/text/minilm_l6.npy, its words in
minilm_l6.words.txt), clustered by the paper's semantic categories and phonetic groups of
models/lexicon/paper.tsv. For each case, scikit-learn as the paper's code does it:
silhouette_score (Euclidean) of LinearDiscriminantAnalysis().fit_transform(X, y) and of
PCA(n_components=8).fit_transform(X), in float64 from the float32 table. Cases: all 384
dimensions (fewer words than dimensions) and the first 40 (more words than dimensions),
each also with one cluster left out, as analyze's folds do.

Usage (from the repository root; pinned packages in scripts/probe/requirements.txt):
  python3 -m venv /work/venvs/probe && /work/venvs/probe/bin/pip install -r scripts/probe/requirements.txt
  /work/venvs/probe/bin/python scripts/analyze/make_projection_fixtures.py
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import sklearn
from sklearn.decomposition import PCA
from sklearn.discriminant_analysis import LinearDiscriminantAnalysis
from sklearn.metrics import silhouette_score

OUT = Path("tests/fixtures/analysis/projection.json")


def lexicon():
    """word -> (category, group), '-' meaning none."""
    rows = {}
    for line in Path("models/lexicon/paper.tsv").read_text().splitlines():
        if line.startswith("#") or not line.strip():
            continue
        word, category, group = line.split("\t")[:3]
        rows[word] = (category, group)
    return rows


def main():
    table = np.load("models/text/minilm_l6.npy").astype(np.float64)
    words = Path("models/text/minilm_l6.words.txt").read_text().split()
    lex = lexicon()
    cases = []
    for kind, column in (("semantic", 0), ("phonetic", 1)):
        clustered = [(i, lex[w][column]) for i, w in enumerate(words) if w in lex and lex[w][column] != "-"]
        names = sorted({c for _, c in clustered})
        for dims in (384, 40):
            for left_out in (None, names[0]):
                keep = [(i, c) for i, c in clustered if c != left_out]
                x = table[[i for i, _ in keep], :dims]
                y = [c for _, c in keep]
                lda = silhouette_score(LinearDiscriminantAnalysis().fit_transform(x, y), y)
                pca = silhouette_score(PCA(n_components=8).fit_transform(x), y)
                cases.append(
                    {
                        "kind": kind,
                        "dims": dims,
                        "left_out": left_out,
                        "words": len(keep),
                        "lda": float(lda),
                        "pca": float(pca),
                    }
                )
                print(cases[-1])
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(
        json.dumps(
            {"made_by": f"scripts/analyze/make_projection_fixtures.py, scikit-learn {sklearn.__version__}", "cases": cases},
            indent=1,
        )
        + "\n"
    )


if __name__ == "__main__":
    main()
