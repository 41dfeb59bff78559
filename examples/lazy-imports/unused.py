# Python 3.15+: `python unused.py`. mod is imported lazily and never used.
import pycache

lazy import mod

pycache.show("at the end")
