"""Whether this interpreter is Debian's build: Debian patches site so that it lists dist-packages.

Run it with any Python (2.7 included): python layout.py
"""
import json
import site

print("dist_packages=" + json.dumps(any(p.endswith("dist-packages") for p in site.getsitepackages())))
