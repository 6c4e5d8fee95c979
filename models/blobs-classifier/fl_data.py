#!/usr/bin/env python3
"""The federated-training data of the DeAI Chain demo: the blobs-classifier's 450 training rows
split into five non-IID shards, its 150 held-out rows as the evaluation set, and an untrained
base model to start from.

Deterministic: the same data as train.py (its seed and generator), a fixed split, and the
graph train.py builds. Running it twice writes the same bytes.

    python fl_data.py [--out DIR]      (default: fl/ beside this script)

writes:
    shard-0.json ... shard-4.json   {"features": [[f0, f1, f2, f3], ...], "labels": [...]}
    eval.json                       the 150 held-out rows, same format
    base.onnx                       the MLP with its initial (untrained) weights

Non-IID: shard k takes up to 72 rows of its major class (k mod 3) and up to 9 of each other
class, from what the shards before it left: shards 0, 1 and 2 get 72 + 9 + 9 rows, each mostly
one class, and together cover all three evenly; shards 3 and 4 get what remains (79 and 60 rows
with this seed). The e2e test gives shards 0-2 to honest participants, 3 to a free-rider (its
rows unused) and 4 to a poisoner.
"""

import argparse
import pathlib

import numpy as np

import train

N_SHARDS = 5
ROWS_PER_SHARD = 90
MAJOR_ROWS = 72
BASE_SEED = 7


def shards(x, y):
    """Non-IID shards: each takes up to MAJOR_ROWS of its major class and up to an equal part of
    the rest from each other class, among the rows the shards before it left."""
    by_class = [list(np.flatnonzero(y == c)) for c in range(train.N_CLASSES)]
    taken = [0] * train.N_CLASSES
    out = []
    for k in range(N_SHARDS):
        major = k % train.N_CLASSES
        minors = [c for c in range(train.N_CLASSES) if c != major]
        wanted = {major: MAJOR_ROWS}
        per_minor = (ROWS_PER_SHARD - MAJOR_ROWS) // len(minors)
        for c in minors:
            wanted[c] = per_minor
        rows = []
        for c in sorted(wanted):
            rows += by_class[c][taken[c] : taken[c] + wanted[c]]
            taken[c] += wanted[c]
        out.append(sorted(rows))
    return out


def dataset(path, x, y):
    train.write_json(
        path,
        [("features", [train.f32_list(r) for r in x]), ("labels", [int(v) for v in y])],
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    here = pathlib.Path(__file__).resolve().parent
    parser.add_argument("--out", type=pathlib.Path, default=here / "fl")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    rng = np.random.default_rng(train.SEED)
    x, y = train.make_data(rng)
    x_train, y_train = x[: train.N_TRAIN], y[: train.N_TRAIN]
    x_test, y_test = x[train.N_TRAIN :], y[train.N_TRAIN :]
    for k, rows in enumerate(shards(x_train, y_train)):
        dataset(args.out / f"shard-{k}.json", x_train[rows], y_train[rows])
        counts = np.bincount(y_train[rows], minlength=train.N_CLASSES)
        print(f"shard-{k}: {len(rows)} rows, classes {counts.tolist()}")
    dataset(args.out / "eval.json", x_test, y_test)

    # The base: train.py's initialisation (He-scaled normal weights, zero biases), untrained.
    init = np.random.default_rng(BASE_SEED)
    params = [
        (init.standard_normal((train.N_FEATURES, train.N_HIDDEN)) * np.sqrt(2.0 / train.N_FEATURES)),
        np.zeros(train.N_HIDDEN),
        (init.standard_normal((train.N_HIDDEN, train.N_CLASSES)) * np.sqrt(2.0 / train.N_HIDDEN)),
        np.zeros(train.N_CLASSES),
    ]
    params = [p.astype(np.float32) for p in params]
    (args.out / "base.onnx").write_bytes(train.build_model(params).SerializeToString())
    _, pred = train.forward_f32(params, x_test)
    print(f"base.onnx: held-out accuracy {np.mean(pred == y_test):.4f} (untrained)")


if __name__ == "__main__":
    main()
