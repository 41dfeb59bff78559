"""Check that the proposed CPython doc texts parse as CPython's documentation would parse them.

    python scripts/check_upstream.py [build/upstream]

Each ``.rst`` file written by the book build (one per CPython page) becomes a page of a throw-away
Sphinx project that knows CPython's extra markup (``impl-detail``, ``:source:``, ``:gh:``) and
resolves references against CPython's own inventory (offline first: the newest one on disk, in
the search order of ``pycache_lab/inventory.py``). The project is built with ``-W -n``: any warning, such as an unknown role or a
reference to an option that does not exist, fails the check. Exit status: Sphinx's.
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
sys.dont_write_bytecode = True

from pycache_lab import inventory  # noqa: E402

CONF = textwrap.dedent('''
    """A project with CPython's documentation markup, for checking proposed text."""
    import os
    from docutils import nodes
    from docutils.parsers.rst import Directive, directives

    project = "proposed CPython documentation"
    extensions = ["sphinx.ext.intersphinx", "sphinx.ext.extlinks"]
    nitpicky = True
    intersphinx_mapping = {{"python": {target!r}}}
    intersphinx_disabled_reftypes = []
    extlinks = {{"source": ("https://github.com/python/cpython/blob/main/%s", "%s"),
                 "gh": ("https://github.com/python/cpython/issues/%s", "gh-%s"),
                 "pypi": ("https://pypi.org/project/%s/", "%s")}}


    class ImplementationDetail(Directive):
        """CPython's ``impl-detail`` block (Doc/tools/extensions in CPython)."""

        has_content = True
        optional_arguments = 1
        final_argument_whitespace = True

        def run(self):
            box = nodes.compound(classes=["impl-detail"])
            label = nodes.paragraph()
            label += nodes.strong(text="CPython implementation detail: ")
            box += label
            self.state.nested_parse(self.content, self.content_offset, box)
            return [box]


    def setup(app):
        app.add_directive("impl-detail", ImplementationDetail)
''')


def make_project(upstream: Path, project: Path) -> list[str]:
    names = []
    for rst in sorted(upstream.glob("*.rst")):
        title = "Proposed text for %s" % rst.stem
        (project / rst.name).write_text("%s\n%s\n\n%s" % (title, "=" * len(title), rst.read_text("utf-8")),
                                        encoding="utf-8")
        names.append(rst.stem)
    index = ["Proposals", "=========", "", ".. toctree::", ""] + ["   " + n for n in names]
    (project / "index.rst").write_text("\n".join(index) + "\n", encoding="utf-8")
    (project / "conf.py").write_text(CONF.format(target=inventory.intersphinx_target()), encoding="utf-8")
    return names


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("upstream", type=Path, nargs="?", default=ROOT / "build" / "upstream")
    args = parser.parse_args(argv)
    if not args.upstream.is_dir() or not any(args.upstream.glob("*.rst")):
        print("no proposals in %s: build the book first (nox -s upstream does both)" % args.upstream,
              file=sys.stderr)
        return 2
    scratch = Path(tempfile.mkdtemp(prefix="pycache-upstream-"))
    try:
        project = scratch / "src"
        project.mkdir()
        names = make_project(args.upstream, project)
        status = subprocess.call([sys.executable, "-m", "sphinx", "-b", "dummy", "-W", "--keep-going", "-n",
                                  "-E", "-q", str(project), str(scratch / "out")])
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    drafts = sorted(p.name for p in args.upstream.glob("*.md"))
    print("%s: %d proposed page(s) checked (%s); %d issue draft(s)"
          % ("ok" if status == 0 else "FAILED", len(names), ", ".join(names), len(drafts)))
    return status


if __name__ == "__main__":
    sys.exit(main())
