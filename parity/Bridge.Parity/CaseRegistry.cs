using Bridge.Parity.Cases;

namespace Bridge.Parity;

/// <summary>
/// Every C# port, by case name. Adding a case: parity/cases/&lt;case&gt;.py, Cases/&lt;Case&gt;.cs, one line here
/// and one line in parity/cases.txt (which gives the run order and tolerance).
/// </summary>
public static class CaseRegistry
{
    public static readonly IReadOnlyDictionary<string, Action<Recorder>> Cases = new Dictionary<string, Action<Recorder>>
    {
        ["seed000_hello_step"] = Seed000HelloStep.Run,
        ["seed002_first_sample"] = Seed002FirstSample.Run,
        ["seed002_xor_training"] = Seed002XorTraining.Run,
        ["seed003_relu_networks"] = Seed003ReluNetworks.Run,
        ["seed004_random_draws"] = Seed004RandomDraws.Run,
        ["random_normal_vectorized"] = RandomNormalVectorized.Run,
        ["seed004_sigmoid_unit"] = Seed004SigmoidUnit.Run,
        ["seed004_two_layer"] = Seed004TwoLayer.Run,
        ["seed004_view_reshape"] = Seed004ViewReshape.Run,
        ["seed004_numpy_shared"] = Seed004NumpyShared.Run,
        ["mlp_sgd_momentum"] = MlpSgdMomentum.Run,
        ["softmax_adam"] = SoftmaxAdam.Run,
        ["broadcast_grads"] = BroadcastGrads.Run,
        ["views_cat_stack_grads"] = ViewsCatStackGrads.Run,
        ["grad_accumulation"] = GradAccumulation.Run,
        ["numerically_hard"] = NumericallyHard.Run,
    };
}
