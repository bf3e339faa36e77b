"""copy.copy, copy.deepcopy and pickle of tensors, Parameters and Modules behave as torch's (issue 15)."""

import copy
import pickle
import subprocess
import sys

import pytest

import bridge


def test_deepcopy_owns_its_memory_and_keeps_class_grad_and_requires_grad():
    p = bridge.nn.Parameter(bridge.ones(3))
    (p * 2).sum().backward()
    q = copy.deepcopy(p)
    assert type(q) is bridge.nn.Parameter and q.requires_grad and q.is_leaf
    assert q.grad.tolist() == [2.0, 2.0, 2.0]
    with bridge.no_grad():
        q.add_(1)
    assert p.tolist() == [1.0, 1.0, 1.0] and q.tolist() == [2.0, 2.0, 2.0]
    del p  # the copy does not share the original's handle
    assert q.sum().item() == 6.0


def test_deepcopy_of_a_model_is_independent_of_the_original():
    bridge.manual_seed(0)
    model = bridge.nn.Sequential(bridge.nn.Linear(2, 3), bridge.nn.ReLU(), bridge.nn.Linear(3, 1))
    twin = copy.deepcopy(model)
    before = model[0].weight.tolist()
    with bridge.no_grad():
        twin[0].weight.fill_(5.0)
    assert model[0].weight.tolist() == before
    del model
    assert twin(bridge.ones(1, 2)).shape == (1, 1)


def test_deepcopy_of_a_non_leaf_that_requires_grad_is_refused_as_in_torch():
    x = bridge.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="graph leaves"):
        copy.deepcopy(x * 2)


def test_shallow_copy_shares_memory_as_torchs_does():
    x = bridge.zeros(3)
    y = copy.copy(x)
    y.add_(1)
    assert x.tolist() == [1.0, 1.0, 1.0]


def test_pickles_carry_the_data_into_another_process():
    t = bridge.arange(6).reshape(2, 3).float()
    p = bridge.nn.Parameter(bridge.full((2,), 0.5))
    blob = pickle.dumps({"t": t, "p": p, "i": bridge.tensor([1, -2]), "b": bridge.tensor([True, False])})
    back = pickle.loads(blob)
    assert back["t"].tolist() == t.tolist() and back["t"].dtype == bridge.float32
    assert type(back["p"]) is bridge.nn.Parameter and back["p"].requires_grad
    assert back["i"].dtype == bridge.int64 and back["b"].dtype == bridge.bool
    code = ("import pickle, sys, bridge; d = pickle.loads(sys.stdin.buffer.read()); "
            "print(d['t'].sum().item(), d['p'].tolist(), d['i'].tolist())")
    out = subprocess.run([sys.executable, "-c", code], input=blob, capture_output=True, timeout=120)
    assert out.returncode == 0, out.stderr.decode()
    assert out.stdout.decode().split("\n")[0] == "15.0 [0.5, 0.5] [1, -2]"


def test_a_module_pickles_and_loads_with_its_weights():
    bridge.manual_seed(1)
    model = bridge.nn.Linear(3, 2)
    again = pickle.loads(pickle.dumps(model))
    assert again.weight.tolist() == model.weight.tolist()
    x = bridge.ones(1, 3)
    assert again(x).tolist() == model(x).tolist()
