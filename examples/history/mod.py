print("mod, first version")
