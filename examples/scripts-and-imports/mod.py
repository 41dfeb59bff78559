# Imported by app.py; also runnable as `python -m mod`.
GREETING = "hello"

if __name__ == "__main__":
    print("mod ran as __main__")
