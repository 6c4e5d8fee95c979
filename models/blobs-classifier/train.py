#!/usr/bin/env python3
"""Train the DeAI Chain demo model "blobs-classifier" and export it as ONNX.

Deterministic end to end: a fixed seed, numpy only for the training, single-threaded BLAS,
and a hand-built ONNX graph (no exporter, no timestamps, no library version in the file), so
running it twice writes the same bytes.

    python train.py [--out DIR]

writes into DIR (default: this script's directory):
    model.onnx
    samples/batch-1.json            8 held-out rows   {"features": [[f0, f1, f2, f3], ...]}
    samples/batch-1.expected.json   {"label": [...], "probabilities": [[p0, p1, p2], ...]}
    samples/batch-2.json            32 held-out rows
    samples/batch-2.expected.json

The model: features float32 [N, 4] -> Gemm(4x16) -> Relu -> Gemm(16x3) -> Softmax(axis=1)
-> probabilities float32 [N, 3], and ArgMax(axis=1, keepdims=0) -> label int64 [N].
"""

import os

# Single-threaded BLAS before numpy is imported: one summation order, on every run.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import json  # noqa: E402
import pathlib  # noqa: E402

import numpy as np  # noqa: E402
import onnx  # noqa: E402
from onnx import TensorProto, helper, numpy_helper  # noqa: E402

SEED = 20240611
N_FEATURES = 4
N_HIDDEN = 16
N_CLASSES = 3
N_PER_CLASS = 200  # 600 samples in all
N_TRAIN = 450  # the other 150 are held out
BLOB_SPREAD = 1.1  # standard deviation of each blob, per dimension
EPOCHS = 300
LEARNING_RATE = 0.1
# A sample row is only used if its two most likely classes differ by at least this much, so the
# expected label does not depend on the last bits of one engine's float32 arithmetic.
MIN_MARGIN = 1e-3

OPSET = 13
IR_VERSION = 8


def make_data(rng):
    """Three Gaussian blobs in 4 dimensions, float64, shuffled; labels 0..2."""
    centers = np.array(
        [
            [0.0, 0.0, 0.0, 0.0],
            [3.0, 1.5, -1.0, 0.5],
            [-1.0, 3.0, 1.5, -2.0],
        ]
    )
    xs, ys = [], []
    for label, center in enumerate(centers):
        xs.append(center + BLOB_SPREAD * rng.standard_normal((N_PER_CLASS, N_FEATURES)))
        ys.append(np.full(N_PER_CLASS, label, dtype=np.int64))
    x = np.concatenate(xs)
    y = np.concatenate(ys)
    order = rng.permutation(len(y))
    # The features are float32 from the start: the model is trained on what it will be fed.
    x = x[order].astype(np.float32).astype(np.float64)
    return x, y[order]


def softmax(z):
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def train(x, y, rng):
    """Full-batch gradient descent on softmax cross-entropy, in float64."""
    w1 = rng.standard_normal((N_FEATURES, N_HIDDEN)) * np.sqrt(2.0 / N_FEATURES)
    b1 = np.zeros(N_HIDDEN)
    w2 = rng.standard_normal((N_HIDDEN, N_CLASSES)) * np.sqrt(2.0 / N_HIDDEN)
    b2 = np.zeros(N_CLASSES)
    onehot = np.eye(N_CLASSES)[y]
    n = len(y)
    for epoch in range(EPOCHS + 1):
        h_pre = x @ w1 + b1
        h = np.maximum(h_pre, 0.0)
        p = softmax(h @ w2 + b2)
        if epoch % 50 == 0:
            loss = -np.mean(np.log(p[np.arange(n), y]))
            acc = np.mean(p.argmax(axis=1) == y)
            print(f"epoch {epoch:4d}  loss {loss:.4f}  train accuracy {acc:.4f}")
        if epoch == EPOCHS:
            break
        d_logits = (p - onehot) / n
        d_w2 = h.T @ d_logits
        d_b2 = d_logits.sum(axis=0)
        d_h = (d_logits @ w2.T) * (h_pre > 0)
        d_w1 = x.T @ d_h
        d_b1 = d_h.sum(axis=0)
        w1 -= LEARNING_RATE * d_w1
        b1 -= LEARNING_RATE * d_b1
        w2 -= LEARNING_RATE * d_w2
        b2 -= LEARNING_RATE * d_b2
    return [a.astype(np.float32) for a in (w1, b1, w2, b2)]


def forward_f32(params, x):
    """The graph's math in float32: Gemm, Relu, Gemm, Softmax(axis=1), ArgMax(axis=1)."""
    w1, b1, w2, b2 = params
    x = np.asarray(x, dtype=np.float32)
    h = np.maximum(x @ w1 + b1, np.float32(0))
    logits = h @ w2 + b2
    z = logits - logits.max(axis=1, keepdims=True)
    e = np.exp(z)
    p = e / e.sum(axis=1, keepdims=True)
    assert p.dtype == np.float32
    return p, p.argmax(axis=1).astype(np.int64)


def build_model(params):
    w1, b1, w2, b2 = params
    initializers = [
        numpy_helper.from_array(w1, "fc1.weight"),
        numpy_helper.from_array(b1, "fc1.bias"),
        numpy_helper.from_array(w2, "fc2.weight"),
        numpy_helper.from_array(b2, "fc2.bias"),
    ]
    nodes = [
        helper.make_node("Gemm", ["features", "fc1.weight", "fc1.bias"], ["hidden_pre"], name="fc1"),
        helper.make_node("Relu", ["hidden_pre"], ["hidden"], name="relu"),
        helper.make_node("Gemm", ["hidden", "fc2.weight", "fc2.bias"], ["logits"], name="fc2"),
        helper.make_node("Softmax", ["logits"], ["probabilities"], name="softmax", axis=1),
        helper.make_node("ArgMax", ["probabilities"], ["label"], name="argmax", axis=1, keepdims=0),
    ]
    graph = helper.make_graph(
        nodes,
        "blobs_classifier",
        inputs=[helper.make_tensor_value_info("features", TensorProto.FLOAT, ["N", N_FEATURES])],
        outputs=[
            helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, ["N", N_CLASSES]),
            helper.make_tensor_value_info("label", TensorProto.INT64, ["N"]),
        ],
        initializer=initializers,
    )
    model = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", OPSET)],
        producer_name="deai-chain models/blobs-classifier/train.py",
        producer_version="1",
        doc_string="MLP 4-16-3 on three Gaussian blobs; input features float32 [N,4]; "
        "outputs probabilities float32 [N,3] and label int64 [N].",
    )
    model.ir_version = IR_VERSION
    onnx.checker.check_model(model, full_check=True)
    return model


def f32_list(row):
    # float32 -> Python float is exact, and repr of that float reads back as the same float32.
    return [float(np.float32(v)) for v in row]


def write_json(path, key_rows):
    """One row per line, keys in the given order, shortest round-trip floats."""
    parts = []
    for key, rows in key_rows:
        if rows and isinstance(rows[0], list):
            body = ",\n".join("  " + json.dumps(r) for r in rows)
            parts.append(f"{json.dumps(key)}: [\n{body}\n]")
        else:
            parts.append(f"{json.dumps(key)}: {json.dumps(rows)}")
    path.write_text("{" + ", ".join(parts) + "}\n")


def pick_rows(params, x_test, start, count):
    """The next `count` held-out rows from `start` whose top-2 margin is at least MIN_MARGIN."""
    rows = []
    i = start
    while len(rows) < count:
        p, _ = forward_f32(params, x_test[i : i + 1])
        top2 = np.sort(p[0])[-2:]
        if top2[1] - top2[0] >= MIN_MARGIN:
            rows.append(i)
        i += 1
    return rows, i


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=pathlib.Path, default=pathlib.Path(__file__).resolve().parent)
    args = parser.parse_args()

    rng = np.random.default_rng(SEED)
    x, y = make_data(rng)
    x_train, y_train = x[:N_TRAIN], y[:N_TRAIN]
    x_test, y_test = x[N_TRAIN:], y[N_TRAIN:]
    params = train(x_train, y_train, rng)

    _, train_pred = forward_f32(params, x_train)
    _, test_pred = forward_f32(params, x_test)
    print(f"float32 model: train accuracy {np.mean(train_pred == y_train):.4f} "
          f"({np.sum(train_pred == y_train)}/{len(y_train)}), "
          f"test accuracy {np.mean(test_pred == y_test):.4f} "
          f"({np.sum(test_pred == y_test)}/{len(y_test)})")

    out = args.out
    (out / "samples").mkdir(parents=True, exist_ok=True)
    model = build_model(params)
    (out / "model.onnx").write_bytes(model.SerializeToString())

    start = 0
    for name, count in (("batch-1", 8), ("batch-2", 32)):
        first = start
        rows, start = pick_rows(params, x_test, start, count)
        feats = x_test[rows].astype(np.float32)
        probs, labels = forward_f32(params, feats)
        write_json(out / "samples" / f"{name}.json", [("features", [f32_list(r) for r in feats])])
        write_json(
            out / "samples" / f"{name}.expected.json",
            [("label", [int(v) for v in labels]), ("probabilities", [f32_list(r) for r in probs])],
        )
        true = y_test[rows]
        skipped = (start - first) - count
        print(f"{name}: {count} held-out rows ({skipped} skipped for a small margin), "
              f"{np.sum(labels == true)}/{count} predicted as their true class")
    # Every held-out row with the float32 model's label: the ZK circuit's fixed-point labels are
    # checked against these (zk/), and the weights that circuit fixes as its constants.
    _, held_out_labels = forward_f32(params, x_test)
    write_json(
        out / "samples" / "held-out.json",
        [
            ("features", [f32_list(r) for r in x_test]),
            ("label", [int(v) for v in held_out_labels]),
            ("true_label", [int(v) for v in y_test]),
        ],
    )
    w1, b1, w2, b2 = params
    write_json(
        out / "weights.json",
        [
            ("fc1.weight", [f32_list(r) for r in w1]),
            ("fc1.bias", f32_list(b1)),
            ("fc2.weight", [f32_list(r) for r in w2]),
            ("fc2.bias", f32_list(b2)),
        ],
    )
    print(f"wrote {out / 'model.onnx'} ({(out / 'model.onnx').stat().st_size} bytes) and samples/")


if __name__ == "__main__":
    main()
