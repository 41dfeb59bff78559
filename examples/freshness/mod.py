print("mod=v1")
