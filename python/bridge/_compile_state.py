"""How deep this process is inside the Python body of a compiled step (read by hooks that must cost nothing otherwise)."""

depth = 0
opaque_tokens = []  # the tokens of the compiled step whose body runs now
