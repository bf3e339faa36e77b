"""bridge._core.call through the extension for ops with many arguments (issue #22, the tiny GPT step from Python).

nn.MultiheadAttention's forward is one engine op with 18 arguments; the extension packed at most 16 and sent the rest
to the ctypes version, so every attention call paid for ctypes. These tests watch the Python fallback that the
extension calls (rebinding it to a counting wrapper) and check that such calls no longer reach it.
"""

import pytest

import bridge as torch
from bridge import _core, _fast

pytestmark = pytest.mark.skipif(not _fast.enabled(), reason="the CPython extension is not in use (ctypes path)")


@pytest.fixture
def fallback_calls():
    """Names of the ops that the extension handed to bridge._core's Python call while the test ran."""
    seen = []
    python_call = _core._python_call

    def counting(name, *args):
        seen.append(name)
        return python_call(name, *args)

    _fast.ext.bind_core(counting, _core.drain_released, _core.EngineObject, _core._dtype_cls)
    try:
        yield seen
    finally:
        _fast.ext.bind_core(python_call, _core.drain_released, _core.EngineObject, _core._dtype_cls)


def test_multihead_attention_forward_stays_in_the_extension(fallback_calls):
    torch.manual_seed(0)
    attn = torch.nn.MultiheadAttention(8, 2, batch_first=True)
    x = torch.randn(2, 5, 8, requires_grad=True)
    mask = torch.nn.Transformer.generate_square_subsequent_mask(5)
    out, weights = attn(x, x, x, attn_mask=mask, need_weights=False)
    out.sum().backward()
    assert "multi_head_attention_forward" not in fallback_calls
    assert weights is None and tuple(out.shape) == (2, 5, 8) and x.grad is not None


def test_more_arguments_than_the_extension_packs_still_reach_the_engine(fallback_calls):
    # 40 arguments: more than the extension packs, so it passes the call on to the Python version, which runs it.
    a = torch.tensor([1.0, 2.0])
    fallback_calls.clear()  # creating a tensor from a list goes to the Python version too
    result = _core.call("add", *([a] * 40))
    assert fallback_calls == ["add"]
    assert torch.equal(result, a + a)


def test_same_result_through_either_path():
    torch.manual_seed(0)
    attn = torch.nn.MultiheadAttention(8, 2)
    q = torch.randn(5, 3, 8)
    fast, _ = attn(q, q, q, need_weights=False)
    args = (q, q, q, 8, 2, attn.in_proj_weight, attn.in_proj_bias, 0.0, attn.out_proj.weight, attn.out_proj.bias,
            True, None, False, None, None, None, None, True)
    slow, _ = _core._python_call("multi_head_attention_forward", *args)
    assert torch.equal(fast, slow)
