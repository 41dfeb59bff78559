# The module which.py imports; what it prints says which version of its code ran.
print("version=first")
