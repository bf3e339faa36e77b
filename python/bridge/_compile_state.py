"""How deep this process is inside the Python body of a compiled step (read by hooks that must cost nothing otherwise)."""

depth = 0


def run_opaque(update):
    """Set by ``bridge._compile``: records ``update`` as one opaque call while a step is traced; False otherwise."""
    return False
