namespace Bridge.Parity.Cases;

/// <summary>Port of parity/cases/random_normal_vectorized.py.</summary>
public static class RandomNormalVectorized
{
    public static void Run(Recorder rec)
    {
        Torch.ManualSeed(0);
        rec.Record("draws", "randn_4x5", Torch.Randn(4, 5));
        rec.Record("draws", "randn_16", Torch.Randn(16));
        rec.Record("draws", "randn_1000", Torch.Randn(1000));
        rec.Record("draws", "rand_after", Torch.Rand(3));
        rec.Record("draws", "randn_like_2x10", Torch.RandnLike(Torch.Zeros(2, 10)));
        rec.Record("draws", "normal_mean1_std2_33", Torch.Empty(33).Normal_(1.0, 2.0));
        Torch.ManualSeed(1234);
        rec.Record("reseed", "randn_17", Torch.Randn(17));
        rec.Record("reseed", "randn_3", Torch.Randn(3));
    }
}
