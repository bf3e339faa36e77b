using Bridge.Nn;

namespace Bridge.Interop;

// torch.nn.functional's activations and losses, nn.init's draws that need the engine's math (erfinv, QR), and
// nn.utils' gradient clipping: each is the engine's one implementation (Bridge.Nn), called from Python by name.
static partial class OpTable
{
    static void RegisterNnApi()
    {
        Add("silu", a => T(Functional.Silu(a.Tensor(0))));
        Add("leaky_relu", a => T(Functional.LeakyRelu(a.Tensor(0), a.Double(1))));
        Add("elu", a => T(Functional.Elu(a.Tensor(0), a.Double(1))));
        Add("softplus", a => T(Functional.Softplus(a.Tensor(0), a.Double(1), a.Double(2))));
        Add("hardswish", a => T(Functional.Hardswish(a.Tensor(0))));
        Add("hardsigmoid", a => T(Functional.Hardsigmoid(a.Tensor(0))));
        Add("hardtanh", a => T(Functional.Hardtanh(a.Tensor(0), a.Double(1), a.Double(2))));
        Add("log_sigmoid", a => T(Functional.LogSigmoid(a.Tensor(0))));
        Add("mish", a => T(Functional.Mish(a.Tensor(0))));
        Add("softsign", a => T(Functional.Softsign(a.Tensor(0))));
        Add("tanhshrink", a => T(Functional.Tanhshrink(a.Tensor(0))));
        Add("prelu", a => T(Functional.Prelu(a.Tensor(0), a.Tensor(1))));

        Add("nll_loss_nd", a => T(Functional.NllLoss(a.Tensor(0), a.Tensor(1), a.OptionalTensor(2), a.Long(3), LossReduction(a, 4))));
        Add("cross_entropy_loss", a => T(Functional.CrossEntropy(a.Tensor(0), a.Tensor(1), a.OptionalTensor(2), a.Long(3), LossReduction(a, 4), a.Double(5))));
        Add("binary_cross_entropy", a => T(Functional.BinaryCrossEntropy(a.Tensor(0), a.Tensor(1), a.OptionalTensor(2), LossReduction(a, 3))));
        Add("binary_cross_entropy_with_logits", a => T(Functional.BinaryCrossEntropyWithLogits(a.Tensor(0), a.Tensor(1), a.OptionalTensor(2), LossReduction(a, 3), a.OptionalTensor(4))));
        Add("l1_loss", a => T(Functional.L1Loss(a.Tensor(0), a.Tensor(1), LossReduction(a, 2))));
        Add("smooth_l1_loss", a => T(Functional.SmoothL1Loss(a.Tensor(0), a.Tensor(1), LossReduction(a, 2), a.Double(3))));
        Add("huber_loss", a => T(Functional.HuberLoss(a.Tensor(0), a.Tensor(1), LossReduction(a, 2), a.Double(3))));
        Add("kl_div", a => T(Functional.KlDiv(a.Tensor(0), a.Tensor(1), LossReduction(a, 2), a.Bool(3))));
        Add("cosine_embedding_loss", a => T(Functional.CosineEmbeddingLoss(a.Tensor(0), a.Tensor(1), a.Tensor(2), a.Double(3), LossReduction(a, 4))));
        Add("margin_ranking_loss", a => T(Functional.MarginRankingLoss(a.Tensor(0), a.Tensor(1), a.Tensor(2), a.Double(3), LossReduction(a, 4))));

        Add("one_hot", a => T(Functional.OneHot(a.Tensor(0), a.Long(1))));
        Add("normalize", a => T(Functional.Normalize(a.Tensor(0), a.Double(1), a.Int(2), a.Double(3))));
        Add("cosine_similarity", a => T(Functional.CosineSimilarity(a.Tensor(0), a.Tensor(1), a.Int(2), a.Double(3))));
        Add("pairwise_distance", a => T(Functional.PairwiseDistance(a.Tensor(0), a.Tensor(1), a.Double(2), a.Double(3), a.Bool(4))));
        Add("norm_dim", a => T(Functional.Norm(a.Tensor(0), a.Double(1), a.Int(2), a.Bool(3))));

        Add("init_trunc_normal_", a => T(Init.TruncNormal_(a.Tensor(0), a.Double(1), a.Double(2), a.Double(3), a.Double(4))));
        Add("init_orthogonal_", a => T(Init.Orthogonal_(a.Tensor(0), a.Double(1))));
        Add("init_eye_", a => T(Init.Eye_(a.Tensor(0))));
        Add("init_dirac_", a => T(Init.Dirac_(a.Tensor(0), a.Int(1))));

        Add("clip_grad_norm_", a => T(NnUtils.ClipGradNorm_(a.Tensors(0), a.Double(1), a.Double(2), a.Bool(3))));
        Add("clip_grad_value_", a => { NnUtils.ClipGradValue_(a.Tensors(0), a.Double(1)); return Value.None; });
        Add("parameters_to_vector", a => T(NnUtils.ParametersToVector(a.Tensors(0))));
        Add("vector_to_parameters", a => { NnUtils.VectorToParameters(a.Tensor(0), a.Tensors(1)); return Value.None; });
    }

    static Bridge.Reduction LossReduction(Args a, int i) => a.IsNone(i) ? Bridge.Reduction.Mean : a.String(i) switch
    {
        "mean" => Bridge.Reduction.Mean,
        "sum" => Bridge.Reduction.Sum,
        "none" => Bridge.Reduction.None,
        "batchmean" => Bridge.Reduction.BatchMean,
        var other => throw new ArgumentException($"{other} is not a valid value for reduction"),
    };
}
