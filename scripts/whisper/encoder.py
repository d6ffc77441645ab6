"""Rebuild Whisper tiny.en's audio encoder in PyTorch from CTranslate2 weights.

The architecture comes from Hugging Face transformers' `WhisperEncoder`, built
from a config written out here (nothing is downloaded).  The CTranslate2
variables map onto it as follows (CTranslate2's own Transformers converter
writes them in the same layout, only fusing Q, K and V):

    encoder/conv1/{weight,bias}                     -> conv1   (384, 80, 3)
    encoder/conv2/{weight,bias}                     -> conv2   (384, 384, 3), stride 2
    encoder/position_encodings/encodings            -> embed_positions.weight (1500, 384)
    encoder/layer_i/self_attention/layer_norm/*     -> layers[i].self_attn_layer_norm
    encoder/layer_i/self_attention/linear_0/weight  -> rows [0:384] q_proj, [384:768] k_proj,
                                                       [768:1152] v_proj (fused, unscaled)
    encoder/layer_i/self_attention/linear_0/bias    -> q_proj / (zeros: k has no bias) / v_proj
    encoder/layer_i/self_attention/linear_1/*       -> layers[i].self_attn.out_proj
    encoder/layer_i/ffn/layer_norm/*                -> layers[i].final_layer_norm
    encoder/layer_i/ffn/linear_0/*, linear_1/*      -> layers[i].fc1, fc2
    encoder/layer_norm/{gamma,beta}                 -> layer_norm

Scale factors: none are folded into the stored weights.  CTranslate2 scales
the queries by 1/sqrt(head_dim) = 1/8 at run time, as transformers'
WhisperAttention does (and as OpenAI's scaling of both q and k by
head_dim**-0.25 amounts to); `check_weights` asserts the K bias is zero,
and the comparison against ctranslate2's own encoder confirms the rest.

`TappedEncoder` is the module that gets exported: it runs the same
submodules on an input of any even length T <= 3000, adds the positional
table SLICED to T/2 rows, and returns every hidden state.
"""

from __future__ import annotations

import re

import numpy as np
import torch
from torch import nn
from transformers import WhisperConfig
from transformers.models.whisper.modeling_whisper import WhisperEncoder

from ct2_format import Ct2Model

# Whisper tiny.en's encoder hyper-parameters (the same for tiny and tiny.en).
N_MELS = 80
D_MODEL = 384
N_HEADS = 6
HEAD_DIM = D_MODEL // N_HEADS  # 64
N_LAYERS = 4
FFN_DIM = 1536
MAX_POSITIONS = 1500  # encoder frames after the stride-2 conv, i.e. 3000 mel frames

OUTPUT_NAMES = ["embed", "layer1", "layer2", "layer3", "layer4", "layer4_ln"]


def whisper_tiny_config() -> WhisperConfig:
    """A WhisperConfig for tiny.en's encoder; only the encoder fields matter."""
    cfg = WhisperConfig(
        num_mel_bins=N_MELS,
        d_model=D_MODEL,
        encoder_layers=N_LAYERS,
        encoder_attention_heads=N_HEADS,
        encoder_ffn_dim=FFN_DIM,
        max_source_positions=MAX_POSITIONS,
        activation_function="gelu",  # exact (erf) GELU, CTranslate2's Activation.GELU
        dropout=0.0,
        attention_dropout=0.0,
        activation_dropout=0.0,
        scale_embedding=False,
        # decoder fields: irrelevant here, kept small
        decoder_layers=1,
        decoder_attention_heads=N_HEADS,
        decoder_ffn_dim=FFN_DIM,
        vocab_size=51864,
    )
    # Plain matmul + softmax attention: exports to the simplest ONNX graph.
    cfg._attn_implementation = "eager"
    return cfg


def check_weights(ct2: Ct2Model) -> None:
    """Sanity checks on the CTranslate2 encoder before mapping it."""
    assert ct2.spec_name == "WhisperSpec", ct2.spec_name
    assert int(ct2.get("encoder/num_heads")) == N_HEADS
    assert ct2.get("encoder/position_encodings/encodings").shape == (MAX_POSITIONS, D_MODEL)
    layers = {k.split("/")[1] for k in ct2.variables if re.match(r"encoder/layer_\d+/", k)}
    assert layers == {f"layer_{i}" for i in range(N_LAYERS)}, layers
    for i in range(N_LAYERS):
        b = ct2.get(f"encoder/layer_{i}/self_attention/linear_0/bias")
        assert b.shape == (3 * D_MODEL,)
        assert not np.any(b[D_MODEL : 2 * D_MODEL]), "K bias is expected to be zero"
    # No extra per-layer variables (e.g. a stored queries_scale) that would change the maths.
    expected = {
        "ffn/layer_norm/beta", "ffn/layer_norm/gamma",
        "ffn/linear_0/bias", "ffn/linear_0/weight",
        "ffn/linear_1/bias", "ffn/linear_1/weight",
        "self_attention/layer_norm/beta", "self_attention/layer_norm/gamma",
        "self_attention/linear_0/bias", "self_attention/linear_0/weight",
        "self_attention/linear_1/bias", "self_attention/linear_1/weight",
    }
    got = {k.split("/", 2)[2] for k in ct2.variables if k.startswith("encoder/layer_0/")}
    assert got == expected, got ^ expected


def build_encoder(ct2: Ct2Model) -> WhisperEncoder:
    """transformers' WhisperEncoder in fp32 with the CTranslate2 weights loaded."""
    check_weights(ct2)
    enc = WhisperEncoder(whisper_tiny_config())

    def t(name: str) -> torch.Tensor:
        # fp16 -> fp32 is exact, so the fp32 model holds exactly the shipped weights.
        return torch.from_numpy(ct2.get(name).astype(np.float32))

    sd: dict[str, torch.Tensor] = {
        "conv1.weight": t("encoder/conv1/weight"),
        "conv1.bias": t("encoder/conv1/bias"),
        "conv2.weight": t("encoder/conv2/weight"),
        "conv2.bias": t("encoder/conv2/bias"),
        "embed_positions.weight": t("encoder/position_encodings/encodings"),
        "layer_norm.weight": t("encoder/layer_norm/gamma"),
        "layer_norm.bias": t("encoder/layer_norm/beta"),
    }
    for i in range(N_LAYERS):
        src = f"encoder/layer_{i}"
        dst = f"layers.{i}"
        qkv_w = t(f"{src}/self_attention/linear_0/weight")
        qkv_b = t(f"{src}/self_attention/linear_0/bias")
        q_w, k_w, v_w = qkv_w.split(D_MODEL, dim=0)
        q_b, _k_b, v_b = qkv_b.split(D_MODEL, dim=0)
        sd.update({
            f"{dst}.self_attn_layer_norm.weight": t(f"{src}/self_attention/layer_norm/gamma"),
            f"{dst}.self_attn_layer_norm.bias": t(f"{src}/self_attention/layer_norm/beta"),
            f"{dst}.self_attn.q_proj.weight": q_w.clone(),
            f"{dst}.self_attn.q_proj.bias": q_b.clone(),
            f"{dst}.self_attn.k_proj.weight": k_w.clone(),  # k_proj has no bias
            f"{dst}.self_attn.v_proj.weight": v_w.clone(),
            f"{dst}.self_attn.v_proj.bias": v_b.clone(),
            f"{dst}.self_attn.out_proj.weight": t(f"{src}/self_attention/linear_1/weight"),
            f"{dst}.self_attn.out_proj.bias": t(f"{src}/self_attention/linear_1/bias"),
            f"{dst}.final_layer_norm.weight": t(f"{src}/ffn/layer_norm/gamma"),
            f"{dst}.final_layer_norm.bias": t(f"{src}/ffn/layer_norm/beta"),
            f"{dst}.fc1.weight": t(f"{src}/ffn/linear_0/weight"),
            f"{dst}.fc1.bias": t(f"{src}/ffn/linear_0/bias"),
            f"{dst}.fc2.weight": t(f"{src}/ffn/linear_1/weight"),
            f"{dst}.fc2.bias": t(f"{src}/ffn/linear_1/bias"),
        })
    # strict=True: every parameter of the module is set, and nothing is left over.
    enc.load_state_dict(sd, strict=True)
    return enc.eval()


class TappedEncoder(nn.Module):
    """Whisper's encoder on a short input, returning every hidden state.

    Input  mel: [1, 80, T], T even and <= 3000.
    Output six tensors [1, T/2, 384]: embed (conv stem + positions),
    layer1..layer4 (after each block, before the final layer norm) and
    layer4_ln (after the final layer norm).

    The maths is transformers' WhisperEncoder.forward minus its check that
    T == 3000, with the positional table sliced to the frame count.  By
    default each block is computed by `_block` below from the HF layer's own
    submodules, written so that the exported graph reshapes with constant
    shapes ([1, -1, 6, 64]) instead of Shape/Gather/Concat chains; with
    hf_layers=True the HF WhisperEncoderLayer.forward is called instead
    (used to check that `_block` is the same computation).
    """

    def __init__(self, enc: WhisperEncoder, hf_layers: bool = False):
        super().__init__()
        self.enc = enc
        self.hf_layers = hf_layers

    @staticmethod
    def _block(layer: nn.Module, x: torch.Tensor) -> torch.Tensor:
        """One pre-norm transformer block, as WhisperEncoderLayer.forward (eval)."""
        att = layer.self_attn
        h = layer.self_attn_layer_norm(x)
        # queries scaled by head_dim**-0.5 = 1/8 (att.scaling), as in transformers and CTranslate2
        q = (att.q_proj(h) * att.scaling).reshape(1, -1, N_HEADS, HEAD_DIM).transpose(1, 2)
        k = att.k_proj(h).reshape(1, -1, N_HEADS, HEAD_DIM).permute(0, 2, 3, 1)  # [1, 6, 64, S]
        v = att.v_proj(h).reshape(1, -1, N_HEADS, HEAD_DIM).transpose(1, 2)  # [1, 6, S, 64]
        w = torch.softmax(torch.matmul(q, k), dim=-1)  # [1, 6, S, S]
        o = torch.matmul(w, v).transpose(1, 2).reshape(1, -1, D_MODEL)
        x = x + att.out_proj(o)
        h = layer.final_layer_norm(x)
        return x + layer.fc2(nn.functional.gelu(layer.fc1(h)))

    def forward(self, mel: torch.Tensor):
        e = self.enc
        x = nn.functional.gelu(e.conv1(mel))
        x = nn.functional.gelu(e.conv2(x))  # [1, 384, T/2]
        x = x.permute(0, 2, 1)  # [1, T/2, 384]
        x = x + e.embed_positions.weight[: x.shape[1]]  # sliced, never padded
        outs = [x]
        for layer in e.layers:
            if self.hf_layers:
                x = layer(x, attention_mask=None, layer_head_mask=None)[0]
            else:
                x = self._block(layer, x)
            outs.append(x)
        outs.append(e.layer_norm(x))
        return tuple(outs)
