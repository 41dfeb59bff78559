# The package `python -m pkg` imports first.
