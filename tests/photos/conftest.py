"""The photo-check tests' photos, drawn with the `composed` fixture (tests/conftest.py): no photo of a real person.

CenterFace finds these drawn faces (a skin-coloured oval with hair, eyes, brows, nose and mouth, softened
so the edges look photographic) when they are 40-55 pixels tall, the size of a back-row face in a class
photo; larger drawings look too flat to it. So every fixture draws its faces at that size.
"""

from __future__ import annotations

import pytest


@pytest.fixture
def face_photo(composed):
    """One drawn face, 48 px, in the middle of a 160 × 160 photo: (photo, the face's square)."""
    return composed((160, 160), [(56, 56, 48, 0)]), (56, 56, 48, 48)


@pytest.fixture
def class_photo(composed):
    """A class photo: three rows of five drawn faces, 44-52 px, rows not quite level (as children stand).
    Returns (photo, the faces' squares in reading order)."""
    placed = []
    for row in range(3):
        for col in range(5):
            size = 44 + 4 * ((row + col) % 3)
            placed.append((30 + col * 120, 30 + row * 110 + (col % 2) * 6, size, row + col))
    return composed((650, 370), placed), [(x, y, s, s) for x, y, s, _ in placed]
