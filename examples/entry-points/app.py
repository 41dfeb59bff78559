# A script that imports helper. Give it a #! line and run it as ./app.py (or renamed ./app),
# or feed it to `python - < app.py`.
import helper

print("app ran, helper says", helper.GREETING)
