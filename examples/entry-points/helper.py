# Imported by app.py and mod.py; small enough to run as a .pyc of its own.
GREETING = "hello"
