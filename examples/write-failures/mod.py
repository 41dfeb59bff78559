# The module every scenario of this chapter imports.
X = 1
