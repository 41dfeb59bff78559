print("mod v1")
