"""The judge's four MiniLM graphs take their embedding tables from one file (`training/share_embeddings.py`).

`minilm-int8.onnx`, `tox-minilm-int8.onnx`, `school-posts-int8.onnx` and `spans-minilm-int8.onnx` hold the same int8 word-embedding
table (30522 x 384) and position table; they are stored once, in `minilm-shared.bin`, as ONNX external
data. These tests read the graphs' protocol buffers directly (the product does not depend on the `onnx`
package) and check that sharing changed no output: each graph as the product loads it, against the same
graph with the tables put back inline and loaded from memory.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest

from schoolgate.judge import embeddings, school_heads
from schoolgate.judge import toxicity_transformer as tt

MODELS = Path(embeddings.__file__).resolve().parent / "models"
GRAPHS = ("minilm-int8.onnx", "tox-minilm-int8.onnx", "school-posts-int8.onnx", "spans-minilm-int8.onnx")
SHARED = "minilm-shared.bin"
WORD_TABLE = "embeddings.word_embeddings.weight_quantized"
POSITION_TABLE = "embeddings.position_embeddings.weight_quantized"
# sha256 of the int8 tables inside the four graphs as exported (identical in all four, before sharing).
TABLE_SHA256 = {
    WORD_TABLE: "2655fab7816f43efb3fad20f05446eb86b486521b298db97d541c7a9c4d2202d",
    POSITION_TABLE: "584af1a844ce93e0b3bcd433c87a7a8334695535117b49c11b408ebadc6138c0",
}
TEXTS = [
    "Thank you Miss Patel for a lovely nativity!",
    "You are a useless idiot and everyone knows it.",
    "Let's all report her page tonight.",
    "Can someone tell me when the PE kit needs to come in?",
    "He'd better watch himself at the school gate, I'll sort him out.",
    "",
    "ok",
    "The head teacher has ignored three emails about the bullying in Year 4 and nobody cares.",
]


# --- a few fields of ONNX's protocol buffers (onnx.proto3 field numbers) ---------------------------------
# ModelProto.graph = 7; GraphProto.initializer = 5; TensorProto: dims 1, data_type 2, name 8, raw_data 9,
# external_data 13 (StringStringEntryProto: key 1, value 2), data_location 14 (1 = EXTERNAL).

def _varint(buf: bytes, i: int) -> tuple[int, int]:
    n = shift = 0
    while True:
        b = buf[i]
        i += 1
        n |= (b & 0x7F) << shift
        shift += 7
        if b < 0x80:
            return n, i


def _fields(buf: bytes):
    """(field number, wire type, value, the field's encoded bytes) for each field of a message."""
    i = 0
    while i < len(buf):
        start = i
        tag, i = _varint(buf, i)
        no, wt = tag >> 3, tag & 7
        if wt == 0:
            val, i = _varint(buf, i)
        elif wt == 2:
            n, i = _varint(buf, i)
            val, i = buf[i : i + n], i + n
        elif wt == 5:
            val, i = buf[i : i + 4], i + 4
        elif wt == 1:
            val, i = buf[i : i + 8], i + 8
        else:
            raise ValueError(f"wire type {wt}")
        yield no, wt, val, buf[start:i]


def _enc_varint(n: int) -> bytes:
    out = bytearray()
    while True:
        b, n = n & 0x7F, n >> 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _field(no: int, payload: bytes) -> bytes:
    return _enc_varint(no << 3 | 2) + _enc_varint(len(payload)) + payload


def _graph(model: bytes) -> bytes:
    return next(v for no, wt, v, _ in _fields(model) if no == 7)


def _tensors(model: bytes) -> dict[str, dict]:
    """name -> {"raw": inline bytes or None, "external": {key: value} or None, "fields": encoded fields}."""
    out = {}
    for no, _, val, _ in _fields(_graph(model)):
        if no != 5:
            continue
        t = {"raw": None, "external": None, "fields": []}
        ext = {}
        location = 0
        for fno, _, fval, enc in _fields(val):
            if fno == 8:
                t["name"] = fval.decode()
            elif fno == 9:
                t["raw"] = fval
            elif fno == 13:
                entry = {k: v.decode() for k, _, v, _ in _fields(fval)}
                ext[entry[1]] = entry.get(2, "")
            elif fno == 14:
                location = fval
            if fno not in (13, 14):
                t["fields"].append(enc)
        if location == 1:
            t["external"] = ext
        out[t["name"]] = t
    return out


def _inline(model: bytes, directory: Path) -> bytes:
    """The same model with every external tensor's bytes put back inline (what the exporter wrote)."""
    files: dict[str, bytes] = {}
    graph_out = bytearray()
    for no, _, val, enc in _fields(_graph(model)):
        if no != 5:
            graph_out += enc
            continue
        fields = list(_fields(val))
        if not any(fno == 14 and fval == 1 for fno, _, fval, _ in fields):
            graph_out += enc
            continue
        ext = {}
        for fno, _, fval, _ in fields:
            if fno == 13:
                entry = {k: v.decode() for k, _, v, _ in _fields(fval)}
                ext[entry[1]] = entry.get(2, "")
        data = files.setdefault(ext["location"], (directory / ext["location"]).read_bytes())
        off = int(ext.get("offset", 0))
        raw = data[off : off + int(ext["length"])]
        tensor = b"".join(e for fno, _, _, e in fields if fno not in (13, 14)) + _field(9, raw)
        graph_out += _field(5, tensor)
    out = bytearray()
    for no, _, _, enc in _fields(model):
        out += _field(7, bytes(graph_out)) if no == 7 else enc
    return bytes(out)


def _session(model: bytes):
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    opts.inter_op_num_threads = 1
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    return ort.InferenceSession(model, opts, providers=["CPUExecutionProvider"])


def _table(name: str, suffix: str) -> dict:
    tensors = _tensors((MODELS / name).read_bytes())
    found = [t for n, t in tensors.items() if n.endswith(suffix)]
    assert len(found) == 1, f"{name}: {len(found)} tensors named *{suffix}"
    return found[0]


# --- the files ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("suffix", [WORD_TABLE, POSITION_TABLE])
def test_the_graphs_reference_the_same_bytes_of_one_shared_file(suffix):
    refs = []
    for name in GRAPHS:
        t = _table(name, suffix)
        assert t["raw"] is None, f"{name} still holds its own copy of *{suffix}: run training/share_embeddings.py"
        assert t["external"] is not None, f"{name}: *{suffix} is not external data"
        refs.append((t["external"]["location"], int(t["external"].get("offset", 0)), int(t["external"]["length"])))
    assert refs[0][0] == SHARED
    assert len(set(refs)) == 1, refs  # same file, same offset, same length
    _, off, length = refs[0]
    data = (MODELS / SHARED).read_bytes()[off : off + length]
    assert len(data) == length
    assert hashlib.sha256(data).hexdigest() == TABLE_SHA256[suffix]  # the exported table, unchanged


def test_the_shared_file_holds_each_table_once_and_the_graphs_hold_none():
    data = (MODELS / SHARED).read_bytes()
    word = _table(GRAPHS[0], WORD_TABLE)["external"]
    table = data[int(word["offset"]) : int(word["offset"]) + int(word["length"])]
    assert len(table) == 30522 * 384
    assert len(data) < 2 * len(table)  # once, not once per graph
    for name in GRAPHS:
        graph = (MODELS / name).read_bytes()
        assert len(graph) < len(table)
        assert table[:4096] not in graph and table[-4096:] not in graph


# --- the outputs ----------------------------------------------------------------------------------------------

def _reference(name: str):
    return _session(_inline((MODELS / name).read_bytes(), MODELS))


def test_the_inlined_reference_really_holds_the_table():
    tensors = _tensors(_inline((MODELS / GRAPHS[1]).read_bytes(), MODELS))
    t = next(t for n, t in tensors.items() if n.endswith(WORD_TABLE))
    assert t["external"] is None and hashlib.sha256(t["raw"]).hexdigest() == TABLE_SHA256[WORD_TABLE]


def test_sentence_embeddings_are_those_of_the_graph_with_its_tables_inline():
    product = embeddings.Embedder.load()
    reference = embeddings.Embedder(_reference(embeddings.MODEL_FILE), product._tok)
    got = product._embed(TEXTS, 32)
    want = reference._embed(TEXTS, 32)
    assert got.tobytes() == want.tobytes()


@pytest.mark.parametrize("stage", [tt.TransformerStage, school_heads.SchoolPostModel])
def test_fine_tuned_logits_are_those_of_the_graph_with_its_tables_inline(stage):
    product = stage.load(tt.MODELS_DIR)  # a fresh session from the packaged path, as the judge loads it
    import json

    meta = json.loads((tt.MODELS_DIR / stage.META_FILE).read_text(encoding="utf-8"))
    reference = stage(_reference(stage.MODEL_FILE), product._tok, meta)
    got = product.logits(TEXTS)
    want = reference.logits(TEXTS)
    assert got.shape == (len(TEXTS), len(product.heads))
    assert got.tobytes() == want.tobytes()


def test_toxic_word_probabilities_are_those_of_the_graph_with_its_tables_inline():
    import json

    from schoolgate.judge import spans_transformer as st
    from schoolgate.judge.toxicity import tokens

    product = st.SpanModel.load(st.MODELS_DIR)
    meta = json.loads((st.MODELS_DIR / st.META_FILE).read_text(encoding="utf-8"))
    reference = st.SpanModel(_reference(st.MODEL_FILE), product._tok, meta)
    words = [tokens(t) for t in TEXTS]
    got = product.word_probabilities(TEXTS, words)
    want = reference.word_probabilities(TEXTS, words)
    assert [g.tobytes() for g in got] == [w.tobytes() for w in want]
    assert max(float(g.max()) for g in got if len(g)) > 0.5  # the insult is read as one


# Recorded from the inline graphs before sharing (first five texts). The school-post model is retrained
# often, so it is checked only against its own graph with the tables inline (above).
EMBEDDING_FIRST_SIX = [
    [-0.00240, 0.08161, 0.06371, -0.00165, 0.01488, 0.04859],
    [0.00728, 0.08253, -0.06263, 0.06053, -0.01854, 0.08117],
    [-0.03335, -0.01836, 0.00034, -0.02732, 0.00820, 0.06956],
    [-0.03551, 0.02095, 0.01324, -0.02436, 0.04569, -0.01999],
    [0.04708, 0.03376, 0.03649, -0.06020, 0.02283, -0.02072],
]
TOXICITY_LOGITS = [
    [-7.03528, -9.50117, -7.51533, -6.98187, -7.29135, -6.20059],
    [4.69419, -3.72976, -2.17113, 0.29310, 5.56710, 6.31857],
    [-3.56250, -7.70641, -10.26416, -8.16643, -1.86835, -3.09359],
    [-5.99130, -8.41534, -6.81999, -5.52765, -6.76208, -4.44788],
    [-1.33027, 4.68347, -5.63270, -7.25814, -1.38649, -1.46343],
]


def test_outputs_match_those_recorded_from_the_inline_graphs():
    emb = embeddings.Embedder.load()._embed(TEXTS, 32)
    np.testing.assert_allclose(emb[:5, :6], EMBEDDING_FIRST_SIX, atol=2e-5, rtol=0)
    tox = tt.TransformerStage.load(tt.MODELS_DIR).logits(TEXTS)
    np.testing.assert_allclose(tox[:5], TOXICITY_LOGITS, atol=2e-5, rtol=0)


def test_a_fine_tuned_graph_without_the_shared_file_is_reported_unavailable(tmp_path):
    import shutil

    from schoolgate.judge import spans_transformer as st

    for name in (tt.MODEL_FILE, tt.META_FILE, st.MODEL_FILE, st.META_FILE):
        shutil.copy(MODELS / name, tmp_path / name)
    # The graphs reference the tables in minilm-shared.bin; without it a session could not be made.
    assert not tt.available(tmp_path) and not st.available(tmp_path)
    shutil.copy(MODELS / SHARED, tmp_path / SHARED)
    assert tt.available(tmp_path) and st.available(tmp_path)
    assert tt.TransformerStage.load(tmp_path).logits(["You are a useless idiot."]).shape == (1, 6)
