# A second module to import. It starts without a cache file, to see whether a run writes one.
VALUE = 1
