"""Links into CPython's documentation that survive its reorganisations.

The book's references use the names of CPython 3.11's inventory. A distribution's own docs package
may be newer (Debian 13: python3.13-doc), where some objects moved: ``importlib.util.MAGIC_NUMBER``
is ``py:data`` instead of ``py:attr``, and the import system's module attributes became
``module.__cached__``, ``module.__spec__``. When intersphinx finds no target, this tries the same
name as any Python object type and then with ``module.``; a name found neither way still fails the
strict build.
"""
from __future__ import annotations


def retry_python_reference(app, env, node, contnode):
    if node.get("refdomain") != "py" or "reftarget" not in node:
        return None
    from sphinx.ext import intersphinx

    target = node["reftarget"]
    for candidate in (target, "module." + target):
        retry = node.deepcopy()
        retry["reftarget"], retry["reftype"] = candidate, "obj"
        found = intersphinx.missing_reference(app, env, retry, contnode)
        if found is not None:
            return found
    return None


def setup(app):
    app.setup_extension("sphinx.ext.intersphinx")
    app.connect("missing-reference", retry_python_reference, priority=900)  # after intersphinx's own
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
