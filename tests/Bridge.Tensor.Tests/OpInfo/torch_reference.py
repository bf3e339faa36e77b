"""Reference values for the OpInfo tests, from PyTorch (never from Bridge): reads cases as JSON on stdin,
writes each op's result (and the gradients of result.sum() for float64 inputs that want them) as JSON."""
import json
import sys

import torch

torch.set_num_threads(1)
DTYPES = {name: getattr(torch, name) for name in
          ["float32", "float64", "int64", "bool", "uint8", "int8", "int16", "int32", "float16", "bfloat16"]}
FAMILY_ARITY = {"Unary": 1, "Reduction": 1, "Binary": 2, "Comparison": 2}


def number(v):
    v = float(v)
    return "NaN" if v != v else "Infinity" if v == float("inf") else "-Infinity" if v == float("-inf") else repr(v)


def build(spec, grad):
    values = [float(v) for v in spec["values"]]
    base = torch.tensor(values, dtype=torch.float64).to(DTYPES[spec["dtype"]]).reshape(spec["base"])
    layout = spec["layout"]
    if layout == "transposed":
        base = base.t()
    elif layout == "strided":
        base = base[::2]
    elif layout == "expanded":
        base = base.expand(*spec["shape"])
    if grad:
        base = base.detach().requires_grad_(True)
    return base


def resolve(name):
    """torch.<name>, or torch.special.<rest> for the special_* ops torch exposes only there (special_i0e)."""
    if hasattr(torch, name) or not name.startswith("special_"):
        return getattr(torch, name)
    return getattr(torch.special, name[len("special_"):])


def run(case):
    op = resolve(case["op"])
    grad = case["grad"]
    inputs = [build(s, grad) for s in case["inputs"]]
    out = op(*inputs)
    result = {"dtype": str(out.dtype).replace("torch.", ""), "shape": list(out.shape),
              "values": [number(v) for v in out.detach().double().reshape(-1).tolist()]}
    if grad:
        out.sum().backward()
        result["grads"] = [[number(v) for v in (t.grad if t.grad is not None else torch.zeros_like(t)).reshape(-1).tolist()]
                           for t in inputs]
    return result


def run_widened(case):
    """torch's CUDA result where its CPU refuses float16 ("exp_vml_cpu" not implemented for 'Half'): CUDA computes
    these in float32 and rounds each result once, so: the op on the inputs widened to float32, rounded back."""
    op = resolve(case["op"])
    inputs = [build(s, False) for s in case["inputs"]]
    out = op(*[t.float() if t.dtype == torch.float16 else t for t in inputs])
    if out.dtype == torch.float32:
        out = out.half()
    return {"dtype": str(out.dtype).replace("torch.", ""), "shape": list(out.shape),
            "values": [number(v) for v in out.double().reshape(-1).tolist()]}


def main():
    cases = json.load(sys.stdin)
    out = []
    for case in cases:
        try:
            out.append(run(case))
        except Exception as e:  # torch rejects the input: the engine must reject it too
            out.append({"error": f"{type(e).__name__}: {e}"})
            if "_cpu\" not implemented for 'Half'" in str(e):
                try:
                    out[-1]["device"] = run_widened(case)
                except Exception:  # refused in float32 too (bitwise ops): CUDA refuses it as well
                    pass
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
