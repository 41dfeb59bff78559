# Setting the environment variable from inside the running program, then importing.
import os

os.environ["PYTHONDONTWRITEBYTECODE"] = "1"
import mod
