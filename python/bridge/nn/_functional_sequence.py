"""torch.nn.functional's sequence-model ops (embedding, layer_norm, gelu, attention) over the engine's kernels."""

import math

from .._core import call


def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0, scale_grad_by_freq=False, sparse=False):
    """Rows of ``weight`` at the integer ``input`` (shape input.shape + [embedding_dim]); dense gradient."""
    if sparse:
        raise NotImplementedError("embedding: sparse gradients are not supported by bridge (use sparse=False)")
    if padding_idx is not None:
        n = weight.shape[0]
        if padding_idx > 0:
            assert padding_idx < n, "Padding_idx must be within num_embeddings"
        elif padding_idx < 0:
            assert padding_idx >= -n, "Padding_idx must be within num_embeddings"
            padding_idx = n + padding_idx
    return call("embedding", input, weight, padding_idx, None if max_norm is None else float(max_norm), float(norm_type),
                bool(scale_grad_by_freq))


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    """(x - mean) / sqrt(var + eps) * weight + bias over the trailing ``normalized_shape`` dims."""
    if isinstance(normalized_shape, int):
        normalized_shape = (normalized_shape,)
    return call("layer_norm", input, [int(d) for d in normalized_shape], weight, bias, float(eps))


def gelu(input, approximate="none"):
    """x * Phi(x) (``approximate="none"``) or its tanh approximation (``"tanh"``)."""
    return call("gelu", input, approximate)


def scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None):
    """softmax(q @ k^T * scale + mask) @ v (torch 2's semantics: a bool mask is True where attention is allowed)."""
    return call("scaled_dot_product_attention", query, key, value, attn_mask, float(dropout_p), bool(is_causal),
                None if scale is None else float(scale))


def multi_head_attention_forward(query, key, value, embed_dim_to_check, num_heads, in_proj_weight, in_proj_bias, bias_k, bias_v,
                                 add_zero_attn, dropout_p, out_proj_weight, out_proj_bias, training=True, key_padding_mask=None,
                                 need_weights=True, attn_mask=None, use_separate_proj_weight=False, q_proj_weight=None,
                                 k_proj_weight=None, v_proj_weight=None, static_k=None, static_v=None, average_attn_weights=True):
    """torch 1.13's F.multi_head_attention_forward for [L, N, E] (or unbatched [L, E]) inputs."""
    if bias_k is not None or bias_v is not None or add_zero_attn or static_k is not None or static_v is not None:
        raise NotImplementedError("multi_head_attention_forward: bias_k/bias_v, add_zero_attn and static_k/static_v are not supported by bridge")
    if use_separate_proj_weight:
        in_proj_weight = None
    else:
        q_proj_weight = k_proj_weight = v_proj_weight = None
    output, weights = call("multi_head_attention_forward", query, key, value, int(embed_dim_to_check), int(num_heads), in_proj_weight,
                           in_proj_bias, float(dropout_p), out_proj_weight, out_proj_bias, bool(training), key_padding_mask,
                           bool(need_weights), attn_mask, q_proj_weight, k_proj_weight, v_proj_weight, bool(average_attn_weights))
    return output, weights


__all__ = ["embedding", "layer_norm", "gelu", "scaled_dot_product_attention", "multi_head_attention_forward"]

del math
