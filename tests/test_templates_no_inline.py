"""Nothing inline in any template: the Content-Security-Policy allows no inline script, handler or style, so an
`onclick=`, a `style=` or a `<style>` block would silently stop working in the browser."""

import re
from pathlib import Path

import schoolgate

INLINE = re.compile(r"""\son[a-z]+\s*=\s*["']|\sstyle\s*=\s*["']|<style[\s>]|<script(?![^>]*\bsrc=)[^>]*>""", re.I)
# Templates rendered only into PDFs by WeasyPrint, never served to a browser, keep their own styles.
PDF_ONLY = re.compile(r"(pdf|letters/|closure_letter)", re.I)
COMMENT = re.compile(r"\{#.*?#\}")


def test_no_template_served_to_a_browser_has_inline_script_handlers_or_styles():
    found = []
    for path in Path(schoolgate.__file__).parent.rglob("templates/**/*.html"):
        if PDF_ONLY.search(path.as_posix()):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if INLINE.search(COMMENT.sub("", line)):
                found.append(f"{path.relative_to(Path(schoolgate.__file__).parent)}:{number}: {line.strip()[:100]}")
    assert not found, "\n".join(found)
