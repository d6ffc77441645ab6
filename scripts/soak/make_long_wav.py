#!/usr/bin/env python3
"""Writes MINUTES of real speech as one 48 kHz stereo 16-bit WAV (FSDD words, every
speaker, cycled, 0.25–0.65 s gaps, upsampled ×6 by linear interpolation), and its
transcript beside it (OUT.txt: the digits said, one per line; OUT.times.tsv: each with its
start and end in seconds, for scoring labels): the long-file input for
measuring that `run --max-words N FILE` keeps peak memory flat and that transcript labels
do not drift.

Usage: scripts/soak/make_long_wav.py MINUTES OUT.wav [FSDD_RECORDINGS_DIR]
Standard library only.
"""
import array
import os
import random
import sys
import wave

minutes, out = float(sys.argv[1]), sys.argv[2]
here = os.path.dirname(os.path.abspath(__file__))
fsdd = sys.argv[3] if len(sys.argv) > 3 else os.path.join(
    here, "../../../shared/data/fsdd/recordings")
names = sorted(n for n in os.listdir(fsdd) if n.endswith(".wav"))
order = [names[(k * 1009) % len(names)] for k in range(len(names))]
rng = random.Random(11)
RATE, UP = 48_000, 6
total = int(minutes * 60 * RATE)
with wave.open(out, "wb") as w:
    w.setnchannels(2)
    w.setsampwidth(2)
    w.setframerate(RATE)
    written, k, said = 0, 0, []
    while written < total:
        with wave.open(os.path.join(fsdd, order[k % len(order)])) as r:
            assert r.getframerate() == 8000 and r.getsampwidth() == 2
            src = array.array("h", r.readframes(r.getnframes()))
        said.append((order[k % len(order)].split("_")[0], written / RATE,
                     (written + len(src) * UP) / RATE))
        k += 1
        up = array.array("h")
        for a, b in zip(src, src[1:] + array.array("h", [0])):
            for j in range(UP):
                v = a + (b - a) * j // UP
                up.extend((v, v))
        up.extend([0] * (2 * int(rng.uniform(0.25, 0.65) * RATE)))
        w.writeframes(up.tobytes())
        written += len(up) // 2
stem = os.path.splitext(out)[0]
with open(stem + ".txt", "w") as t:
    t.write("".join(f"{w}\n" for w, _, _ in said))
with open(stem + ".times.tsv", "w") as t:  # not read by groundprobe: the truth, timed
    t.write("".join(f"{w}\t{a:.3f}\t{b:.3f}\n" for w, a, b in said))
print(f"{out}: {written / RATE / 60:.1f} min, {k} words")
