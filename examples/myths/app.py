import mod
print("app ran")
