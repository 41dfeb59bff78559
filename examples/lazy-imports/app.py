# Python 3.15+: `python app.py`. The lazy statement binds `mod` without loading it.
import pycache

lazy import mod

pycache.show("after the statement")
print("first use:", mod.answer)
pycache.show("after the first use")
