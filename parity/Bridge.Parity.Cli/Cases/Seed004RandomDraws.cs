namespace Bridge.Parity.Cases;

/// <summary>Port of parity/cases/seed004_random_draws.py.</summary>
public static class Seed004RandomDraws
{
    public static void Run(Recorder rec)
    {
        Torch.ManualSeed(7);
        var features = Torch.Randn(1, 5);
        var weights = Torch.RandnLike(features);
        var bias = Torch.Randn(1, 1);
        rec.Record("unit", "features", features);
        rec.Record("unit", "weights", weights);
        rec.Record("unit", "bias", bias);

        Torch.ManualSeed(7);
        features = Torch.Randn(1, 3);
        var W1 = Torch.Randn(3, 2);
        var W2 = Torch.Randn(2, 1);
        var B1 = Torch.Randn(1, 2);
        var B2 = Torch.Randn(1, 1);
        foreach (var (name, t) in new[] { ("features", features), ("W1", W1), ("W2", W2), ("B1", B1), ("B2", B2) })
            rec.Record("network", name, t);

        // one generator stream, drawn in this order
        Torch.ManualSeed(0);
        rec.Record("stream", "rand_3x4", Torch.Rand(3, 4));
        rec.Record("stream", "randint_0_10_x6", Torch.Randint(0, 10, [6]));
        rec.Record("stream", "randperm_10", Torch.Randperm(10));
        rec.Record("stream", "randn_3x5", Torch.Randn(3, 5)); // 15 elements: scalar path
        rec.Record("stream", "randn_f64_2x3", Torch.Randn([2, 3], DType.Float64));
        rec.Record("stream", "randn_f64_20", Torch.Randn([20], DType.Float64));
        rec.Record("stream", "rand_f64_5", Torch.Rand([5], DType.Float64));
        var @base = Torch.Zeros(2, 3);
        rec.Record("stream", "randn_like_2x3", Torch.RandnLike(@base));
        rec.Record("stream", "normal_mean1_std2_7", Torch.Empty(7).Normal_(1.0, 2.0));
        rec.Record("stream", "uniform_m3_3_x17", Torch.Empty(17).Uniform_(-3.0, 3.0));
        rec.Record("stream", "randint_5_x3", Torch.Randint(5, [3]));
        rec.Record("stream", "rand_after", Torch.Rand(2));

        // re-seeding restarts the stream
        Torch.ManualSeed(0);
        rec.Record("reseed", "rand_3x4", Torch.Rand(3, 4));
        Torch.ManualSeed(1234);
        rec.Record("reseed", "randn_3", Torch.Randn(3));
    }
}
