"""Time models/whisper-tiny-en/encoder.onnx in onnxruntime on one thread.

    /work/venvs/whisper/bin/python scripts/whisper/bench.py [--onnx PATH ...]

Per-call latency (p50/p95) for a 0.6 s word (T = 60 mel frames), a 1.2 s
word (T = 120) and the same input padded to 30 s (T = 3000), session load
time, and the growth of peak RSS when the session is created.  The mel
content does not affect the cost, so a fixed seeded random mel is used.
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np
import onnxruntime as ort

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DEFAULT_ONNX = os.path.join(ROOT, "models", "whisper-tiny-en", "encoder.onnx")


def session(path: str) -> ort.InferenceSession:
    so = ort.SessionOptions()
    so.intra_op_num_threads = 1
    so.inter_op_num_threads = 1
    so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    return ort.InferenceSession(path, so, providers=["CPUExecutionProvider"])


def rss_mib() -> float:
    """Current resident set size of this process (Linux /proc)."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def bench(path: str) -> None:
    print(f"{path}: {os.path.getsize(path):,} bytes, onnxruntime {ort.__version__}, 1 thread, "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    rss0 = rss_mib()
    sess = session(path)
    rss1 = rss_mib()
    del sess
    loads = []
    for _ in range(5):
        t0 = time.perf_counter()
        sess = session(path)
        loads.append((time.perf_counter() - t0) * 1e3)
    print(f"  session load: median {np.median(loads):.0f} ms (min {min(loads):.0f}, 5 loads); "
          f"RSS +{rss1 - rss0:.0f} MiB for the first session")

    rng = np.random.default_rng(0)
    for label, t, runs in [("0.6 s word", 60, 300), ("1.2 s word", 120, 300), ("padded 30 s", 3000, 20)]:
        mel = rng.uniform(-1.0, 1.5, (1, 80, t)).astype(np.float32)
        for _ in range(3):  # warm-up
            sess.run(None, {"mel": mel})
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            sess.run(None, {"mel": mel})
            times.append((time.perf_counter() - t0) * 1e3)
        p50, p95 = np.percentile(times, [50, 95])
        print(f"  {label:>11} (T={t:4d}): p50 {p50:7.2f} ms   p95 {p95:7.2f} ms   "
              f"min {min(times):7.2f} ms   ({runs} calls)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--onnx", nargs="+", default=[DEFAULT_ONNX])
    for path in ap.parse_args().onnx:
        bench(path)


if __name__ == "__main__":
    main()
