"""nn.Module's API, the containers and nn.init against torch 1.13 live: the same names, orders, printouts, errors
and initial values from the same seed."""

import collections
import math

import numpy as np
import pytest
import torch

import bridge


def build(lib):
    """One model in either library: nested containers, a buffer, a non-persistent buffer, a shared module."""
    nn = lib.nn

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(4, 3)
            self.act = nn.LeakyReLU(0.1)
            self.register_buffer("running", lib.zeros(3))
            self.register_buffer("scratch", lib.ones(2), persistent=False)

        def forward(self, x):
            return self.act(self.fc(x)) + self.running

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.block = Block()
            self.heads = nn.ModuleDict({"a": nn.Linear(3, 2), "b": nn.Sequential(nn.Linear(3, 3), nn.Tanh())})
            self.layers = nn.ModuleList([nn.Linear(3, 3), nn.ELU()])
            self.shared = self.layers[0]
            self.scale = nn.Parameter(lib.ones(1))
            self.extra = nn.ParameterList([nn.Parameter(lib.zeros(2, 3))])
            self.seq = nn.Sequential(collections.OrderedDict([("inp", nn.Linear(3, 3)), ("out", nn.Softplus())]))
            self.empty = None

        def forward(self, x):
            h = self.block(x)
            for layer in self.layers:
                h = layer(h)
            return self.heads["a"](self.seq(h)) * self.scale

    return Net()


def both():
    bridge.manual_seed(5)
    torch.manual_seed(5)
    return build(bridge), build(torch)


def test_names_orders_and_printout_match_torch():
    b, t = both()
    assert [n for n, _ in b.named_parameters()] == [n for n, _ in t.named_parameters()]
    assert [n for n, _ in b.named_parameters(recurse=False)] == [n for n, _ in t.named_parameters(recurse=False)]
    assert [n for n, _ in b.named_parameters(prefix="m")] == [n for n, _ in t.named_parameters(prefix="m")]
    assert [n for n, _ in b.named_modules()] == [n for n, _ in t.named_modules()]
    assert [n for n, _ in b.named_children()] == [n for n, _ in t.named_children()]
    assert [n for n, _ in b.named_buffers()] == [n for n, _ in t.named_buffers()]
    assert list(b.state_dict()) == list(t.state_dict())
    assert len(list(b.modules())) == len(list(t.modules()))
    assert len(list(b.parameters())) == len(list(t.parameters()))
    assert repr(b) == repr(t)
    for (nb, pb), (nt, pt) in zip(b.named_parameters(), t.named_parameters()):
        np.testing.assert_array_equal(pb.detach().numpy(), pt.detach().numpy(), err_msg=nb)


def test_forward_hooks_and_apply():
    b, t = both()
    calls = {"b": [], "t": []}
    for model, key in ((b, "b"), (t, "t")):
        model.block.fc.register_forward_pre_hook(lambda m, args, k=key: calls[k].append(("pre", tuple(args[0].shape))))
        handle = model.block.register_forward_hook(lambda m, args, out, k=key: calls[k].append(("post", type(m).__name__)))
        model.layers[1].register_forward_hook(lambda m, args, out: out * 2)
        model.apply(lambda m, k=key: calls[k].append(("apply", type(m).__name__)))
    x = np.linspace(-1, 1, 8, dtype=np.float32).reshape(2, 4)
    np.testing.assert_allclose(b(bridge.from_numpy(x)).detach().numpy(), t(torch.from_numpy(x)).detach().numpy(),
                               rtol=1e-5, atol=1e-6)
    assert calls["b"] == calls["t"]
    handle.remove()


def test_apply_with_init_draws_torchs_numbers():
    def init(lib):
        def fn(m):
            if isinstance(m, lib.nn.Linear):
                lib.nn.init.xavier_uniform_(m.weight)
                lib.nn.init.zeros_(m.bias)
        return fn
    b, t = both()
    bridge.manual_seed(9)
    torch.manual_seed(9)
    b.apply(init(bridge))
    t.apply(init(torch))
    for (nb, pb), (_, pt) in zip(b.named_parameters(), t.named_parameters()):
        np.testing.assert_array_equal(pb.detach().numpy(), pt.detach().numpy(), err_msg=nb)


def test_state_dict_round_trip_and_errors():
    b, t = both()
    sd = b.state_dict()
    assert "block.scratch" not in sd and "block.running" in sd
    b2, _ = both()
    with bridge.no_grad():
        b2.block.running.add_(1.0)
    result = b2.load_state_dict(sd)
    assert repr(result) == "<All keys matched successfully>"
    assert b2.block.running.tolist() == [0.0, 0.0, 0.0]
    bad_b, bad_t = dict(b.state_dict()), dict(t.state_dict())
    for d, lib in ((bad_b, bridge), (bad_t, torch)):
        del d["scale"]
        d["bogus.weight"] = lib.zeros(1)
        d["block.fc.bias"] = lib.zeros(5)
    with pytest.raises(RuntimeError) as eb:
        b.load_state_dict(bad_b)
    with pytest.raises(RuntimeError) as et:
        t.load_state_dict(bad_t)
    assert str(eb.value) == str(et.value)
    del bad_b["block.fc.bias"], bad_t["block.fc.bias"]
    rb, rt = b.load_state_dict(bad_b, strict=False), t.load_state_dict(bad_t, strict=False)
    assert (rb.missing_keys, rb.unexpected_keys) == (rt.missing_keys, rt.unexpected_keys)


def test_registration_rules_and_errors_match_torch():
    for lib in (bridge, torch):
        m = lib.nn.Module()
        m.register_buffer("buf", lib.zeros(2))
        m.buf = lib.ones(2)
        assert m.buf.tolist() == [1.0, 1.0]
        m.add_module("child", lib.nn.Identity())
        m.register_parameter("p", None)
        assert "p" in m._parameters and m.p is None
        assert m.get_submodule("child") is m.child
        m.train(False)
        assert not m.training and not m.child.training
    errors = []
    for lib in (bridge, torch):
        m = lib.nn.Module()
        m.register_buffer("buf", lib.zeros(2))
        m.lin = lib.nn.Linear(1, 1)
        got = []
        for action in (lambda: m.register_buffer("a.b", None), lambda: m.register_buffer("", None),
                       lambda: m.register_buffer(3, None), lambda: setattr(m, "buf", 3),
                       lambda: setattr(m, "lin", 3), lambda: m.register_parameter("buf", None),
                       lambda: m.add_module("x", 3), lambda: m.get_submodule("lin.weight"),
                       lambda: m.get_submodule("nope"), lambda: m.nope, lambda: m.train("yes"),
                       lambda: m.register_parameter("w", lib.zeros(1)),
                       lambda: setattr(m.lin, "weight", lib.zeros(1))):
            try:
                action()
                got.append(None)
            except Exception as e:
                got.append((type(e).__name__, str(e).replace("torch.nn.modules.linear.Linear", "LINEAR")
                            .replace("bridge.nn.modules.Linear", "LINEAR")))
        errors.append(got)
    assert errors[0] == errors[1]


def test_setattr_delattr_requires_grad_zero_grad():
    b, t = both()
    for m in (b, t):
        del m.layers
        assert "layers" not in dict(m.named_children())
        m.requires_grad_(False)
        assert not any(p.requires_grad for p in m.parameters())
        m.requires_grad_()
        m.seq.inp = None
        assert m.seq.inp is None
    x = bridge.ones(1, 4)
    b.block(x).sum().backward()
    assert b.block.fc.weight.grad is not None
    b.zero_grad()
    assert b.block.fc.weight.grad.abs().sum().item() == 0
    b.zero_grad(set_to_none=True)
    assert b.block.fc.weight.grad is None


def test_full_backward_hook():
    if not hasattr(bridge.Tensor, "register_hook"):
        with pytest.raises(NotImplementedError, match="register_full_backward_hook needs Tensor.register_hook"):
            bridge.nn.Linear(2, 2).register_full_backward_hook(lambda m, gi, go: None)
        pytest.skip("Tensor.register_hook is not in this build (it comes with the autograd slice)")
    seen = {}
    for lib in (bridge, torch):
        lib.manual_seed(1)
        m = lib.nn.Linear(3, 2)
        got = []
        m.register_full_backward_hook(lambda mod, gi, go: got.append((gi[0].detach().numpy().copy(), go[0].detach().numpy().copy())))
        x = lib.ones(4, 3, requires_grad=True)
        m(x).pow(2).sum().backward()
        seen[lib.__name__] = got
    assert len(seen["bridge"]) == len(seen["torch"]) == 1
    for a, b in zip(seen["bridge"][0], seen["torch"][0]):
        np.testing.assert_allclose(a, b, rtol=1e-5)


# ---- containers ----------------------------------------------------------------------------------------------

def test_sequential_indexing_slicing_append():
    for lib in (bridge, torch):
        s = lib.nn.Sequential(lib.nn.Linear(2, 2), lib.nn.ReLU(), lib.nn.Linear(2, 1))
        assert isinstance(s[-1], lib.nn.Linear) and len(s) == 3
        sub = s[1:]
        assert isinstance(sub, lib.nn.Sequential) and list(sub._modules) == ["1", "2"]
        s.append(lib.nn.Sigmoid())
        assert list(s._modules) == ["0", "1", "2", "3"]
        del s[0]
        with pytest.raises(IndexError, match="index 5 is out of range"):
            s[5]
    assert repr(bridge.nn.Sequential(bridge.nn.Linear(2, 2), bridge.nn.ReLU())[1:]) == \
        repr(torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.ReLU())[1:])


def test_module_list_and_dict():
    for lib in (bridge, torch):
        ml = lib.nn.ModuleList([lib.nn.ReLU(), lib.nn.Tanh()])
        ml.insert(1, lib.nn.Sigmoid())
        ml.extend([lib.nn.Identity()])
        ml += [lib.nn.ELU()]
        assert [type(m).__name__ for m in ml] == ["ReLU", "Sigmoid", "Tanh", "Identity", "ELU"]
        del ml[0]
        assert list(ml._modules) == ["0", "1", "2", "3"]
        assert type(ml.pop(1)).__name__ == "Tanh" and len(ml) == 3
        assert type(ml[-1]).__name__ == "ELU" and len(ml[1:]) == 2
        with pytest.raises(TypeError, match="ModuleList.extend should be called with an iterable, but got ReLU"):
            ml.extend(lib.nn.ReLU())
        md = lib.nn.ModuleDict([("x", lib.nn.ReLU()), ("y", lib.nn.Tanh())])
        md.update({"z": lib.nn.Identity()})
        assert list(md.keys()) == ["x", "y", "z"] and "y" in md and len(md) == 3
        assert type(md.pop("y")).__name__ == "Tanh" and list(md) == ["x", "z"]
        with pytest.raises(ValueError, match="ModuleDict update sequence element #0 has length 1; 2 is required"):
            md.update([("a",)])
    assert repr(bridge.nn.ModuleDict({"a": bridge.nn.ReLU()})) == repr(torch.nn.ModuleDict({"a": torch.nn.ReLU()}))


def test_parameter_list_and_dict():
    out = []
    for lib in (bridge, torch):
        pl = lib.nn.ParameterList([lib.nn.Parameter(lib.zeros(2, 3)), lib.ones(4)])
        pl.append(lib.zeros(1))
        assert all(isinstance(p, lib.nn.Parameter) for p in pl) and len(pl) == 3
        pd = lib.nn.ParameterDict({"b": lib.nn.Parameter(lib.zeros(2)), "a": lib.ones(3, 1)})
        pd["c"] = lib.zeros(1)
        m = lib.nn.Module()
        m.pl, m.pd = pl, pd
        out.append((repr(pl), repr(pd), [n for n, _ in m.named_parameters()], list(pd.keys())))
    assert out[0] == out[1]


def test_flatten_unflatten_identity():
    x = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    for args in [(), (0, 1), (1, 2)]:
        fb, ft = bridge.nn.Flatten(*args), torch.nn.Flatten(*args)
        assert repr(fb) == repr(ft)
        assert tuple(fb(bridge.from_numpy(x)).shape) == tuple(ft(torch.from_numpy(x)).shape)
    ub, ut = bridge.nn.Unflatten(2, (2, 2)), torch.nn.Unflatten(2, (2, 2))
    assert repr(ub) == repr(ut)
    np.testing.assert_array_equal(ub(bridge.from_numpy(x)).numpy(), ut(torch.from_numpy(x)).numpy())
    assert repr(bridge.nn.Identity(54, unused="x")) == repr(torch.nn.Identity(54, unused="x"))


# ---- nn.init -----------------------------------------------------------------------------------------------

INITS = [
    ("uniform_", {}), ("uniform_", {"a": -0.3, "b": 2.0}), ("normal_", {}), ("normal_", {"mean": 1.0, "std": 0.02}),
    ("xavier_uniform_", {}), ("xavier_uniform_", {"gain": 2.0}), ("xavier_normal_", {}),
    ("kaiming_uniform_", {}), ("kaiming_uniform_", {"a": math.sqrt(5)}),
    ("kaiming_uniform_", {"mode": "fan_out", "nonlinearity": "relu"}), ("kaiming_normal_", {}),
    ("kaiming_normal_", {"mode": "fan_out", "nonlinearity": "relu"}), ("constant_", {"val": 0.3}),
    ("ones_", {}), ("zeros_", {}),
]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("shape", [(5, 7), (4, 3, 3, 2), (40, 9)])
@pytest.mark.parametrize("name,kwargs", INITS, ids=[f"{n}{k}" for n, k in INITS])
def test_init_draws_torchs_numbers(name, kwargs, shape, dtype):
    bridge.manual_seed(1234)
    torch.manual_seed(1234)
    tb = bridge.empty(*shape, dtype=getattr(bridge, dtype))
    tt = torch.empty(*shape, dtype=getattr(torch, dtype))
    rb = getattr(bridge.nn.init, name)(tb, **kwargs)
    getattr(torch.nn.init, name)(tt, **kwargs)
    assert rb is tb
    np.testing.assert_array_equal(tb.numpy(), tt.numpy())


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("shape", [(6, 5), (20, 17), (3, 2, 2)])
@pytest.mark.parametrize("kwargs", [{}, {"mean": 0.5, "std": 0.2, "a": 0.1, "b": 0.8}, {"std": 0.02}])
def test_trunc_normal_draws_torchs_numbers(kwargs, shape, dtype):
    bridge.manual_seed(77)
    torch.manual_seed(77)
    tb = bridge.empty(*shape, dtype=getattr(bridge, dtype))
    tt = torch.empty(*shape, dtype=getattr(torch, dtype))
    bridge.nn.init.trunc_normal_(tb, **kwargs)
    torch.nn.init.trunc_normal_(tt, **kwargs)
    tol = dict(rtol=1e-6, atol=1e-7) if dtype == "float32" else dict(rtol=1e-13, atol=1e-14)
    np.testing.assert_allclose(tb.numpy(), tt.numpy(), **tol)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("shape,gain", [((4, 4), 1.0), ((3, 7), 2.0), ((8, 3), 1.0), ((4, 2, 3), 0.5)])
def test_orthogonal_matches_torch(shape, gain, dtype):
    bridge.manual_seed(3)
    torch.manual_seed(3)
    tb = bridge.empty(*shape, dtype=getattr(bridge, dtype))
    tt = torch.empty(*shape, dtype=getattr(torch, dtype))
    bridge.nn.init.orthogonal_(tb, gain)
    torch.nn.init.orthogonal_(tt, gain)
    tol = dict(rtol=1e-4, atol=2e-6) if dtype == "float32" else dict(rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(tb.numpy(), tt.numpy(), **tol)


def test_eye_dirac_and_gains():
    for shape in [(3, 5), (4, 2)]:
        np.testing.assert_array_equal(bridge.nn.init.eye_(bridge.empty(*shape)).numpy(),
                                      torch.nn.init.eye_(torch.empty(*shape)).numpy())
    for shape, groups in [((4, 2, 3), 1), ((6, 3, 3, 3), 2), ((2, 2, 1, 3, 3), 1)]:
        np.testing.assert_array_equal(bridge.nn.init.dirac_(bridge.empty(*shape), groups).numpy(),
                                      torch.nn.init.dirac_(torch.empty(*shape), groups).numpy())
    for args in [("linear",), ("conv2d",), ("sigmoid",), ("tanh",), ("relu",), ("leaky_relu",), ("leaky_relu", 0.2),
                 ("selu",)]:
        assert bridge.nn.init.calculate_gain(*args) == torch.nn.init.calculate_gain(*args)
    x = bridge.empty(2, 3, 4, 5)
    assert bridge.nn.init._calculate_fan_in_and_fan_out(x) == torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(2, 3, 4, 5))


def test_init_errors_match_torch():
    cases = [lambda nn, lib: nn.init.calculate_gain("foo"),
             lambda nn, lib: nn.init.calculate_gain("leaky_relu", True),
             lambda nn, lib: nn.init.xavier_uniform_(lib.empty(3)),
             lambda nn, lib: nn.init.kaiming_uniform_(lib.empty(3, 3), mode="fan_middle"),
             lambda nn, lib: nn.init.eye_(lib.empty(3)),
             lambda nn, lib: nn.init.dirac_(lib.empty(3, 3)),
             lambda nn, lib: nn.init.dirac_(lib.empty(3, 3, 3), groups=2),
             lambda nn, lib: nn.init.orthogonal_(lib.empty(3))]
    for case in cases:
        got = []
        for lib in (bridge, torch):
            with pytest.raises(Exception) as e:
                case(lib.nn, lib)
            got.append((type(e.value).__name__, str(e.value)))
        assert got[0] == got[1]


def test_linear_default_init_is_kaiming_uniform_sqrt5():
    """nn.Linear's default initialisation equals kaiming_uniform_(a=sqrt(5)) + uniform bias, as in torch."""
    torch.manual_seed(2)
    t = torch.nn.Linear(6, 4)
    bridge.manual_seed(2)
    w = bridge.empty(4, 6)
    bridge.nn.init.kaiming_uniform_(w, a=math.sqrt(5))
    np.testing.assert_array_equal(w.numpy(), t.weight.detach().numpy())


# ---- a real program's patterns (nanoGPT/makemore): tying, apply-init, ignore_index=-1, clipping -------------

def _gpt_like(lib):
    nn, F = lib.nn, lib.nn.functional

    class Tiny(nn.Module):
        def __init__(self, vocab=7, width=8):
            super().__init__()
            self.transformer = nn.ModuleDict(dict(proj=nn.Linear(vocab, width),
                                                  h=nn.ModuleList([nn.Sequential(nn.Linear(width, width), nn.SiLU())
                                                                   for _ in range(2)])))
            self.lm_head = nn.Linear(width, vocab, bias=False)
            self.register_buffer("mask", lib.ones(4, 4), persistent=False)
            self.apply(self._init_weights)
            for pn, p in self.named_parameters():
                if pn.endswith("0.weight"):
                    lib.nn.init.normal_(p, mean=0.0, std=0.02 / math.sqrt(4))

        def _init_weights(self, module):
            if isinstance(module, nn.Linear):
                lib.nn.init.normal_(module.weight, mean=0.0, std=0.02)
                if module.bias is not None:
                    lib.nn.init.zeros_(module.bias)

        def forward(self, x, targets):
            h = self.transformer.proj(x)
            for block in self.transformer.h:
                h = h + block(h)
            logits = self.lm_head(h)
            return F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1), ignore_index=-1)

    return Tiny()


def test_gpt_like_training_matches_torch():
    bridge.manual_seed(4)
    torch.manual_seed(4)
    mb, mt = _gpt_like(bridge), _gpt_like(torch)
    assert [n for n, _ in mb.named_parameters()] == [n for n, _ in mt.named_parameters()]
    assert sum(p.numel() for p in mb.parameters()) == sum(p.numel() for p in mt.parameters())
    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, 4, 7)).astype(np.float32)
    y = rng.integers(0, 7, (2, 4))
    y[0, 1] = -1
    ob = bridge.optim.SGD(mb.parameters(), lr=0.5)
    ot = torch.optim.SGD(mt.parameters(), lr=0.5)
    for _ in range(3):
        lb = mb(bridge.from_numpy(x), bridge.from_numpy(y))
        lt = mt(torch.from_numpy(x), torch.from_numpy(y))
        np.testing.assert_allclose(lb.item(), lt.item(), rtol=1e-5)
        ob.zero_grad(set_to_none=True)
        ot.zero_grad(set_to_none=True)
        lb.backward()
        lt.backward()
        nb = bridge.nn.utils.clip_grad_norm_(mb.parameters(), 0.01)
        nt = torch.nn.utils.clip_grad_norm_(mt.parameters(), 0.01)
        np.testing.assert_allclose(nb.item(), nt.item(), rtol=1e-5)
        ob.step()
        ot.step()
    for (n, pb), (_, pt) in zip(mb.named_parameters(), mt.named_parameters()):
        np.testing.assert_allclose(pb.detach().numpy(), pt.detach().numpy(), rtol=1e-4, atol=1e-6, err_msg=n)
