# Four writers of cache files, one module each, run with or without SOURCE_DATE_EPOCH:
#     SOURCE_DATE_EPOCH=0 python four_writers.py
import compileall
import os
import py_compile
import sys

print("SOURCE_DATE_EPOCH=%s" % os.environ.get("SOURCE_DATE_EPOCH", "(unset)"))
py_compile.compile("a.py")                   # a.py: py_compile
compileall.compile_file("b.py", quiet=1)     # b.py: compileall.compile_file
import c                                     # c.py: a plain import
sys.argv[1:] = ["-q", "d.py"]                # d.py: what `python -m compileall -q d.py` runs
compileall.main()
