# The module every scenario imports lazily. Running its body prints a line, so the output shows
# when the import really happened.
print("mod: body runs")
answer = 42
