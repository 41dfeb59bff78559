# Imported by runtime_switch.py after it sets sys.dont_write_bytecode.
VALUE = 2
