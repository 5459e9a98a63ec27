"""Photo checks, pure Python (no Django): image -> faces, matches, a redacted image."""
