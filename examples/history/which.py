# Imports mod and prints the name of the file it says it came from (on any Python from 2.7 on):
#   python which.py
import os

import mod

print("file=%s" % os.path.basename(mod.__file__))
