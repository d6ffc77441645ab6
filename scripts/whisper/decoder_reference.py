"""The recogniser's decoding rules in Python: the reference the Rust recogniser
(src/model/recogniser/) must reproduce on the committed fixtures.

`logits_fn(prefixes)` takes a list of equally long token-id lists and returns the
last position's raw logits, one row per prefix (the exported `decoder.onnx`'s final-norm
hidden state of that position times E^T, E the float16 `embedding.f16`).

Greedy decoding (`greedy`):
  * prompt `<|startoftranscript|> <|notimestamps|>` (tiny.en is English-only: no
    language or task token);
  * allowed tokens: text tokens (id < EOT) not in `suppress`, and EOT; at the first
    step also not `suppress_at_start` (a bare space and EOT, as Whisper does);
  * stop on EOT; stop at `max_tokens` text tokens (stop = "cap"); after each token,
    if the text tokens end with an n-gram repeated back to back (n = 1 .. len/2),
    drop the repeat and stop (stop = "repeat"): on a short unpadded context the
    decoder rarely predicts EOT and repeats the word instead;
  * confidence = exp(mean log p) of the kept text tokens, p the softmax over the
    allowed tokens of that step.

Scoring (`score`): the decoder's log-probability of a candidate word w,
  log sum over forms f in `forms(w)` of  p(f's tokens) * p(boundary after f),
where each token probability is the softmax over ALL tokens of the raw logits
(forced decoding, no suppression), and p(boundary) is the probability mass of the
tokens that cannot continue the word: EOT, tokens starting with a space ("Ġ"), and
tokens with no letter or digit (punctuation).
"""

from __future__ import annotations

import numpy as np

SOT = "<|startoftranscript|>"
NO_TIMESTAMPS = "<|notimestamps|>"
EOT = "<|endoftext|>"


def log_softmax(x: np.ndarray) -> np.ndarray:
    x = x.astype(np.float64)
    m = x.max()
    return x - m - np.log(np.exp(x - m).sum())


def repeated_tail(tokens: list[int]) -> int:
    """Length n of the shortest n-gram the list ends with twice in a row, or 0."""
    for n in range(1, len(tokens) // 2 + 1):
        if tokens[-n:] == tokens[-2 * n:-n]:
            return n
    return 0


def greedy(logits_fn, prompt: list[int], eot: int, suppress: set[int],
           suppress_at_start: set[int], max_tokens: int) -> dict:
    text: list[int] = []
    logps: list[float] = []
    stop = "cap"
    while len(text) < max_tokens:
        row = np.asarray(logits_fn([prompt + text])[0], dtype=np.float64)
        allowed = np.zeros(row.shape[0], bool)
        allowed[: eot + 1] = True
        allowed[list(suppress)] = False
        if not text:
            allowed[list(suppress_at_start)] = False
        masked = np.where(allowed, row, -np.inf)
        tok = int(np.argmax(masked))
        if tok == eot:
            stop = "eot"
            break
        text.append(tok)
        logps.append(float(log_softmax(row[allowed])[np.flatnonzero(allowed) == tok][0]))
        n = repeated_tail(text)
        if n:
            del text[-n:]
            del logps[-n:]
            stop = "repeat"
            break
    conf = float(np.exp(np.mean(logps))) if logps else 0.0
    return {"tokens": text, "stop": stop, "confidence": conf}


def boundary_mask(vocab: list[str], eot: int, size: int) -> np.ndarray:
    """Tokens that cannot continue a word: EOT, space-led, or without letters/digits.
    `vocab` holds the token strings of ids 0 .. EOT at least; `size` is the model's."""
    mask = np.zeros(size, bool)
    for i, tok in enumerate(vocab[:eot]):
        mask[i] = tok.startswith("\u0120") or not any(c.isalnum() for c in tok)
    mask[eot] = True
    return mask


DIGITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]


def forms(word: str) -> list[str]:
    """Surface forms scored for a lexicon word: " word", " Word", and " 7" for "seven"."""
    out = [" " + word, " " + word[:1].upper() + word[1:]]
    if word in DIGITS:
        out.append(" " + str(DIGITS.index(word)))
    return list(dict.fromkeys(out))


def score(logits_fn, prompt: list[int], forms: list[list[int]], boundary: np.ndarray) -> float:
    total = -np.inf
    for form in forms:
        lp = 0.0
        for j in range(len(form) + 1):
            row = log_softmax(np.asarray(logits_fn([prompt + form[:j]])[0]))
            if j < len(form):
                lp += row[form[j]]
            else:
                lp += np.log(np.exp(row[boundary]).sum())
        total = np.logaddexp(total, lp)
    return float(total)
