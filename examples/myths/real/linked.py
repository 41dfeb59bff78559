print("real module imported")
