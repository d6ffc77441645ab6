"""Loading cached features and the metrics shared by backbone choice, training and evaluation."""
import numpy as np
from sklearn.metrics import silhouette_score

from common import CACHE, concrete_nouns, phonetic_groups

TRAIN_FAMILIES = ["espeak", "espeak_aug", "flite", "flite_aug"]
WHISPER_LAYERS = ["embed", "layer1", "layer2", "layer3", "layer4", "layer4_ln"]


def load(fam, backbone="whisper"):
    d = np.load(CACHE / "speech" / f"{fam}.npz")
    X = np.load(CACHE / "features" / f"{fam}.{backbone}.npy")
    return X, d["words"].astype(str), d["voices"].astype(str)


def load_many(fams, backbone="whisper"):
    parts = [load(f, backbone) for f in fams]
    return tuple(np.concatenate([p[i] for p in parts]) for i in range(3))


def unit(X):
    return X / (np.linalg.norm(X, axis=-1, keepdims=True) + 1e-9)


def word_means(X, words, vocab=None):
    vocab = sorted(set(words)) if vocab is None else vocab
    idx = {w: i for i, w in enumerate(vocab)}
    M = np.zeros((len(vocab), X.shape[1]))
    n = np.zeros(len(vocab))
    for x, w in zip(X, words):
        if w in idx:
            M[idx[w]] += x
            n[idx[w]] += 1
    return vocab, M / np.maximum(n, 1)[:, None], n


def identity_top1(Xc, wc, Xq, wq, restrict=None):
    """Top-1 word identity: centroid of each word over the centroid clips (cosine on
    unit-normalised clip vectors); a query is right if its nearest centroid is its own word."""
    vocab, C, _ = word_means(unit(Xc), wc, restrict)
    keep = np.isin(wq, vocab)
    S = unit(Xq[keep]) @ unit(C).T
    return float(np.mean(np.array(vocab)[S.argmax(1)] == wq[keep]))


def silhouette(X, words, groups, min_words=2):
    """Cosine silhouette of per-word mean vectors labelled by group (words without clips dropped)."""
    vocab, M, n = word_means(unit(X), words)
    have = {w: M[i] for i, w in enumerate(vocab) if n[i] > 0}
    ws = [(w, g) for g, gw in groups.items() for w in gw if w in have]
    labels = [g for _, g in ws]
    if len(set(labels)) < 2:
        return float("nan")
    return float(silhouette_score(np.stack([have[w] for w, _ in ws]), labels, metric="cosine"))


def semantic_groups(only=None):
    g = concrete_nouns()
    if only is not None:
        g = {k: [w for w in v if w in only] for k, v in g.items()}
    return g


def phon_groups():
    return phonetic_groups()
