# A script that imports a standard-library module and a module from the folder sub/.
import json
import sys

sys.path.insert(0, "sub")
import helper
