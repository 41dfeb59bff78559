# A module that imports another module (helper).
import helper

GREETING = helper.GREETING
print("mod ran")
