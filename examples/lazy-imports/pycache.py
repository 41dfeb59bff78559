# Imported eagerly by the scripts: what __pycache__/ holds right now, as one line.
import os


def show(moment):
    names = sorted(os.listdir("__pycache__")) if os.path.isdir("__pycache__") else []
    print("%s: __pycache__ holds %s" % (moment, names or "nothing"))
