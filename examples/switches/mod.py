# A module to import. The lab plants a cache file for it to see whether a run reads one.
GREETING = "hello"
