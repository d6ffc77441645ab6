"""Minimal reader (and writer) for CTranslate2's binary model format (model.bin).

Layout (all integers little-endian), as written by CTranslate2's
`ModelSpec` serializer, binary version 6:

    u32  binary_version            (6 for this file)
    str  spec_name                 ("WhisperSpec")
    u32  spec_revision
    u32  num_variables
    num_variables x variable:
        str  name                  (e.g. "encoder/conv1/weight")
        u8   rank
        u32  dims[rank]
        u8   dtype                 (see DTYPES below)
        u32  num_bytes
        u8   data[num_bytes]       (row-major)
    u32  num_aliases
    num_aliases x (str alias, str target)

where `str` is a u16 byte length followed by that many bytes, the last of
which is a NUL terminator.  Scalars (rank 0) hold spec attributes such as
the activation type or the number of heads.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

import numpy as np

# CTranslate2's DataType enum (include/ctranslate2/types.h).
DTYPES = {
    0: np.dtype("<f4"),  # float32
    1: np.dtype("i1"),  # int8
    2: np.dtype("<i2"),  # int16
    3: np.dtype("<i4"),  # int32
    4: np.dtype("<f2"),  # float16
    # 5 is bfloat16, which numpy cannot hold natively; not used by this file.
}


@dataclass
class Ct2Model:
    binary_version: int
    spec_name: str
    spec_revision: int
    variables: dict[str, np.ndarray] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)

    def get(self, name: str) -> np.ndarray:
        """Look a variable up, following an alias if there is one."""
        name = self.aliases.get(name, name)
        return self.variables[name]


class _Cursor:
    def __init__(self, buf: bytes):
        self.buf = buf
        self.pos = 0

    def take(self, n: int) -> bytes:
        if self.pos + n > len(self.buf):
            raise ValueError(f"model.bin truncated at byte {self.pos} (wanted {n} more)")
        out = self.buf[self.pos : self.pos + n]
        self.pos += n
        return out

    def u8(self) -> int:
        return self.take(1)[0]

    def u16(self) -> int:
        return struct.unpack("<H", self.take(2))[0]

    def u32(self) -> int:
        return struct.unpack("<I", self.take(4))[0]

    def string(self) -> str:
        raw = self.take(self.u16())
        if not raw.endswith(b"\0"):
            raise ValueError(f"string at byte {self.pos} is not NUL-terminated")
        return raw[:-1].decode("utf-8")


def read_ct2_model(path: str) -> Ct2Model:
    with open(path, "rb") as f:
        cur = _Cursor(f.read())

    version = cur.u32()
    if version != 6:
        # Versions < 6 differ (e.g. no spec revision in v1); only v6 is needed here.
        raise ValueError(f"unsupported CTranslate2 binary version {version}")
    model = Ct2Model(version, cur.string(), cur.u32())

    for _ in range(cur.u32()):
        name = cur.string()
        rank = cur.u8()
        shape = tuple(cur.u32() for _ in range(rank))
        dtype_id = cur.u8()
        if dtype_id not in DTYPES:
            raise ValueError(f"{name}: unsupported dtype id {dtype_id}")
        dtype = DTYPES[dtype_id]
        nbytes = cur.u32()
        count = int(np.prod(shape)) if shape else 1
        if nbytes != count * dtype.itemsize:
            raise ValueError(f"{name}: {nbytes} bytes for shape {shape} of {dtype}")
        arr = np.frombuffer(cur.take(nbytes), dtype=dtype).reshape(shape).copy()
        model.variables[name] = arr

    for _ in range(cur.u32()):
        alias = cur.string()
        model.aliases[alias] = cur.string()

    if cur.pos != len(cur.buf):
        raise ValueError(f"{len(cur.buf) - cur.pos} trailing bytes after the aliases")
    return model


def _pack_string(s: str) -> bytes:
    raw = s.encode("utf-8") + b"\0"
    return struct.pack("<H", len(raw)) + raw


def write_ct2_model(model: Ct2Model, path: str) -> None:
    """Write `model` back in the same format (used only to build truncated
    copies of the model for the per-layer check against ctranslate2)."""
    out = [struct.pack("<I", model.binary_version), _pack_string(model.spec_name),
           struct.pack("<I", model.spec_revision), struct.pack("<I", len(model.variables))]
    for name, arr in model.variables.items():
        arr = np.asarray(arr, order="C")  # (ascontiguousarray would turn scalars 1-d)
        out.append(_pack_string(name))
        out.append(struct.pack("<B", arr.ndim) + b"".join(struct.pack("<I", d) for d in arr.shape))
        code = next(c for c, dt in DTYPES.items() if dt == arr.dtype)
        out.append(struct.pack("<B", code))
        data = arr.astype(DTYPES[code]).tobytes()  # little-endian
        out.append(struct.pack("<I", len(data)) + data)
    out.append(struct.pack("<I", len(model.aliases)))
    for alias, target in model.aliases.items():
        out.append(_pack_string(alias) + _pack_string(target))
    with open(path, "wb") as f:
        f.write(b"".join(out))


if __name__ == "__main__":
    import sys

    m = read_ct2_model(sys.argv[1])
    print(m.binary_version, m.spec_name, m.spec_revision, len(m.variables), "variables")
    for k, v in m.variables.items():
        desc = f"{v.shape} {v.dtype}" if v.ndim else f"scalar {v.dtype} = {v.item()}"
        print(f"  {k}: {desc}")
    for a, t in m.aliases.items():
        print(f"  alias {a} -> {t}")
