"""Benchmark of the judge's learned toxicity categories on the held-out validation split.

    .venv/bin/python bench/judge_toxicity.py            # add --fast to leave out both second stages

Rows without a suffix are the fast first pass alone; "+MiniLM stage 2" re-scores borderline texts
with a logistic regression on frozen MiniLM embeddings; "+fine-tuned stage 2" re-scores texts whose
first-pass probability lies in `toxicity.FINETUNED_BAND` with the fine-tuned MiniLM
(`schoolgate/judge/toxicity_transformer.py`, what the judge runs by default); ", wide band" is the same
stage with `toxicity.WIDE_BAND` (more accurate, for callers that can spend the time).

Scores Schoolgate's `ToxicityModel` and alt-profanity-check side by side, in the same run, on the
same texts: the validation rows of training/toxdata.py (never seen in training), our own held-out
benign school sentences and school-context positives. Prints a table; `evaluate()` returns the
rows so `bench/judge.py` can include them. Needs ../shared/data.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "training"))

import toxdata  # noqa: E402
from toxdata import char_f1  # noqa: E402

from schoolgate.judge.toxicity import (  # noqa: E402
    CATEGORIES,
    FINETUNED_BAND,
    FINETUNED_SKIP,
    WIDE_BAND,
    ToxicityModel,
    offsets_to_chars,
    tokens,
)

THRESHOLD = 0.5


def _f1(y: np.ndarray, pred: np.ndarray) -> float:
    tp = int(np.sum(pred & (y == 1)))
    fp = int(np.sum(pred & (y == 0)))
    fn = int(np.sum(~pred & (y == 1)))
    return 2 * tp / max(1, 2 * tp + fp + fn)


def macro_f1(y: np.ndarray, pred: np.ndarray) -> float:
    return (_f1(y, pred) + _f1(1 - y, ~pred)) / 2


def _peer():
    try:
        from profanity_check import predict_prob
    except ImportError:  # the peer is a dev dependency only
        return None
    return lambda texts: np.asarray(predict_prob(list(texts)), dtype=float) if texts else np.zeros(0)


def speed(model: ToxicityModel, texts: list[str]) -> dict:
    """Messages/s batched (batches of 256) and single-message latency p50/p99 in ms."""
    model.score_batch(texts[:256], finetuned=False)  # warm caches as a long-running process would be
    t = time.perf_counter()
    for i in range(0, len(texts), 256):
        model.score_batch(texts[i : i + 256], finetuned=False)
    batch_rate = len(texts) / (time.perf_counter() - t)
    lat = []
    for text in texts[:2000]:
        t = time.perf_counter()
        model.score(text, finetuned=False)
        lat.append((time.perf_counter() - t) * 1000)
    lat.sort()
    return {
        "batch_per_s": batch_rate,
        "p50_ms": statistics.median(lat),
        "p99_ms": lat[int(len(lat) * 0.99) - 1],
    }


def evaluate(stage2: bool = True) -> list[dict]:
    """Rows of the table; stage2 adds the MiniLM second stage's numbers beside the fast model's."""
    t0 = time.perf_counter()
    model = ToxicityModel.load()
    load_s = time.perf_counter() - t0
    ft = stage2 and model.finetuned_stage() is not None
    stage2 = stage2 and model.stage2 is not None
    peer = _peer()
    data = toxdata.load_all()
    rows: list[dict] = []

    def add(metric, dataset, n, ours, theirs=None, reference=None):
        rows.append({"metric": metric, "set": dataset, "n": n, "schoolgate": ours,
                     "profanity_check": theirs, "reference": reference})

    # OLID-style offensive vs not, on the OLID validation part.
    olid = data["olid"][1]
    texts = [r.text for r in olid]
    y = np.array([r.offensive for r in olid])
    ours = np.array(model.score_offensive_batch(texts, finetuned=False)) >= THRESHOLD
    theirs = peer(texts) >= THRESHOLD if peer else None
    add("offensive macro-F1", "OLID val", len(olid), macro_f1(y, ours),
        macro_f1(y, theirs) if peer else None, "0.829 (OffensEval 2019 best, official test)")
    if stage2:
        ours2 = np.array(model.score_offensive_batch(texts, second_stage=True, finetuned=False)) >= THRESHOLD
        add("offensive macro-F1 +MiniLM stage 2", "OLID val", len(olid), macro_f1(y, ours2))
    if ft:
        ours3 = np.array(model.score_offensive_batch(texts, finetuned=True)) >= THRESHOLD
        add("offensive macro-F1 +fine-tuned stage 2", "OLID val", len(olid), macro_f1(y, ours3))
        ours4 = np.array(model.score_offensive_batch(texts, finetuned=True, band=WIDE_BAND)) >= THRESHOLD
        add("offensive macro-F1 +fine-tuned stage 2, wide band", "OLID val", len(olid), macro_f1(y, ours4))

    # Per category, pooled over every validation row whose label for that category is known.
    val_rows = [r for name, (_, val) in data.items() if name not in ("spans", "benign", "school_pos") for r in val]
    all_texts = [r.text for r in val_rows]
    probs = model.probabilities(all_texts, finetuned=False)
    probs2 = model.probabilities(all_texts, second_stage=True, finetuned=False) if stage2 else None
    probs3 = model.probabilities(all_texts, finetuned=True, gate=CATEGORIES) if ft else None
    probs4 = model.probabilities(all_texts, finetuned=True, gate=CATEGORIES, band=WIDE_BAND) if ft else None
    peer_p = peer(all_texts) if peer else None
    for j, cat in enumerate(CATEGORIES):
        idx = [i for i, r in enumerate(val_rows) if r.labels.get(cat) is not None]
        yc = np.array([val_rows[i].labels[cat] for i in idx])
        ours = probs[idx, j] >= THRESHOLD
        theirs = peer_p[idx] >= THRESHOLD if peer else None
        sets = "+".join(sorted({val_rows[i].dataset for i in idx if val_rows[i].labels[cat]}))
        add(f"{cat} F1", f"val ({sets}), {int(yc.sum())} pos", len(idx), _f1(yc, ours),
            _f1(yc, theirs) if peer else None)
        if stage2 and cat != "threat":
            add(f"{cat} F1 +MiniLM stage 2", "same", len(idx), _f1(yc, probs2[idx, j] >= THRESHOLD))
        if ft and cat not in FINETUNED_SKIP:  # threat stays with the first pass
            add(f"{cat} F1 +fine-tuned stage 2", "same", len(idx), _f1(yc, probs3[idx, j] >= THRESHOLD))
            add(f"{cat} F1 +fine-tuned stage 2, wide band", "same", len(idx), _f1(yc, probs4[idx, j] >= THRESHOLD))

    # Toxic spans: character F1 on the SemEval-2021 validation part.
    spans = data["spans"][1]
    gold = [set(r.spans or ()) for r in spans]
    texts = [r.text for r in spans]
    ours_f = [char_f1(offsets_to_chars(p), g) for p, g in zip(model.toxic_spans_batch(texts), gold)]
    ngram_f = [char_f1(offsets_to_chars(p), g) for p, g in zip(model.toxic_spans_batch(texts, in_context=False), gold)]
    theirs_f = None
    if peer:
        # The peer has no spans: mark each word it scores as profane on its own.
        words = [tokens(r.text) for r in spans]
        flat = [r.text[s:e] for w, r in zip(words, spans) for _, s, e in w]
        wp = peer(flat)
        k = 0
        theirs_f = []
        for w, g in zip(words, gold):
            pred = {i for (_, s, e), p in zip(w, wp[k : k + len(w)]) if p >= THRESHOLD for i in range(s, e)}
            k += len(w)
            theirs_f.append(char_f1(pred, g))
    add("toxic spans char F1", "SemEval-2021 val", len(spans), float(np.mean(ours_f)),
        float(np.mean(theirs_f)) if theirs_f else None, "0.708 (SemEval-2021 best, official test)")
    add("toxic spans char F1, n-gram token model", "same", len(spans), float(np.mean(ngram_f)))
    # The official test set has far more posts with no gold span than train and trial (1 in 16): about one
    # in five (the n-gram model, which marks a word in nearly every post, scored 0.535 there). The same
    # validation posts weighted to that mix:
    empty = np.array([not g for g in gold])
    for name, f in (("", ours_f), (", n-gram token model", ngram_f)):
        f = np.array(f)
        add(f"toxic spans char F1{name}, 1 post in 5 without a span", "same, reweighted", len(spans),
            float(0.8 * f[~empty].mean() + 0.2 * f[empty].mean()),
            float(0.8 * np.array(theirs_f)[~empty].mean() + 0.2 * np.array(theirs_f)[empty].mean()) if theirs_f and not name else None)

    # Our own sentences: false positives on held-out benign school chat, recall on school positives.
    for label, (_train, val_b) in (("held-out", (None, data["benign"][1])), ("training half", (None, data["benign"][0]))):
        bt = [r.text for r in val_b]
        p = model.probabilities(bt, finetuned=False)[:, : len(CATEGORIES)]
        ours = float(np.mean(p.max(axis=1) >= THRESHOLD))
        theirs = float(np.mean(peer(bt) >= THRESHOLD)) if peer else None
        add("benign false-positive rate", f"benign_school.txt {label}", len(bt), ours, theirs, "lower is better")
        if stage2:
            p2 = model.probabilities(bt, second_stage=True, finetuned=False)[:, : len(CATEGORIES)]
            add("benign false-positive rate +MiniLM stage 2", f"benign_school.txt {label}", len(bt),
                float(np.mean(p2.max(axis=1) >= THRESHOLD)))
        if ft:
            for name, band in (("", None), (", wide band", WIDE_BAND)):
                p3 = model.probabilities(bt, finetuned=True, gate=CATEGORIES, band=band)[:, : len(CATEGORIES)]
                add(f"benign false-positive rate +fine-tuned stage 2{name}", f"benign_school.txt {label}", len(bt),
                    float(np.mean(p3.max(axis=1) >= THRESHOLD)))
    pos = data["school_pos"][1]
    pt = [r.text for r in pos]
    p = model.probabilities(pt, finetuned=False)[:, : len(CATEGORIES)]
    any_hit = float(np.mean(p.max(axis=1) >= THRESHOLD))
    right = float(np.mean([any(p[i, j] >= THRESHOLD for j, c in enumerate(CATEGORIES) if r.labels[c]) for i, r in enumerate(pos)]))
    add("school positives flagged", "school_positives.txt held-out", len(pt), any_hit,
        float(np.mean(peer(pt) >= THRESHOLD)) if peer else None)
    add("school positives, right category", "school_positives.txt held-out", len(pt), right)
    if stage2:
        p2 = model.probabilities(pt, second_stage=True, finetuned=False)[:, : len(CATEGORIES)]
        right2 = float(np.mean([any(p2[i, j] >= THRESHOLD for j, c in enumerate(CATEGORIES) if r.labels[c]) for i, r in enumerate(pos)]))
        add("school positives, right category +MiniLM stage 2", "school_positives.txt held-out", len(pt), right2)
    for name, band in ((("", None), (", wide band", WIDE_BAND)) if ft else ()):
        p3 = model.probabilities(pt, finetuned=True, gate=CATEGORIES, band=band)[:, : len(CATEGORIES)]
        add(f"school positives flagged +fine-tuned stage 2{name}", "school_positives.txt held-out", len(pt),
            float(np.mean(p3.max(axis=1) >= THRESHOLD)))
        right3 = float(np.mean([any(p3[i, j] >= THRESHOLD for j, c in enumerate(CATEGORIES) if r.labels[c]) for i, r in enumerate(pos)]))
        add(f"school positives, right category +fine-tuned stage 2{name}", "school_positives.txt held-out", len(pt), right3)

    # Speed on short messages (OLID validation tweets), after loading.
    sp = speed(model, (texts * 4)[:8000])
    add("load time (s)", "models", None, load_s)
    calm = [r.text for r in olid if not r.offensive]
    calm_rate = speed(model, (calm * 5)[:8000])["batch_per_s"]
    add("throughput (msg/s, batched)", "OLID val NOT tweets (few spans)", 8000, calm_rate, None, ">= 10000 target")
    add("throughput (msg/s, batched)", "OLID val tweets (1/3 offensive)", 8000, sp["batch_per_s"], None, ">= 10000 target")
    add("latency p50 (ms, single)", "OLID val tweets", 2000, sp["p50_ms"])
    add("latency p99 (ms, single)", "OLID val tweets", 2000, sp["p99_ms"], None, "< 2 ms target")
    if peer:
        t = time.perf_counter()
        for i in range(0, 8000, 256):
            peer((texts * 4)[i : i + 256])
        rows[-3]["profanity_check"] = 8000 / (time.perf_counter() - t)
    if stage2:
        from schoolgate.judge.embeddings import Embedder

        emb = Embedder.load()
        if hasattr(emb, "_cache"):
            emb._cache.clear()  # time real embedding, not the cache the quality rows above filled
        t = time.perf_counter()
        for i in range(0, 2000, 256):
            model.score_batch(texts[i : min(2000, i + 256)], second_stage=True, finetuned=False)
        add("throughput +MiniLM stage 2 (msg/s, batched)", "OLID val tweets", 2000, 2000 / (time.perf_counter() - t))
    for name, band in ((("", FINETUNED_BAND), (", wide band", WIDE_BAND)) if ft else ()):
        sample = texts[:2000]
        pf = model.probabilities(sample, finetuned=False)[:, [j for j, c in enumerate(CATEGORIES) if c not in FINETUNED_SKIP]]
        lo, hi = band
        frac = float(np.mean(((pf >= lo) & (pf <= hi)).any(axis=1)))
        t, c = time.perf_counter(), time.process_time()
        for i in range(0, 2000, 256):
            model.score_batch(sample[i : i + 256], finetuned=True, band=band)
        add(f"throughput +fine-tuned stage 2{name} (msg/s, batched)", f"OLID val tweets, {frac:.0%} in band", 2000,
            2000 / (time.perf_counter() - t), None, f"{2000 / max(1e-9, time.process_time() - c):.0f} per CPU-second")
    return rows


def _fmt(v) -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:.0f}" if v >= 100 else f"{v:.3f}"
    return str(v)


def format_table(rows: list[dict]) -> str:
    head = ["metric", "set", "n", "schoolgate", "profanity_check", "reference"]
    body = [[_fmt(r[h]) for h in head] for r in rows]
    widths = [max(len(h), *(len(b[i]) for b in body)) for i, h in enumerate(head)]
    line = lambda cells: "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths)) + " |"  # noqa: E731
    return "\n".join([line(head), "|" + "|".join("-" * (w + 2) for w in widths) + "|", *map(line, body)])


def main() -> None:
    print(format_table(evaluate(stage2="--fast" not in sys.argv)))


if __name__ == "__main__":
    main()
