"""bridge.parity: record a model's run (under real PyTorch or under bridge) and find where two runs part.

    from bridge.parity import Recorder
    with Recorder("run.csv") as rec:
        rec.watch(model)          # module outputs and parameter gradients, per step
        ...
    $ bridge-parity diff torch_run.csv port_run.csv --junit parity.xml --html parity.html

Only numpy and the standard library are used here: the recordings of real torch and of bridge are made by
the same code. The CSV schema is in schema.py; the C# twin is Bridge.Parity (src/Parity).
"""

from .diff import DiffResult, Tolerance, Tolerances, compare
from .recorder import Recorder
from .schema import HEADER, UnusableInput, read_recording

__all__ = ["Recorder", "compare", "read_recording", "DiffResult", "Tolerance", "Tolerances", "HEADER",
           "UnusableInput"]
