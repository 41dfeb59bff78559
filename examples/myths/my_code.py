print("my_code ran")
