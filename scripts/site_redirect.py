#!/usr/bin/env python3
"""Write a site that sends readers to the published book (Read the Docs' build, .readthedocs.yaml).

    python scripts/site_redirect.py OUTPUT_DIR [--to URL]

Read the Docs cannot install the interpreters the book's evidence needs (no root for
scripts/install_pythons.py, no 2.7 or 3.6 for its image), so it would publish a book checked on
two versions. It publishes this instead: ``index.html`` and ``404.html`` that forward every path
to the same path on the book's own site, the GitHub Pages site built by
.github/workflows/book.yml on 2.7 and 3.6 to 3.15. The target is ``--to`` or
``$PYCACHE_BOOK_SITE`` (set in the Read the Docs project's environment variables); without one
the build fails rather than publish a page that leads nowhere.
"""
from __future__ import annotations

import argparse
import html
import json
import os
import sys
from pathlib import Path

ENV_VAR = "PYCACHE_BOOK_SITE"
PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>When CPython reads and writes bytecode: moved</title>
<meta name="robots" content="noindex">
<link rel="canonical" href="{url}">
<noscript><meta http-equiv="refresh" content="0; url={url}"></noscript>
<script>
// The same page on the book's site: drop Read the Docs' /<language>/<version>/ prefix.
var rest = window.location.pathname.replace(/^\\/[a-z][a-z](-[a-z]+)?\\/[^\\/]+\\//, "").replace(/^\\//, "");
window.location.replace({target} + rest + window.location.hash);
</script>
</head>
<body>
<p>The book lives at <a href="{url}">{url}</a>: its evidence is checked on CPython 2.7 and 3.6 to
3.15 there, which this host cannot install.</p>
</body>
</html>
"""


def page(site: str) -> str:
    site = site if site.endswith("/") else site + "/"
    return PAGE.format(url=html.escape(site, quote=True), target=json.dumps(site))


def write(output: Path, site: str) -> list[Path]:
    output.mkdir(parents=True, exist_ok=True)
    written = []
    for name in ("index.html", "404.html"):
        path = output / name
        path.write_text(page(site), encoding="utf-8")
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("output", type=Path)
    parser.add_argument("--to", default=os.environ.get(ENV_VAR, ""))
    args = parser.parse_args(argv)
    if not args.to.startswith(("https://", "http://")):
        print("site_redirect: no site to send readers to: set %s (the GitHub Pages address, "
              "https://OWNER.github.io/REPOSITORY/) or pass --to" % ENV_VAR, file=sys.stderr)
        return 2
    for path in write(args.output, args.to):
        print("site_redirect: %s -> %s" % (path, args.to))
    return 0


if __name__ == "__main__":
    sys.exit(main())
