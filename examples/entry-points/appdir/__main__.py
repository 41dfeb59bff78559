# What `python appdir` (or a zip file made of this directory) runs. It imports part, its neighbour.
import part

print("appdir ran, part says", part.GREETING)
