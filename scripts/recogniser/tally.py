#!/usr/bin/env python3
"""Tallies `groundprobe run --json` word lines of clips named `<label>_….wav`: for digit
labels, open accuracy (normalised heard text = the digit) and snapped accuracy (the word
matched is the digit); for other labels, how many were matched to a vocabulary word
anyway (a false snap). One line per JSON file given."""
import json
import re
import sys

DIGITS = "zero one two three four five six seven eight nine".split()


def tally(path):
    digits = {"n": 0, "open": 0, "snapped": 0, "wrong": 0}
    others = {"n": 0, "snapped": 0}
    ms = None
    with open(path) as lines:
        for line in lines:
            d = json.loads(line)
            if "recognition" in d:
                ms = d["recognition"]["recognise_ms"]
            if d.get("type") != "word" or "heard" not in d:
                continue
            label = d["file"].rsplit("/", 1)[-1].split("_")[0]
            heard = d["heard"]
            if label.isdigit():
                digits["n"] += 1
                norm = re.sub(r"[^a-z0-9 ]", "", heard["text"].lower()).strip()
                digits["open"] += norm in (DIGITS[int(label)], label)
                digits["snapped"] += heard["word"] == label
                digits["wrong"] += heard["word"] not in (None, label)
            else:
                others["n"] += 1
                others["snapped"] += heard["word"] is not None
    n = max(digits["n"], 1)
    cost = f"recognise p50 {ms['p50']:.0f} / p95 {ms['p95']:.0f} ms" if ms else ""
    print(
        f"{path}: digits {digits['n']}: open {digits['open'] / n:.3f}, "
        f"snapped {digits['snapped'] / n:.3f} ({digits['wrong']} wrong); "
        f"other words {others['n']}: {others['snapped']} snapped to a digit; {cost}"
    )


for p in sys.argv[1:]:
    tally(p)
