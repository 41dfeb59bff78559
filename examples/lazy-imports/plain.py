# Any Python: an ordinary import that the script never uses.
import pycache

import mod

pycache.show("at the end")
