# Run me as `python -W error touch_cached.py`: I import mod, then read and set its __cached__.
# With -W error a DeprecationWarning would be raised as an exception and printed here.
import mod


def attempt(action):
    try:
        action()
    except Exception as error:  # AttributeError when the attribute is gone, a warning under -W error
        return type(error).__name__
    return "ok"


def read():
    return mod.__cached__


def assign():
    mod.__cached__ = "elsewhere.pyc"


print("READ\t%s" % attempt(read))
print("SET\t%s" % attempt(assign))
