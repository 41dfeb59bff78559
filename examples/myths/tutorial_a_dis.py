# from tutorial A: its two dis examples, run as printed (they run on 2.7 too); the lines after
# "checks" print what the page compares.
import dis

def example_function(x):
    return x * 2

dis.dis(example_function)

class MyClass:
    def my_method(self):
        return "Hello, World!"

dis.dis(MyClass.my_method)

# checks: is the method's bytecode any different from a plain function's that returns the same?
def plain_function(self):
    return "Hello, World!"

method = getattr(MyClass.my_method, "__func__", MyClass.my_method)
same = (method.__code__.co_code == plain_function.__code__.co_code
        and method.__code__.co_consts == plain_function.__code__.co_consts)
print("method_same_as_function=%s" % same)
