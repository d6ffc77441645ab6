"""Rebuild Whisper tiny.en's text decoder in PyTorch from CTranslate2 weights.

CTranslate2 variables (all float16 in model.bin) and what they are:

    decoder/embeddings/weight                      token embedding E (51864, 384); also the
                                                   output projection (alias
                                                   decoder/projection/weight -> it)
    decoder/position_encodings/encodings           learned positions (448, 384)
    decoder/layer_i/self_attention/layer_norm/*    pre-norm of the causal self-attention
    decoder/layer_i/self_attention/linear_0/*      fused Q | K | V (1152, 384); K bias zero
    decoder/layer_i/self_attention/linear_1/*      self-attention output projection
    decoder/layer_i/attention/layer_norm/*         pre-norm of the cross-attention
    decoder/layer_i/attention/linear_0/*           cross Q (384, 384)
    decoder/layer_i/attention/linear_1/*           cross K | V (768, 384) on the encoder
                                                   output; K bias zero
    decoder/layer_i/attention/linear_2/*           cross-attention output projection
    decoder/layer_i/ffn/{layer_norm,linear_0,linear_1}/*   pre-norm FFN, exact GELU
    decoder/layer_norm/*                           final layer norm

Queries are scaled by 1/sqrt(64) at run time (nothing folded into the file), as in the
encoder (see encoder.py).

Two modules are exported (see decoder_convert.py):

* `CrossKV`: encoder output [1, T, 384] -> every layer's cross-attention keys and values,
  stacked as [2 * layers, T, 384] (k0, v0, k1, v1, ...). Computed once per word.
* `Body`: token embeddings [B, L, 384] (rows of E, looked up by the caller) and that
  stack -> the final layer norm of every position [B, L, 384]. The positions are added
  inside, sliced by L. The token lookup and the output projection (logits = hidden E^T,
  E tied) are the caller's: E is written once, as float16, beside the graph
  (`embedding.f16`), so the runtime neither holds it twice nor re-packs it. Greedy
  decoding re-runs the body on the growing prefix; scoring a candidate needs one run
  (every position's output), and a batch of B equally long forms scores several at once.
"""

from __future__ import annotations

import re

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from ct2_format import Ct2Model

D_MODEL = 384
N_HEADS = 6
HEAD_DIM = D_MODEL // N_HEADS
N_LAYERS = 4
FFN_DIM = 1536
VOCAB = 51864
MAX_TOKENS = 448
EPS = 1e-5


def check_weights(ct2: Ct2Model) -> None:
    """Sanity checks on the CTranslate2 decoder before mapping it."""
    assert int(ct2.get("decoder/num_heads")) == N_HEADS
    assert int(ct2.get("decoder/pre_norm")) == 1
    assert int(ct2.get("decoder/scale_embeddings")) == 0
    assert int(ct2.get("decoder/alibi")) == 0
    assert ct2.aliases == {"decoder/projection/weight": "decoder/embeddings/weight"}
    assert ct2.get("decoder/embeddings/weight").shape == (VOCAB, D_MODEL)
    assert ct2.get("decoder/position_encodings/encodings").shape == (MAX_TOKENS, D_MODEL)
    layers = {k.split("/")[1] for k in ct2.variables if re.match(r"decoder/layer_\d+/", k)}
    assert layers == {f"layer_{i}" for i in range(N_LAYERS)}, layers
    expected = {
        f"{block}/{part}"
        for block, parts in {
            "self_attention": ["layer_norm/beta", "layer_norm/gamma", "linear_0/bias",
                               "linear_0/weight", "linear_1/bias", "linear_1/weight"],
            "attention": ["layer_norm/beta", "layer_norm/gamma", "linear_0/bias",
                          "linear_0/weight", "linear_1/bias", "linear_1/weight",
                          "linear_2/bias", "linear_2/weight"],
            "ffn": ["layer_norm/beta", "layer_norm/gamma", "linear_0/bias",
                    "linear_0/weight", "linear_1/bias", "linear_1/weight"],
        }.items()
        for part in parts
    }
    for i in range(N_LAYERS):
        got = {k.split("/", 2)[2] for k in ct2.variables if k.startswith(f"decoder/layer_{i}/")}
        assert got == expected, got ^ expected
        qkv_b = ct2.get(f"decoder/layer_{i}/self_attention/linear_0/bias")
        assert not np.any(qkv_b[D_MODEL:2 * D_MODEL]), "self K bias is expected to be zero"
        kv_b = ct2.get(f"decoder/layer_{i}/attention/linear_1/bias")
        assert not np.any(kv_b[:D_MODEL]), "cross K bias is expected to be zero"


class Linear(nn.Module):
    def __init__(self, w: np.ndarray, b: np.ndarray, dtype: torch.dtype):
        super().__init__()
        self.weight = nn.Parameter(torch.from_numpy(w.astype(np.float64)).to(dtype), False)
        self.bias = nn.Parameter(torch.from_numpy(b.astype(np.float64)).to(dtype), False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.linear(x, self.weight, self.bias)


class Norm(nn.Module):
    def __init__(self, g: np.ndarray, b: np.ndarray, dtype: torch.dtype):
        super().__init__()
        self.weight = nn.Parameter(torch.from_numpy(g.astype(np.float64)).to(dtype), False)
        self.bias = nn.Parameter(torch.from_numpy(b.astype(np.float64)).to(dtype), False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.layer_norm(x, (D_MODEL,), self.weight, self.bias, EPS)


def heads(x: torch.Tensor) -> torch.Tensor:
    """[B, L, 384] -> [B, 6, L, 64]."""
    return x.reshape(x.shape[0], -1, N_HEADS, HEAD_DIM).transpose(1, 2)


def merge(x: torch.Tensor) -> torch.Tensor:
    """[B, 6, L, 64] -> [B, L, 384]."""
    return x.transpose(1, 2).reshape(x.shape[0], -1, D_MODEL)


def attend(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor,
           mask: torch.Tensor | None) -> torch.Tensor:
    s = torch.matmul(q * (HEAD_DIM ** -0.5), k.transpose(-1, -2))
    if mask is not None:
        s = s + mask
    return torch.matmul(torch.softmax(s, dim=-1), v)


class Layer(nn.Module):
    def __init__(self, ct2: Ct2Model, i: int, dtype: torch.dtype):
        super().__init__()
        p = f"decoder/layer_{i}"

        def lin(name: str) -> Linear:
            return Linear(ct2.get(f"{p}/{name}/weight"), ct2.get(f"{p}/{name}/bias"), dtype)

        def norm(name: str) -> Norm:
            return Norm(ct2.get(f"{p}/{name}/layer_norm/gamma"),
                        ct2.get(f"{p}/{name}/layer_norm/beta"), dtype)

        self.self_norm = norm("self_attention")
        self.self_qkv = lin("self_attention/linear_0")
        self.self_out = lin("self_attention/linear_1")
        self.cross_norm = norm("attention")
        self.cross_q = lin("attention/linear_0")
        self.cross_kv = lin("attention/linear_1")
        self.cross_out = lin("attention/linear_2")
        self.ffn_norm = norm("ffn")
        self.fc1 = lin("ffn/linear_0")
        self.fc2 = lin("ffn/linear_1")

    def forward(self, x: torch.Tensor, k_cross: torch.Tensor, v_cross: torch.Tensor,
                mask: torch.Tensor) -> torch.Tensor:
        q, k, v = self.self_qkv(self.self_norm(x)).split(D_MODEL, dim=-1)
        x = x + self.self_out(merge(attend(heads(q), heads(k), heads(v), mask)))
        q = self.cross_q(self.cross_norm(x))
        x = x + self.cross_out(merge(attend(heads(q), k_cross, v_cross, None)))
        return x + self.fc2(F.gelu(self.fc1(self.ffn_norm(x))))


class Decoder(nn.Module):
    """The whole decoder; `cross` and `step` are the two exported halves."""

    def __init__(self, ct2: Ct2Model, dtype: torch.dtype = torch.float32):
        super().__init__()
        check_weights(ct2)
        t = lambda n: nn.Parameter(  # noqa: E731
            torch.from_numpy(ct2.get(n).astype(np.float64)).to(dtype), False)
        self.embedding = t("decoder/embeddings/weight")
        self.positions = t("decoder/position_encodings/encodings")
        self.layers = nn.ModuleList(Layer(ct2, i, dtype) for i in range(N_LAYERS))
        self.norm = Norm(ct2.get("decoder/layer_norm/gamma"),
                         ct2.get("decoder/layer_norm/beta"), dtype)

    def cross(self, enc: torch.Tensor) -> torch.Tensor:
        """Encoder output [1, T, 384] -> stacked keys/values [2 * layers, T, 384]."""
        kv = [layer.cross_kv(enc[0]).split(D_MODEL, dim=-1) for layer in self.layers]
        return torch.stack([t for pair in kv for t in pair])

    def hidden(self, tokens: torch.Tensor, kv: torch.Tensor) -> torch.Tensor:
        """Token ids [B, L] and the stacked cross keys/values -> final hidden [B, L, 384]
        (before the final layer norm)."""
        return self.layers_on(F.embedding(tokens, self.embedding), kv)

    def layers_on(self, embeds: torch.Tensor, kv: torch.Tensor) -> torch.Tensor:
        """Token embeddings [B, L, 384] -> hidden [B, L, 384] before the final layer norm;
        the positions are sliced by L, never padded (as in encoder.py)."""
        n = embeds.shape[1]
        x = embeds + self.positions[:n]
        mask = torch.triu(torch.full((n, n), float("-inf"), dtype=x.dtype), diagonal=1)
        for i, layer in enumerate(self.layers):
            k = kv[2 * i].reshape(1, -1, N_HEADS, HEAD_DIM).transpose(1, 2)
            v = kv[2 * i + 1].reshape(1, -1, N_HEADS, HEAD_DIM).transpose(1, 2)
            x = layer(x, k, v, mask)
        return x

    def logits_all(self, tokens: torch.Tensor, kv: torch.Tensor) -> torch.Tensor:
        """Logits of every position [B, L, V] (reference only)."""
        return F.linear(self.norm(self.hidden(tokens, kv)), self.embedding)

    def step(self, tokens: torch.Tensor, kv: torch.Tensor) -> torch.Tensor:
        """Logits of the last position [B, V]."""
        return F.linear(self.norm(self.hidden(tokens, kv)[:, -1, :]), self.embedding)


class CrossKV(nn.Module):
    """Exported: `enc` [1, T, 384] -> `cross_kv` [8, T, 384]."""

    def __init__(self, dec: Decoder):
        super().__init__()
        self.dec = dec

    def forward(self, enc: torch.Tensor) -> torch.Tensor:
        return self.dec.cross(enc)


class Body(nn.Module):
    """Exported: `embeds` [B, L, 384] float32, `cross_kv` [8, T, 384] -> `hidden`
    [B, L, 384], the final layer norm of every position (logits = hidden @ E^T)."""

    def __init__(self, dec: Decoder):
        super().__init__()
        self.dec = dec

    def forward(self, embeds: torch.Tensor, kv: torch.Tensor) -> torch.Tensor:
        return self.dec.norm(self.dec.layers_on(embeds, kv))
