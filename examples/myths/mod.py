print("mod imported")
