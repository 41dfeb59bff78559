# What `python -m pkg` runs.
print("pkg.__main__ ran")
