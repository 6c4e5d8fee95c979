#!/usr/bin/env python3
"""Run model.onnx with onnxruntime on samples/batch-*.json and compare with the expected files.

    pip install -r requirements-check.txt && python check.py [--dir DIR]

Labels must be equal; probabilities within 1e-5 (absolute). Exits 1 on any mismatch.
"""

import argparse
import json
import pathlib
import sys

import numpy as np
import onnxruntime as ort

TOLERANCE = 1e-5


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=pathlib.Path, default=pathlib.Path(__file__).resolve().parent)
    args = parser.parse_args()

    session = ort.InferenceSession(str(args.dir / "model.onnx"), providers=["CPUExecutionProvider"])
    inputs = [(i.name, i.type, i.shape) for i in session.get_inputs()]
    outputs = [(o.name, o.type, o.shape) for o in session.get_outputs()]
    print(f"onnxruntime {ort.__version__}: inputs {inputs}, outputs {outputs}")

    failures = 0
    samples = sorted((args.dir / "samples").glob("batch-*.json"))
    samples = [s for s in samples if not s.name.endswith(".expected.json")]
    if not samples:
        print("no samples/batch-*.json found")
        return 1
    for sample in samples:
        expected = json.loads(sample.with_name(sample.stem + ".expected.json").read_text())
        features = np.array(json.loads(sample.read_text())["features"], dtype=np.float32)
        probabilities, label = session.run(["probabilities", "label"], {"features": features})
        want_label = np.array(expected["label"], dtype=np.int64)
        want_prob = np.array(expected["probabilities"], dtype=np.float32)
        max_diff = float(np.max(np.abs(probabilities - want_prob)))
        labels_ok = label.dtype == np.int64 and np.array_equal(label, want_label)
        probs_ok = probabilities.shape == want_prob.shape and max_diff <= TOLERANCE
        status = "ok" if labels_ok and probs_ok else "MISMATCH"
        print(f"{sample.name}: {len(features)} rows, labels {'equal' if labels_ok else 'DIFFER'}, "
              f"max |probability difference| {max_diff:.3g}, "
              f"bit-identical probabilities {np.array_equal(probabilities, want_prob)}: {status}")
        failures += status != "ok"
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
