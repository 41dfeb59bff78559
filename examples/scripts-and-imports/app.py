# Run me as `python app.py`: I import mod, so mod gets a cache file; I do not.
import mod

print("app ran, mod says", mod.GREETING)
