# from tutorial A: main.py after adding the flag before the import
import sys
sys.dont_write_bytecode = True
import math
print(math.sqrt(16))
