def total(order):
    return order["price"] * order["qty"] + order["tax"]


print("mod ran")
