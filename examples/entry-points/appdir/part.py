# Imported by appdir/__main__.py.
GREETING = "hello"
