# Python 3.15+: `python from_app.py`. The same with `lazy from ... import`.
import pycache

lazy from mod import answer

pycache.show("after the statement")
print("first use:", answer)
pycache.show("after the first use")
