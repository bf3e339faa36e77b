using Bridge.Autograd;
using Bridge.Nn;

namespace Bridge.Tests.Nn;

/// <summary>
/// The sequence layers' gradients against float64 central finite differences (every input, weights included), and their
/// seeded initialisation against values printed by torch 1.13. Forward values and gradients against torch itself are
/// checked live in tests/python/test_nn_sequence.py.
/// </summary>
[TestClass]
public sealed class SequenceLayerTests
{
    static Tensor Input(params int[] shape)
    {
        int n = shape.Aggregate(1, (a, b) => a * b);
        var values = new double[n];
        for (int i = 0; i < n; i++) values[i] = 0.3 + 0.7 * Math.Sin(1.7 * i + 0.4);
        return Torch.Tensor(values, DType.Float64).Reshape(shape);
    }

    static void Check(Func<Tensor[], Tensor> f, params Tensor[] inputs)
    {
        var problem = GradCheck.Check(f, inputs);
        Assert.IsNull(problem, problem);
    }

    [TestMethod]
    public void Gelu_Exact_GradCheck()
    {
        Check(t => Functional.Gelu(t[0] * 3.0), Input(3, 5));
    }
    [TestMethod] public void Gelu_Tanh_GradCheck() => Check(t => Functional.Gelu(t[0] * 3.0, "tanh"), Input(3, 5));

    [TestMethod]
    public void Gelu_Float64_MatchesTorchValues()
    {
        // torch.nn.functional.gelu of these float64 values (torch 1.13), through our own erf.
        var x = Torch.Tensor(new[] { -6.0, -2.5, -1.0, -0.1, 0.0, 0.3, 1.0, 2.9, 5.0 }, DType.Float64);
        double[] expected = [-5.919525869479969e-09, -0.015524163314440398, -0.15865525393145702, -0.0460172162722971, 0.0, 0.1853734266566858, 0.841344746068543, 2.8945891414288862, 4.999998566742141];
        var got = Functional.Gelu(x).ToDoubleArray();
        for (int i = 0; i < expected.Length; i++) Assert.AreEqual(expected[i], got[i], 4e-16 * Math.Max(1, Math.Abs(expected[i])), $"gelu({x.ToDoubleArray()[i]})");
    }

    [TestMethod] public void LayerNorm_Affine_GradCheck() => Check(t => Functional.LayerNorm(t[0] * 2.0, [4], t[1], t[2]), Input(3, 4), Input(4), Input(4) * 0.5);
    [TestMethod] public void LayerNorm_TwoDims_NoAffine_GradCheck() => Check(t => Functional.LayerNorm(t[0], [2, 3]), Input(2, 2, 3));

    [TestMethod]
    public void Embedding_Weight_GradCheck()
    {
        var index = Torch.Tensor(new long[] { 2, 0, 2, 3, 1, 2 }).Reshape(2, 3);
        Check(t => Functional.Embedding(index, t[0]), Input(4, 3));
    }

    // padding_idx and scale_grad_by_freq change the gradient on purpose (no finite-difference counterpart): padding row
    // zero, others divided by their count. Against torch: tests/python/test_nn_sequence.py.
    [TestMethod]
    public void Embedding_PaddingRowGetsNoGradient_FrequencyScalesOthers()
    {
        var index = Torch.Tensor(new long[] { 2, 0, 2, 3, 1, 2 });
        var w = Input(4, 3).RequiresGrad_();
        Functional.Embedding(index, w, paddingIdx: 1, scaleGradByFreq: true).Sum().Backward();
        CollectionAssert.AreEqual(new double[] { 1, 1, 1, 0, 0, 0, 1, 1, 1, 1, 1, 1 }, w.Grad!.ToDoubleArray());
    }

    [TestMethod]
    public void Embedding_DefaultInitAfterSeed0_MatchesTorchBits()
    {
        Torch.ManualSeed(0);
        var e = new Embedding(3, 2, paddingIdx: 1);
        CollectionAssert.AreEqual(new[] { 1.5409960746765137, -0.293428897857666, 0.0, 0.0, -1.0845223665237427, -1.3985954523086548 }, e.Weight.ToDoubleArray());
        Assert.AreEqual("Embedding(3, 2, padding_idx=1)", e.ToString());
    }

    [TestMethod]
    public void Lstm_DefaultInitAfterSeed0_MatchesTorchBitsAndNames()
    {
        Torch.ManualSeed(0);
        var lstm = new LSTM(2, 2);
        var firstTwo = lstm.Parameters().Select(p => p.ToDoubleArray()[..2]).ToArray();
        CollectionAssert.AreEqual(new[] { -0.005293981172144413, 0.37932288646698 }, firstTwo[0]);
        CollectionAssert.AreEqual(new[] { 0.0371878482401371, -0.3625219762325287 }, firstTwo[3]);
        CollectionAssert.AreEqual(new[] { "weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0" }, lstm.NamedParameters().Select(p => p.Name).ToArray());
        var bi = new LSTM(2, 3, numLayers: 2, bidirectional: true, bias: false);
        CollectionAssert.AreEqual(new[] { "weight_ih_l0", "weight_hh_l0", "weight_ih_l0_reverse", "weight_hh_l0_reverse", "weight_ih_l1", "weight_hh_l1", "weight_ih_l1_reverse", "weight_hh_l1_reverse" },
            bi.NamedParameters().Select(p => p.Name).ToArray());
        Assert.AreEqual(6L, bi["weight_ih_l1"].Size(1));
    }

    // Every input of a two-layer bidirectional stack: sequence, initial states, all weights.
    static void CheckRnn(RnnMode mode)
    {
        int hidden = 2, gates = Functional.GateCount(mode) * hidden;
        var inputs = new List<Tensor> { Input(3, 2, 2) * 0.8, Input(4, 2, hidden) * 0.5 };
        if (mode == RnnMode.Lstm) inputs.Add(Input(4, 2, hidden) * -0.4);
        int first = inputs.Count;
        for (int layer = 0; layer < 2; layer++)
            for (int d = 0; d < 2; d++)
            {
                int seed = layer * 2 + d;
                inputs.Add(Input(gates, layer == 0 ? 2 : 2 * hidden) * (0.3 + 0.1 * seed));
                inputs.Add(Input(gates, hidden) * (-0.4 + 0.05 * seed));
                inputs.Add(Input(gates) * 0.2);
                inputs.Add(Input(gates) * -0.1);
            }
        Check(t =>
        {
            var (output, h, c) = Functional.Rnn(mode, t[0], t[1], mode == RnnMode.Lstm ? t[2] : null, t[first..], true, 2, 0, false, true, false);
            var sum = output.Sum() + (h * 0.7).Sum();
            return c is null ? sum : sum + (c * 0.3).Sum();
        }, [.. inputs]);
    }

    [TestMethod] public void Lstm_Bidirectional_TwoLayers_GradCheck() => CheckRnn(RnnMode.Lstm);
    [TestMethod] public void Gru_Bidirectional_TwoLayers_GradCheck() => CheckRnn(RnnMode.Gru);
    [TestMethod] public void RnnTanh_Bidirectional_TwoLayers_GradCheck() => CheckRnn(RnnMode.RnnTanh);

    [TestMethod]
    public void Lstm_WithProjection_GradCheck()
    {
        // proj_size 2 < hidden 3: h (and the output) are [.., 2], c stays [.., 3]; weights w_ih, w_hh, b_ih, b_hh, w_hr.
        var w = new[] { Input(12, 2) * 0.4, Input(12, 2) * -0.3, Input(12) * 0.1, Input(12) * 0.2, Input(2, 3) * 0.6 };
        Check(t =>
        {
            var (output, h, c) = Functional.Rnn(RnnMode.Lstm, t[0], t[1], t[2], t[3..], true, 1, 0, false, false, false);
            return output.Sum() + (h * 0.5).Sum() + (c! * 0.3).Sum();
        }, [Input(3, 2, 2), Input(1, 2, 2) * 0.5, Input(1, 2, 3) * -0.5, .. w]);
        var lstm = new LSTM(4, 3, projSize: 2);
        CollectionAssert.AreEqual(new[] { "weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0", "weight_hr_l0" }, lstm.NamedParameters().Select(p => p.Name).ToArray());
        Assert.AreEqual("LSTM(4, 3, proj_size=2)", lstm.ToString());
    }

    [TestMethod]
    public void Lstm_PackedSequence_GradCheck_AndPaddingValue()
    {
        var lengths = new long[] { 2, 3, 1 };
        var w = new[] { Input(8, 2) * 0.4, Input(8, 2) * -0.3, Input(8) * 0.1, Input(8) * 0.2, Input(8, 2) * 0.5, Input(8, 2) * 0.2, Input(8) * -0.1, Input(8) * 0.3 };
        Check(t =>
        {
            var packed = RnnUtils.PackPaddedSequence(t[0], lengths, batchFirst: true, enforceSorted: false);
            var (output, h, c) = Functional.Rnn(RnnMode.Lstm, packed, null, null, t[1..], true, 1, 0, false, true);
            var (padded, _) = RnnUtils.PadPackedSequence(output, batchFirst: true, paddingValue: 0);
            return padded.Sum() + h.Sum() + (c! * 0.5).Sum();
        }, [Input(3, 3, 2), .. w]);
        var (p, lens) = RnnUtils.PadPackedSequence(RnnUtils.PackPaddedSequence(Input(3, 3, 2), lengths, true, false), true, -7);
        CollectionAssert.AreEqual(lengths, lens.ToArray<long>());
        Assert.AreEqual(-7, p[2, 1, 0].Item());
    }

    [TestMethod]
    public void Cells_GradCheck()
    {
        Check(t => { var (h, c) = Functional.LstmCell(t[0], t[1], t[2], t[3], t[4], t[5], t[6]); return h * 2.0 + c; },
            Input(2, 3), Input(2, 2) * 0.5, Input(2, 2) * -0.5, Input(8, 3) * 0.4, Input(8, 2) * 0.3, Input(8) * 0.1, Input(8) * -0.2);
        Check(t => Functional.GruCell(t[0], t[1], t[2], t[3], t[4], t[5]), Input(2, 3), Input(2, 2) * 0.5, Input(6, 3) * 0.4, Input(6, 2) * 0.3, Input(6) * 0.1, Input(6) * -0.2);
        Check(t => Functional.RnnCell(t[0], t[1], t[2], t[3], null, null, "relu"), Input(2, 3), Input(2, 2) * 0.5, Input(2, 3) * 0.4, Input(2, 2) * 0.3);
    }

    [TestMethod]
    public void ScaledDotProductAttention_Causal_GradCheck() =>
        Check(t => Functional.ScaledDotProductAttention(t[0], t[1], t[2], isCausal: true), Input(2, 3, 4), Input(2, 3, 4) * 0.5, Input(2, 3, 2));

    [TestMethod]
    public void MultiHeadAttention_WithMasks_GradCheck()
    {
        var mask = Torch.Tensor(new[] { false, true, true, false, false, true, false, false, false }, DType.Bool).Reshape(3, 3);
        var kpm = Torch.Tensor(new[] { false, false, false, false, false, true }, DType.Bool).Reshape(2, 3);
        Check(t => Functional.MultiHeadAttentionForward(t[0], t[0], t[0], 4, 2, t[1], t[2], 0, t[3], t[4], keyPaddingMask: kpm, attnMask: mask).Output,
            Input(3, 2, 4), Input(12, 4) * 0.3, Input(12) * 0.1, Input(4, 4) * 0.5, Input(4) * 0.2);
    }

    [TestMethod]
    public void Transformer_ClonedLayersStartEqual_AndNamesFollowTorch()
    {
        Torch.ManualSeed(0);
        var model = new Transformer(dModel: 4, nhead: 2, numEncoderLayers: 2, numDecoderLayers: 1, dimFeedforward: 6, dropout: 0);
        var names = model.NamedParameters().Select(p => p.Name).ToList();
        Assert.AreEqual("encoder.layers.0.self_attn.in_proj_weight", names[0]);
        CollectionAssert.Contains(names, "decoder.layers.0.multihead_attn.out_proj.bias");
        CollectionAssert.Contains(names, "encoder.norm.weight");
        var state = model.StateDict();
        CollectionAssert.AreEqual(state["encoder.layers.0.linear1.bias"].ToDoubleArray(), state["encoder.layers.1.linear1.bias"].ToDoubleArray());
        var y = model.Forward(Input(5, 2, 4).Float(), Input(3, 2, 4).Float(), tgtMask: Transformer.GenerateSquareSubsequentMask(3));
        CollectionAssert.AreEqual(new long[] { 3, 2, 4 }, y.Shape.ToArray());
    }
}
