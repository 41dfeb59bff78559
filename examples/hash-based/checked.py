# A module that says which version of its code ran (the page edits v1 into v2).
print("checked=v1")
