# A script that imports itself: it runs once as __main__, then once as the module self_import.
print("RUN " + __name__)
import self_import
