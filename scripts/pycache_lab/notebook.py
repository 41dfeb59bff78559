"""In a page's Jupyter kernel: a cell that fails because a scenario failed is reported, not raised.

A scenario that raised on one interpreter gives a ``Failed`` result (see ``failed``), which claims
record as a drift. Display code written before that possibility (or doing arithmetic on a result)
may still raise on it; in the build that would end the page with a Jupyter traceback and lose the
claims after it. ``install`` adds an IPython AST transformer to the kernel: when such a cell
raises *after a scenario of the page failed*, the error is recorded in the page's ledger fragment
(``page_errors``, listed at the end of the build) and the page goes on. A cell that raises while
no scenario failed raises as before: that is a bug of the page, not an observation.
"""
from __future__ import annotations

import ast
import traceback
from typing import Any, Callable

from .failed import Failed, _library

GUARD = "__pycache_lab_cell_failed__"
VALUE = "__pycache_lab_cell_value__"
_report: Callable[[str], None] | None = None


def install(report: Callable[[str], None]) -> bool:
    """Guard the cells of the running IPython kernel; False outside IPython."""
    global _report
    try:
        shell = get_ipython()  # noqa: F821 (a builtin inside IPython)
    except NameError:
        return False
    _report = report
    shell.user_ns[GUARD] = cell_failed
    shell.user_ns[VALUE] = cell_value
    if not any(isinstance(t, _Guard) for t in shell.ast_transformers):
        shell.ast_transformers.append(_Guard())
    return True


def cell_failed(error: BaseException) -> None:
    if Failed._made == 0 or _report is None:
        raise error
    frames = [f for f in traceback.extract_tb(error.__traceback__) if not _library(f.filename)]
    at = " at `%s`" % frames[-1].line.strip() if frames and frames[-1].line else ""
    text = "a cell failed after a scenario failed%s: %s: %s" % (at, type(error).__name__, str(error).split("\n")[0])
    print(text)
    _report(text)


def cell_value(compute: Callable[[], Any]) -> Any:
    try:
        return compute()
    except Exception as error:
        cell_failed(error)
        return None


class _Guard(ast.NodeTransformer):
    """``try: <cell> except Exception as e: guard(e)``, the last expression kept for display."""

    def visit_Module(self, node: ast.Module) -> ast.Module:
        body = list(node.body)
        if not body or any(isinstance(s, ast.ImportFrom) and s.module == "__future__" for s in body):
            return node
        last = body.pop() if isinstance(body[-1], ast.Expr) else None
        new = []
        if body:
            handler = ast.ExceptHandler(
                type=ast.Name("Exception", ast.Load()), name="__pycache_lab_error__",
                body=[ast.Expr(ast.Call(ast.Name(GUARD, ast.Load()), [ast.Name("__pycache_lab_error__", ast.Load())], []))])
            new.append(ast.Try(body=body, handlers=[handler], orelse=[], finalbody=[]))
        if last is not None:
            lazy = ast.Lambda(ast.arguments(posonlyargs=[], args=[], vararg=None, kwonlyargs=[], kw_defaults=[],
                                            kwarg=None, defaults=[]), last.value)
            new.append(ast.Expr(ast.Call(ast.Name(VALUE, ast.Load()), [lazy], [])))
        node.body = new
        return ast.fix_missing_locations(node)
