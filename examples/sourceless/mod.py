print("mod.py ran")
