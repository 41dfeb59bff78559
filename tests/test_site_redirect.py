"""The Read the Docs build: a redirect to the book's own site (scripts/site_redirect.py)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "site_redirect.py"


def test_every_path_is_sent_to_the_same_path_on_the_site(tmp_path):
    done = subprocess.run([sys.executable, str(SCRIPT), str(tmp_path), "--to", "https://o.github.io/book"],
                          capture_output=True, text=True, env={"PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    for name in ("index.html", "404.html"):
        text = (tmp_path / name).read_text()
        assert 'window.location.replace("https://o.github.io/book/" + rest' in text
        assert 'href="https://o.github.io/book/"' in text


def test_without_a_site_the_build_fails_and_says_what_to_set(tmp_path):
    done = subprocess.run([sys.executable, str(SCRIPT), str(tmp_path)], capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin"})
    assert done.returncode == 2 and "PYCACHE_BOOK_SITE" in done.stderr
    assert list(tmp_path.iterdir()) == []
