import mod

result = mod.total({"price": 2, "qty": 3})
