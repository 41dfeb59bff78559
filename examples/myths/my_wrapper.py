import my_code
