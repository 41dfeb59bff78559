# Any Python: __lazy_modules__ asks 3.15+ to treat `import mod` in this module as lazy.
# Older versions see an ordinary variable and import mod at once.
__lazy_modules__ = ["mod"]

import pycache

import mod

pycache.show("at the end")
