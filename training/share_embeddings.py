"""Store MiniLM's embedding tables once for the judge's four int8 graphs (issue 11).

    training/.env311/bin/python training/share_embeddings.py            # share (idempotent)
    training/.env311/bin/python training/share_embeddings.py --check    # exit 1 unless already shared
    training/.env311/bin/python training/share_embeddings.py --inline   # undo: self-contained graphs again

`minilm-int8.onnx` (sentence encoder), `tox-minilm-int8.onnx` (toxicity second stage),
`school-posts-int8.onnx` (school-post model) and `spans-minilm-int8.onnx` (toxic words) all start from all-MiniLM-L6-v2 with its embeddings frozen and
quantised the same way, so their int8 word-embedding table (30522 x 384, 11.7 MB) and position table
(512 x 384) are byte for byte the same, under different names (`bert.` in the encoder, `enc.` in the
fine-tuned two). This post-export step finds every initializer of at least 64 KiB that is identical
(type, shape and bytes) in all four graphs, writes each once to `minilm-shared.bin` (4 KiB-aligned) and
rewrites the graphs to reference it as ONNX external data (data_location EXTERNAL, location, offset,
length): about 24 MB less committed and packaged. ONNX Runtime resolves the file relative to the graph's
directory when a session is created from a path, which is how the product loads them: the product does
not need the `onnx` package.

Run it after re-exporting any of the four graphs (a re-export writes its tables inline again). It
refuses, changing nothing, when the graphs' word-embedding tables differ, or when a re-exported graph
no longer holds a table the others share. Before replacing anything it runs every rewritten graph (from
its path, as the product does) and the same graph with every table inline (from memory) on a few token
sequences and requires identical outputs. Writes nothing when the files are already as it would write
them.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto
from onnx.external_data_helper import set_external_data, uses_external_data

ROOT = Path(__file__).resolve().parent.parent
MODELS = ROOT / "schoolgate" / "judge" / "models"
GRAPHS = ("minilm-int8.onnx", "tox-minilm-int8.onnx", "school-posts-int8.onnx", "spans-minilm-int8.onnx")
SHARED = "minilm-shared.bin"
MIN_BYTES = 64 * 1024  # smaller identical tensors (biases, LayerNorm, scales) are not worth a reference
ALIGN = 4096
REQUIRED = "embeddings.word_embeddings.weight_quantized"  # must be shared, or the step refuses


class Refused(Exception):
    pass


def _nbytes(t: TensorProto) -> int:
    return int(np.prod(t.dims, dtype=np.int64)) * onnx.helper.tensor_dtype_to_np_dtype(t.data_type).itemsize


def _external(t: TensorProto) -> dict[str, str]:
    return {e.key: e.value for e in t.external_data}


class Graph:
    """One graph, its initializers' bytes (inline or read from the shared file) keyed by content."""

    def __init__(self, name: str, models: Path, blob: bytes | None):
        self.name = name
        self.model = onnx.load(str(models / name), load_external_data=False)
        self.data: dict[str, bytes] = {}  # initializer name -> bytes, for tensors stored as raw bytes
        for t in self.model.graph.initializer:
            if uses_external_data(t):
                ext = _external(t)
                if ext.get("location") != SHARED:
                    raise Refused(f"{name}: initializer {t.name} is stored in {ext.get('location')!r}, not {SHARED}; "
                                  "this script only knows its own file")
                if blob is None:
                    raise Refused(f"{name} refers to {SHARED}, which is missing from {models}")
                off, length = int(ext.get("offset", 0)), int(ext.get("length", _nbytes(t)))
                if length != _nbytes(t) or off + length > len(blob):
                    raise Refused(f"{name}: {t.name} points outside {SHARED} or has the wrong length; "
                                  "re-export the graph and run this script again")
                self.data[t.name] = blob[off : off + length]
            elif t.HasField("raw_data"):
                self.data[t.name] = t.raw_data

    def key(self, t: TensorProto) -> tuple | None:
        raw = self.data.get(t.name)
        if raw is None:
            return None
        return (t.data_type, tuple(t.dims), hashlib.sha256(raw).hexdigest())

    def keys(self) -> dict[tuple, str]:
        """content key -> initializer name (the first, if a graph held the same tensor twice)."""
        out: dict[tuple, str] = {}
        for t in self.model.graph.initializer:
            k = self.key(t)
            if k is not None:
                out.setdefault(k, t.name)
        return out

    def shared_now(self) -> set[tuple]:
        return {self.key(t) for t in self.model.graph.initializer if uses_external_data(t)}

    def rewritten(self, layout: dict[tuple, tuple[int, int]]) -> onnx.ModelProto:
        """A copy whose tensors in `layout` reference the shared file; every other tensor inline."""
        m = onnx.ModelProto()
        m.CopyFrom(self.model)
        for t in m.graph.initializer:
            k = self.key(t)
            if k is None:
                continue
            if uses_external_data(t):  # back inline, exactly as the exporter wrote it
                t.raw_data = self.data[t.name]
                del t.external_data[:]
                t.ClearField("data_location")
            if k in layout:
                off, length = layout[k]
                set_external_data(t, SHARED, offset=off, length=length)
                t.ClearField("raw_data")
        return m


def _layout(keys: list[tuple], data: dict[tuple, bytes]) -> tuple[bytes, dict[tuple, tuple[int, int]]]:
    blob = bytearray()
    layout = {}
    for k in sorted(keys, key=lambda k: (-len(data[k]), k)):  # largest first, then by content: deterministic
        blob += b"\0" * (-len(blob) % ALIGN)
        layout[k] = (len(blob), len(data[k]))
        blob += data[k]
    return bytes(blob), layout


def plan(models: Path, inline: bool = False) -> tuple[bytes | None, dict[str, bytes]]:
    """(shared file bytes or None when nothing is shared, {graph file: new bytes}); raises Refused."""
    missing = [g for g in GRAPHS if not (models / g).exists()]
    if missing:
        raise Refused(f"missing from {models}: {', '.join(missing)}")
    blob = (models / SHARED).read_bytes() if (models / SHARED).exists() else None
    graphs = [Graph(g, models, blob) for g in GRAPHS]
    keys = [g.keys() for g in graphs]
    data = {}
    for g in graphs:
        for t in g.model.graph.initializer:
            if g.key(t) is not None:
                data[g.key(t)] = g.data[t.name]

    if inline:
        return None, {g.name: g.rewritten({}).SerializeToString() for g in graphs}

    # A table some graph already takes from the shared file must still be in every graph: a re-export
    # that changed it (unfrozen embeddings, another base model) is refused, not quietly given its own copy.
    for k in set().union(*(g.shared_now() for g in graphs)):
        users = [g.name for g, ks in zip(graphs, keys) if k in ks]
        for g, ks in zip(graphs, keys):
            if k not in ks:
                raise Refused(f"{g.name} no longer holds the table {users and keys[GRAPHS.index(users[0])][k]!r} that "
                              f"{', '.join(users)} take from {SHARED} (its own copy differs): was it exported from another "
                              "base model or with the embeddings trained? Nothing was changed. If that is intended, run "
                              "with --inline to make every graph self-contained again.")
    tables = []
    for g in graphs:
        mine = [t for t in g.model.graph.initializer if t.name.endswith(REQUIRED)]
        if len(mine) != 1 or g.key(mine[0]) is None:
            raise Refused(f"{g.name}: expected one raw int8 initializer named *{REQUIRED}, found {len(mine)}; nothing was changed")
        tables.append(g.key(mine[0]))
    if len(set(tables)) != 1:
        odd = [g.name for g, k in zip(graphs, tables) if tables.count(k) == 1]
        raise Refused(f"the word-embedding tables differ ({', '.join(odd) or 'all of them'} differ from the others), "
                      "so there is nothing to share; nothing was changed")

    common = set(keys[0]).intersection(*keys[1:])
    shared = [k for k in common if len(data[k]) >= MIN_BYTES]
    new_blob, layout = _layout(shared, data)
    return new_blob, {g.name: g.rewritten(layout).SerializeToString() for g in graphs}


def _session(model: str | bytes):
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    opts.inter_op_num_threads = 1
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    return ort.InferenceSession(model, opts, providers=["CPUExecutionProvider"])


def _probe_inputs() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(11)
    ids = rng.integers(0, 30522, size=(3, 40), dtype=np.int64)
    ids[0, :4] = [101, 0, 30521, 102]  # both ends of the table
    mask = np.ones_like(ids)
    mask[1, 25:] = 0
    mask[2, 7:] = 0
    return {"input_ids": ids, "attention_mask": mask}


def _inline_bytes(model_bytes: bytes, blob: bytes | None) -> bytes:
    m = onnx.ModelProto()
    m.ParseFromString(model_bytes)
    for t in m.graph.initializer:
        if uses_external_data(t):
            ext = _external(t)
            off, length = int(ext["offset"]), int(ext["length"])
            t.raw_data = blob[off : off + length]
            del t.external_data[:]
            t.ClearField("data_location")
    return m.SerializeToString()


def verify(staging: Path, blob: bytes | None, graphs: dict[str, bytes]) -> None:
    """Each staged graph, loaded from its path, gives exactly the outputs of the same graph held inline."""
    feed = _probe_inputs()
    for name, new in graphs.items():
        got = _session(str(staging / name)).run(None, feed)
        want = _session(_inline_bytes(new, blob)).run(None, feed)
        for a, b in zip(got, want):
            if a.shape != b.shape or a.tobytes() != b.tobytes():
                raise Refused(f"{name}: the rewritten graph's outputs differ from the inline graph's; nothing was changed")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--models-dir", type=Path, default=MODELS)
    ap.add_argument("--check", action="store_true", help="change nothing; exit 1 unless the files are already shared")
    ap.add_argument("--inline", action="store_true", help="undo: every table back inside its graph, shared file removed")
    args = ap.parse_args(argv)
    models: Path = args.models_dir
    try:
        blob, graphs = plan(models, inline=args.inline)
    except Refused as e:
        print(f"share_embeddings: refused: {e}", file=sys.stderr)
        return 2
    bin_path = models / SHARED
    current_blob = bin_path.read_bytes() if bin_path.exists() else None
    stale = [n for n, b in graphs.items() if (models / n).read_bytes() != b]
    if not stale and current_blob == blob:
        print(f"share_embeddings: {models} already as it should be; nothing written")
        return 0
    if args.check:
        print(f"share_embeddings: not up to date: {', '.join(stale) or SHARED}; run training/share_embeddings.py", file=sys.stderr)
        return 1
    before = sum((models / n).stat().st_size for n in GRAPHS) + (len(current_blob) if current_blob is not None else 0)
    staging = Path(tempfile.mkdtemp(prefix=".share-", dir=models))
    try:
        if blob is not None:
            (staging / SHARED).write_bytes(blob)
        for n, b in graphs.items():
            (staging / n).write_bytes(b)
        try:
            verify(staging, blob, graphs)
        except Refused as e:
            print(f"share_embeddings: refused: {e}", file=sys.stderr)
            return 2
        if blob is not None:
            os.replace(staging / SHARED, bin_path)
        for n in graphs:
            os.replace(staging / n, models / n)
        if blob is None and bin_path.exists():
            bin_path.unlink()
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    after = sum((models / n).stat().st_size for n in GRAPHS) + (len(blob) if blob is not None else 0)
    shared_note = f"{SHARED} {len(blob):,} bytes" if blob is not None else f"no {SHARED}"
    print(f"share_embeddings: rewrote {', '.join(stale) or 'nothing'}; {shared_note}; "
          f"graphs + shared file {before:,} -> {after:,} bytes")
    return 0


def run() -> None:
    """For the export scripts' last line: share, and stop the script with the reason if sharing is refused."""
    if main([]):
        raise SystemExit("share_embeddings refused (see above); the re-exported graph is in place, unshared")


if __name__ == "__main__":
    sys.exit(main())
