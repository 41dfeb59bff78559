# from tutorial A: the first version of main.py
import math
print(math.sqrt(16))
