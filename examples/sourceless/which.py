# Imports mod and prints which file it came from (its name only), on any Python from 2.7 on:
#   python which.py
import os

import mod

print("mod.__file__=%s" % os.path.basename(mod.__file__))
