"""Moves an ONNX model's weights into a data file beside it (ONNX external data).

tract then parses the graph and reads one tensor at a time, instead of holding the whole
file's protobuf and the weights at once: for Whisper tiny.en's encoder that is 32 MB less
at the peak of loading (see models/README.md). onnxruntime and onnx read the pair as they
read one file. Deterministic: the same graph gives the same two files.

Usage: python externalise.py MODEL.onnx WEIGHTS_FILE_NAME   (run by convert.py)
"""
import os
import sys

import onnx


def externalise(path: str, weights: str) -> None:
    model = onnx.load(path)  # with any external data it already has
    data = os.path.join(os.path.dirname(os.path.abspath(path)), weights)
    if os.path.exists(data):
        os.remove(data)
    onnx.save_model(model, path, save_as_external_data=True, all_tensors_to_one_file=True,
                    location=weights, size_threshold=1024)


if __name__ == "__main__":
    externalise(sys.argv[1], sys.argv[2])
