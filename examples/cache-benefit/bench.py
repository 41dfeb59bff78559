"""A module with one function to time: it is the same code however the module was loaded."""


def work(n):
    total = 0
    for i in range(n):
        if i % 3:
            total += i * 2
        else:
            total -= i // 7
    return total
