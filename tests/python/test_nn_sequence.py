"""Embedding, LayerNorm, GELU, RNN/LSTM/GRU, attention and Transformer against torch 1.13, live: the same seed gives the same
initial parameters, and with the same weights the outputs and every gradient agree."""

import numpy as np
import pytest
import torch

import bridge
from bridge.nn.utils import rnn as brnn

RTOL = {"float32": (2e-5, 2e-6), "float64": (1e-10, 1e-12)}


def close(b, t, rtol=None, atol=None):
    assert tuple(b.shape) == tuple(t.shape), f"shape {tuple(b.shape)} vs torch {tuple(t.shape)}"
    name = str(t.dtype).split(".")[1]
    r, a = RTOL.get(name, (0, 0))
    np.testing.assert_allclose(b.detach().numpy(), t.detach().numpy(), rtol=rtol or r, atol=atol or a)


def same_init(bm, tm):
    """Names, order and values of the parameters agree bit for bit."""
    bn = list(bm.state_dict().keys())
    tn = list(tm.state_dict().keys())
    assert bn == tn
    for (n, pb), (_, pt) in zip(bm.named_parameters(), tm.named_parameters()):
        np.testing.assert_array_equal(pb.detach().numpy(), pt.detach().numpy(), err_msg=n)


def seeded(seed, make_b, make_t):
    bridge.manual_seed(seed)
    torch.manual_seed(seed)
    return make_b(), make_t()


def pair(array, requires_grad=True):
    a = np.array(array)
    b = bridge.from_numpy(a.copy()).clone()
    t = torch.tensor(a)
    if requires_grad and a.dtype.kind == "f":
        b.requires_grad_(True)
        t.requires_grad_(True)
    return b, t


def weights_like(shape, dtype, seed=1):
    w = np.random.default_rng(seed).standard_normal(shape).astype(dtype)
    return bridge.from_numpy(w.copy()), torch.from_numpy(w)


def backward_both(ob, ot, seed=1):
    wb, wt = weights_like(tuple(ot.shape), str(ot.dtype).split(".")[1], seed)
    (ob * wb).sum().backward()
    (ot * wt).sum().backward()


def grads_match(bm, tm, rtol=None, atol=None):
    for (n, pb), (_, pt) in zip(bm.named_parameters(), tm.named_parameters()):
        if pt.grad is None:
            assert pb.grad is None, n
            continue
        close(pb.grad, pt.grad, rtol, atol)


rng = np.random.default_rng(0)


# ---- Embedding --------------------------------------------------------------------------------------

@pytest.mark.parametrize("padding_idx", [None, 1, -1])
def test_embedding_init_forward_and_dense_gradient_match_torch(padding_idx):
    b, t = seeded(4, lambda: bridge.nn.Embedding(7, 5, padding_idx=padding_idx), lambda: torch.nn.Embedding(7, 5, padding_idx=padding_idx))
    same_init(b, t)
    assert repr(b) == repr(t)
    idx = np.array([[1, 2, 6], [6, 1, 0]])
    ib, it = pair(idx, False)
    ob, ot = b(ib), t(it)
    close(ob, ot)
    backward_both(ob, ot)
    close(b.weight.grad, t.weight.grad)


def test_embedding_max_norm_renormalises_rows_in_place_as_torch():
    b, t = seeded(5, lambda: bridge.nn.Embedding(6, 4, max_norm=1.0), lambda: torch.nn.Embedding(6, 4, max_norm=1.0))
    ib, it = pair(np.array([0, 3, 3, 5]), False)
    close(b(ib), t(it), rtol=1e-5, atol=1e-6)
    close(b.weight, t.weight, rtol=1e-5, atol=1e-6)


def test_functional_embedding_scale_grad_by_freq_and_from_pretrained():
    w = rng.standard_normal((5, 3))
    wb, wt = pair(w)
    ib, it = pair(np.array([4, 4, 2, 0, 4]), False)
    ob = bridge.nn.functional.embedding(ib, wb, padding_idx=0, scale_grad_by_freq=True)
    ot = torch.nn.functional.embedding(it, wt, padding_idx=0, scale_grad_by_freq=True)
    close(ob, ot)
    backward_both(ob, ot)
    close(wb.grad, wt.grad)
    e = bridge.nn.Embedding.from_pretrained(bridge.from_numpy(w))
    assert not e.weight.requires_grad
    assert bridge.nn.Embedding.from_pretrained(bridge.from_numpy(w), freeze=False).weight.requires_grad
    close(e(ib), torch.nn.Embedding.from_pretrained(torch.from_numpy(w))(it))


def test_embedding_rejects_out_of_range_and_float_indices():
    e = bridge.nn.Embedding(3, 2)
    with pytest.raises(IndexError, match="index out of range in self"):
        e(bridge.tensor([3]))
    with pytest.raises(RuntimeError, match="Expected tensor for argument #1 'indices'"):
        e(bridge.tensor([1.0]))


# ---- LayerNorm and GELU -----------------------------------------------------------------------------

@pytest.mark.parametrize("shape,normalized,affine,dtype", [
    ((4, 6), (6,), True, "float32"),
    ((2, 3, 4), (3, 4), True, "float64"),
    ((3, 5), (5,), False, "float32"),
    ((5,), (5,), True, "float64"),
])
def test_layer_norm_forward_and_gradients_match_torch(shape, normalized, affine, dtype):
    b, t = bridge.nn.LayerNorm(normalized, elementwise_affine=affine), torch.nn.LayerNorm(normalized, elementwise_affine=affine)
    if dtype == "float64":
        b, t = b.double(), t.double()
    assert repr(b) == repr(t)
    if affine:  # non-trivial affine parameters, the same in both
        w, bb = rng.standard_normal(normalized), rng.standard_normal(normalized)
        b.load_state_dict({"weight": w.astype(dtype), "bias": bb.astype(dtype)})
        t.load_state_dict({"weight": torch.tensor(w.astype(dtype)), "bias": torch.tensor(bb.astype(dtype))})
    xb, xt = pair(rng.standard_normal(shape).astype(dtype) * 3 + 1)
    ob, ot = b(xb), t(xt)
    close(ob, ot, rtol=1e-5, atol=1e-5) if dtype == "float32" else close(ob, ot)
    backward_both(ob, ot)
    close(xb.grad, xt.grad, rtol=1e-4, atol=1e-5) if dtype == "float32" else close(xb.grad, xt.grad)
    grads_match(b, t, 1e-4, 1e-5)


def test_layer_norm_rejects_mismatched_shape():
    with pytest.raises(RuntimeError, match="expected input with shape"):
        bridge.nn.functional.layer_norm(bridge.zeros(2, 3), (4,))


@pytest.mark.parametrize("approximate", ["none", "tanh"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_gelu_forward_and_gradient_match_torch(approximate, dtype):
    x = np.concatenate([np.linspace(-8, 8, 101), [0.0, -30.0, 30.0, 1e-8]]).astype(dtype)
    xb, xt = pair(x)
    ob, ot = bridge.nn.GELU(approximate)(xb), torch.nn.GELU(approximate)(xt)
    assert repr(bridge.nn.GELU(approximate)) == repr(torch.nn.GELU(approximate))
    # float32: ATen's vectorised erf/tanh are polynomial approximations a few ulp from the correctly rounded ones used here.
    close(ob, ot, 1e-5 if dtype == "float32" else 1e-13, 1e-6 if dtype == "float32" else 1e-14)
    backward_both(ob, ot)
    close(xb.grad, xt.grad, 1e-5 if dtype == "float32" else 1e-12, 1e-6 if dtype == "float32" else 1e-13)


# ---- RNN, LSTM, GRU ---------------------------------------------------------------------------------

RNN_CASES = [
    ("LSTM", dict(num_layers=1)),
    ("LSTM", dict(num_layers=2, bidirectional=True, batch_first=True)),
    ("LSTM", dict(num_layers=2, bias=False)),
    ("LSTM", dict(num_layers=2, bidirectional=True, proj_size=3)),
    ("GRU", dict(num_layers=2, bidirectional=True)),
    ("GRU", dict(batch_first=True, bias=False)),
    ("RNN", dict(num_layers=2, nonlinearity="relu")),
    ("RNN", dict(bidirectional=True)),
]


def make_rnn(kind, seed, input_size=3, hidden=4, dtype="float32", **kw):
    b, t = seeded(seed, lambda: getattr(bridge.nn, kind)(input_size, hidden, **kw), lambda: getattr(torch.nn, kind)(input_size, hidden, **kw))
    if dtype == "float64":
        b, t = b.double(), t.double()
    return b, t


@pytest.mark.parametrize("kind,kw", RNN_CASES, ids=[f"{k}-{'-'.join(f'{a}={v}' for a, v in kw.items())}" for k, kw in RNN_CASES])
def test_recurrent_init_outputs_states_and_gradients_match_torch(kind, kw):
    b, t = make_rnn(kind, 7, **kw)
    same_init(b, t)
    assert repr(b) == repr(t)
    dirs = 2 if kw.get("bidirectional") else 1
    layers = kw.get("num_layers", 1)
    x = rng.standard_normal((2, 5, 3) if kw.get("batch_first") else (5, 2, 3)).astype(np.float32)
    xb, xt = pair(x)
    hb, ht = pair(rng.standard_normal((layers * dirs, 2, kw.get("proj_size") or 4)).astype(np.float32))
    if kind == "LSTM":
        cb, ct = pair(rng.standard_normal((layers * dirs, 2, 4)).astype(np.float32))
        ob, (hnb, cnb) = b(xb, (hb, cb))
        ot, (hnt, cnt) = t(xt, (ht, ct))
        close(cnb, cnt, 1e-5, 1e-6)
    else:
        ob, hnb = b(xb, hb)
        ot, hnt = t(xt, ht)
    close(ob, ot, 1e-5, 1e-6)
    close(hnb, hnt, 1e-5, 1e-6)
    loss_b = (ob * weights_like(tuple(ot.shape), "float32")[0]).sum() + (hnb * 0.5).sum()
    loss_t = (ot * weights_like(tuple(ot.shape), "float32")[1]).sum() + (hnt * 0.5).sum()
    if kind == "LSTM":
        loss_b = loss_b + (cnb * 0.25).sum()
        loss_t = loss_t + (cnt * 0.25).sum()
    loss_b.backward()
    loss_t.backward()
    close(xb.grad, xt.grad, 1e-4, 1e-5)
    close(hb.grad, ht.grad, 1e-4, 1e-5)
    if kind == "LSTM":
        close(cb.grad, ct.grad, 1e-4, 1e-5)
    grads_match(b, t, 1e-4, 1e-5)


def test_lstm_float64_without_initial_state_and_unbatched_input():
    b, t = make_rnn("LSTM", 3, dtype="float64", num_layers=2)
    xb, xt = pair(rng.standard_normal((6, 3)))
    ob, (hb, cb) = b(xb)
    ot, (ht, ct) = t(xt)
    close(ob, ot)
    close(hb, ht)
    close(cb, ct)
    backward_both(ob, ot)
    close(xb.grad, xt.grad)
    grads_match(b, t)


def test_lstm_dropout_between_layers_draws_as_torch():
    b, t = make_rnn("LSTM", 9, num_layers=3, dropout=0.4)
    xb, xt = pair(rng.standard_normal((4, 2, 3)).astype(np.float32))
    bridge.manual_seed(1)
    torch.manual_seed(1)
    ob, _ = b(xb)
    ot, _ = t(xt)
    close(ob, ot, 1e-5, 1e-6)
    b.eval()
    t.eval()
    close(b(xb)[0], t(xt)[0], 1e-5, 1e-6)


def test_state_dict_interchanges_with_torch():
    b = bridge.nn.GRU(3, 4, num_layers=2, bidirectional=True)
    t = torch.nn.GRU(3, 4, num_layers=2, bidirectional=True)
    t.load_state_dict({k: torch.from_numpy(v.detach().numpy().copy()) for k, v in b.state_dict().items()})
    b.load_state_dict({k: v.detach().numpy() for k, v in torch.nn.GRU(3, 4, num_layers=2, bidirectional=True).state_dict().items()})
    assert [n for n, _ in b.named_parameters()] == [n for n, _ in t.named_parameters()]
    assert b._flat_weights_names == t._flat_weights_names


@pytest.mark.parametrize("kind", ["LSTMCell", "GRUCell", "RNNCell"])
def test_cells_match_torch(kind):
    b, t = seeded(2, lambda: getattr(bridge.nn, kind)(3, 5), lambda: getattr(torch.nn, kind)(3, 5))
    same_init(b, t)
    assert repr(b) == repr(t)
    xb, xt = pair(rng.standard_normal((4, 3)).astype(np.float32))
    hb, ht = pair(rng.standard_normal((4, 5)).astype(np.float32))
    if kind == "LSTMCell":
        cb, ct = pair(rng.standard_normal((4, 5)).astype(np.float32))
        (h1b, c1b), (h1t, c1t) = b(xb, (hb, cb)), t(xt, (ht, ct))
        ob, ot = h1b * 2 + c1b, h1t * 2 + c1t
    else:
        ob, ot = b(xb, hb), t(xt, ht)
    close(ob, ot, 1e-5, 1e-6)
    backward_both(ob, ot)
    close(xb.grad, xt.grad, 1e-4, 1e-5)
    close(hb.grad, ht.grad, 1e-4, 1e-5)
    grads_match(b, t, 1e-4, 1e-5)
    # unbatched input and no state
    x1b, x1t = pair(rng.standard_normal(3).astype(np.float32))
    r1b, r1t = b(x1b), t(x1t)
    close(r1b[0] if kind == "LSTMCell" else r1b, r1t[0] if kind == "LSTMCell" else r1t, 1e-5, 1e-6)


@pytest.mark.parametrize("kind", ["LSTM", "GRU"])
@pytest.mark.parametrize("enforce_sorted", [True, False])
def test_packed_sequences_through_recurrent_layers_match_torch(kind, enforce_sorted):
    b, t = make_rnn(kind, 11, num_layers=2, bidirectional=True, batch_first=True)
    lengths = [5, 3, 2] if enforce_sorted else [2, 5, 3]
    xb, xt = pair(rng.standard_normal((3, 5, 3)).astype(np.float32))
    pb = brnn.pack_padded_sequence(xb, lengths, batch_first=True, enforce_sorted=enforce_sorted)
    pt = torch.nn.utils.rnn.pack_padded_sequence(xt, lengths, batch_first=True, enforce_sorted=enforce_sorted)
    close(pb.data, pt.data)
    assert pb.batch_sizes.tolist() == pt.batch_sizes.tolist()
    if not enforce_sorted:
        assert pb.sorted_indices.tolist() == pt.sorted_indices.tolist()
        assert pb.unsorted_indices.tolist() == pt.unsorted_indices.tolist()
    hb, ht = pair(rng.standard_normal((4, 3, 4)).astype(np.float32))
    if kind == "LSTM":
        ob, (hnb, _) = b(pb, (hb, hb * 0.5))
        ot, (hnt, _) = t(pt, (ht, ht * 0.5))
    else:
        ob, hnb = b(pb, hb)
        ot, hnt = t(pt, ht)
    padded_b, len_b = brnn.pad_packed_sequence(ob, batch_first=True, padding_value=-1.0, total_length=6)
    padded_t, len_t = torch.nn.utils.rnn.pad_packed_sequence(ot, batch_first=True, padding_value=-1.0, total_length=6)
    close(padded_b, padded_t, 1e-5, 1e-6)
    assert len_b.tolist() == len_t.tolist()
    close(hnb, hnt, 1e-5, 1e-6)
    mask = (padded_t.detach() != -1).double().numpy()
    wb, wt = weights_like(tuple(padded_t.shape), "float32")
    ((padded_b * wb).sum() + hnb.sum()).backward()
    ((padded_t * wt).sum() + hnt.sum()).backward()
    assert mask.sum() > 0
    close(xb.grad, xt.grad, 1e-4, 1e-5)
    close(hb.grad, ht.grad, 1e-4, 1e-5)
    grads_match(b, t, 1e-4, 1e-5)


def test_pack_padded_sequence_errors_as_torch():
    with pytest.raises(RuntimeError, match="must be sorted in decreasing order"):
        brnn.pack_padded_sequence(bridge.zeros(4, 2, 1), [2, 3])
    seqs_b = [bridge.ones(3, 2), bridge.ones(1, 2) * 2]
    seqs_t = [torch.ones(3, 2), torch.ones(1, 2) * 2]
    close(brnn.pad_sequence(seqs_b, batch_first=True), torch.nn.utils.rnn.pad_sequence(seqs_t, batch_first=True))
    close(brnn.pack_sequence(seqs_b).data, torch.nn.utils.rnn.pack_sequence(seqs_t).data)


# ---- attention --------------------------------------------------------------------------------------

def torch_sdpa(q, k, v, mask=None, causal=False):
    scores = q @ k.transpose(-2, -1) / np.sqrt(q.shape[-1])
    if causal:
        mask = torch.ones(q.shape[-2], k.shape[-2], dtype=torch.bool).tril()
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf")) if mask.dtype == torch.bool else scores + mask
    return scores.softmax(-1) @ v


@pytest.mark.parametrize("mask_kind", [None, "bool", "float", "causal"])
def test_scaled_dot_product_attention_matches_torch_formula(mask_kind):
    qb, qt = pair(rng.standard_normal((2, 3, 5, 4)))
    kb, kt = pair(rng.standard_normal((2, 3, 6, 4)))
    vb, vt = pair(rng.standard_normal((2, 3, 6, 2)))
    mb = mt = None
    if mask_kind == "bool":
        m = rng.random((5, 6)) > 0.3
        m[:, 0] = True
        mb, mt = bridge.from_numpy(m.copy()), torch.from_numpy(m)
    elif mask_kind == "float":
        mb, mt = pair(rng.standard_normal((3, 5, 6)), False)
    ob = bridge.nn.functional.scaled_dot_product_attention(qb, kb, vb, attn_mask=mb, is_causal=mask_kind == "causal")
    ot = torch_sdpa(qt, kt, vt, mt, causal=mask_kind == "causal")
    close(ob, ot)
    backward_both(ob, ot)
    for gb, gt in ((qb, qt), (kb, kt), (vb, vt)):
        close(gb.grad, gt.grad)


MHA_CASES = [
    dict(),
    dict(batch_first=True, dropout=0.0),
    dict(kdim=3, vdim=5),
    dict(bias=False),
]


@pytest.mark.parametrize("kw", MHA_CASES, ids=["plain", "batch_first", "kdim_vdim", "no_bias"])
def test_multihead_attention_matches_torch(kw):
    b, t = seeded(13, lambda: bridge.nn.MultiheadAttention(8, 2, **kw), lambda: torch.nn.MultiheadAttention(8, 2, **kw))
    same_init(b, t)
    bf = kw.get("batch_first", False)
    shape_q = (2, 4, 8) if bf else (4, 2, 8)
    qb, qt = pair(rng.standard_normal(shape_q).astype(np.float32))
    if "kdim" in kw:
        kb, kt = pair(rng.standard_normal((6, 2, 3)).astype(np.float32))
        vb, vt = pair(rng.standard_normal((6, 2, 5)).astype(np.float32))
        src = 6
    else:
        kb, kt, vb, vt, src = qb, qt, qb, qt, 4
    attn_mask = np.triu(np.ones((4, src), dtype=bool), 1)
    kpm = np.zeros((2, src), dtype=bool)
    kpm[1, -1] = True
    ob, wb_ = b(qb, kb, vb, attn_mask=bridge.from_numpy(attn_mask.copy()), key_padding_mask=bridge.from_numpy(kpm.copy()))
    ot, wt_ = t(qt, kt, vt, attn_mask=torch.from_numpy(attn_mask), key_padding_mask=torch.from_numpy(kpm))
    close(ob, ot, 1e-5, 1e-6)
    close(wb_, wt_, 1e-5, 1e-6)
    backward_both(ob, ot)
    close(qb.grad, qt.grad, 1e-4, 1e-5)
    grads_match(b, t, 1e-4, 1e-5)
    # per-head weights and a float mask
    fm = rng.standard_normal((4, src)).astype(np.float32)
    ob2, wb2 = b(qb, kb, vb, attn_mask=bridge.from_numpy(fm.copy()), average_attn_weights=False)
    ot2, wt2 = t(qt, kt, vt, attn_mask=torch.from_numpy(fm), average_attn_weights=False)
    close(ob2, ot2, 1e-5, 1e-6)
    close(wb2, wt2, 1e-5, 1e-6)
    assert b(qb, kb, vb, need_weights=False)[1] is None


# ---- Transformer ------------------------------------------------------------------------------------

@pytest.mark.parametrize("norm_first,activation", [(False, "relu"), (True, "gelu")])
def test_transformer_encoder_layer_stack_matches_torch(norm_first, activation):
    def make(m):
        layer = m.nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.0, activation=activation, norm_first=norm_first,
                                             batch_first=True)
        return m.nn.TransformerEncoder(layer, 2, norm=m.nn.LayerNorm(8))
    b, t = seeded(17, lambda: make(bridge), lambda: make(torch))
    same_init(b, t)
    xb, xt = pair(rng.standard_normal((2, 5, 8)).astype(np.float32))
    mb = bridge.nn.Transformer.generate_square_subsequent_mask(5)
    mt = torch.nn.Transformer.generate_square_subsequent_mask(5)
    close(mb, mt)
    ob, ot = b(xb, mask=mb), t(xt, mask=mt)
    close(ob, ot, 1e-4, 1e-5)
    backward_both(ob, ot)
    close(xb.grad, xt.grad, 1e-4, 1e-4)
    grads_match(b, t, 1e-3, 1e-4)


def test_full_transformer_init_forward_and_gradients_match_torch():
    def make(m):
        return m.nn.Transformer(d_model=8, nhead=2, num_encoder_layers=2, num_decoder_layers=1, dim_feedforward=12, dropout=0.0)
    b, t = seeded(19, lambda: make(bridge), lambda: make(torch))
    same_init(b, t)
    sb, st = pair(rng.standard_normal((6, 2, 8)).astype(np.float32))
    tb, tt = pair(rng.standard_normal((4, 2, 8)).astype(np.float32))
    kpm = np.zeros((2, 6), dtype=bool)
    kpm[0, 4:] = True
    ob = b(sb, tb, tgt_mask=bridge.nn.Transformer.generate_square_subsequent_mask(4), src_key_padding_mask=bridge.from_numpy(kpm.copy()))
    ot = t(st, tt, tgt_mask=torch.nn.Transformer.generate_square_subsequent_mask(4), src_key_padding_mask=torch.from_numpy(kpm))
    close(ob, ot, 1e-4, 1e-5)
    backward_both(ob, ot)
    close(sb.grad, st.grad, 1e-4, 1e-4)
    close(tb.grad, tt.grad, 1e-4, 1e-4)
    grads_match(b, t, 1e-3, 1e-4)


def test_transformer_decoder_layer_pre_norm_gelu_batch_first_matches_torch():
    def make(m):
        return m.nn.TransformerDecoderLayer(8, 4, dim_feedforward=10, dropout=0.0, activation="gelu", batch_first=True, norm_first=True)
    b, t = seeded(23, lambda: make(bridge), lambda: make(torch))
    same_init(b, t)
    xb, xt = pair(rng.standard_normal((2, 3, 8)).astype(np.float32))
    mb, mt = pair(rng.standard_normal((2, 5, 8)).astype(np.float32))
    kpm = np.array([[False] * 5, [False, False, False, True, True]])
    ob = b(xb, mb, tgt_mask=bridge.nn.Transformer.generate_square_subsequent_mask(3), memory_key_padding_mask=bridge.from_numpy(kpm.copy()))
    ot = t(xt, mt, tgt_mask=torch.nn.Transformer.generate_square_subsequent_mask(3), memory_key_padding_mask=torch.from_numpy(kpm))
    close(ob, ot, 1e-4, 1e-5)
    backward_both(ob, ot)
    close(xb.grad, xt.grad, 1e-4, 1e-4)
    close(mb.grad, mt.grad, 1e-4, 1e-4)
    grads_match(b, t, 1e-3, 1e-4)


def test_multihead_attention_unbatched_input_matches_torch():
    b, t = seeded(29, lambda: bridge.nn.MultiheadAttention(6, 3), lambda: torch.nn.MultiheadAttention(6, 3))
    qb, qt = pair(rng.standard_normal((4, 6)).astype(np.float32))
    ob, wb_ = b(qb, qb, qb)
    ot, wt_ = t(qt, qt, qt)
    close(ob, ot, 1e-5, 1e-6)
    close(wb_, wt_, 1e-5, 1e-6)


def test_recurrent_errors_as_torch():
    lstm = bridge.nn.LSTM(3, 4)
    with pytest.raises(RuntimeError, match=r"input.size\(-1\) must be equal to input_size. Expected 3, got 5"):
        lstm(bridge.zeros(2, 1, 5))
    with pytest.raises(RuntimeError, match=r"Expected hidden\[0\] size \(1, 2, 4\), got \[2, 2, 4\]"):
        lstm(bridge.zeros(3, 2, 3), (bridge.zeros(2, 2, 4), bridge.zeros(1, 2, 4)))
    with pytest.raises(ValueError, match="dropout should be a number in range"):
        bridge.nn.GRU(3, 4, dropout=1.5)
    with pytest.raises(ValueError, match="Unknown nonlinearity"):
        bridge.nn.RNN(3, 4, nonlinearity="sigmoid")
    # The documented positional order (input_size, hidden_size, num_layers, nonlinearity, bias, ...): torch 1.13 itself
    # takes a positional 4th argument as bias and stays tanh (fixed in later releases); bridge follows the documentation.
    rnn_b = bridge.nn.RNN(3, 4, 1, "relu")
    assert rnn_b.nonlinearity == "relu" and rnn_b.bias is True
    assert repr(rnn_b) == repr(torch.nn.RNN(3, 4, 1, nonlinearity="relu")) == "RNN(3, 4)"
