using Bridge.Autograd;

namespace Bridge.Optim;

/// <summary>
/// torch.optim.LBFGS: limited-memory BFGS over all parameters as one flat vector, <c>Step(closure)</c> re-evaluating
/// the loss; <c>history_size</c>, and <c>line_search_fn</c> null or "strong_wolfe". The two-loop recursion keeps torch's
/// float32 scalars (ρ, α, the diagonal scale); the line search works in doubles.
/// </summary>
public sealed class LBFGS : Optimizer
{
    readonly List<Tensor> _params;

    /// <summary>
    /// torch's <c>LBFGS(params, lr, max_iter, max_eval, tolerance_grad, tolerance_change, history_size,
    /// line_search_fn)</c>; every <c>Step</c> needs a closure that zeroes the gradients, recomputes the loss and calls
    /// backward.
    /// </summary>
    /// <param name="parameters">The tensors to update (one group).</param>
    /// <param name="lr">Step length scale.</param>
    /// <param name="maxIter">Iterations per <c>Step</c>.</param>
    /// <param name="maxEval">Closure evaluations per <c>Step</c>; default maxIter·5/4.</param>
    /// <param name="toleranceGrad">Stop when the largest gradient magnitude is at most this.</param>
    /// <param name="toleranceChange">Stop when the loss or parameters change by at most this.</param>
    /// <param name="historySize">How many past updates approximate the Hessian.</param>
    /// <param name="lineSearchFn">null (fixed step) or <c>"strong_wolfe"</c>.</param>
    /// <exception cref="ArgumentException">Another line search, or no parameters.</exception>
    public LBFGS(IEnumerable<Tensor> parameters, double lr = 1, int maxIter = 20, int? maxEval = null, double toleranceGrad = 1e-7,
        double toleranceChange = 1e-9, int historySize = 100, string? lineSearchFn = null)
        : base(parameters, new()
        {
            ["lr"] = lr,
            ["max_iter"] = (long)maxIter,
            ["max_eval"] = (long)(maxEval ?? maxIter * 5 / 4),
            ["tolerance_grad"] = toleranceGrad,
            ["tolerance_change"] = toleranceChange,
            ["history_size"] = (long)historySize,
            ["line_search_fn"] = lineSearchFn,
        })
    {
        if (lineSearchFn is not null and not "strong_wolfe") throw new ArgumentException("only 'strong_wolfe' is supported");
        _params = ParamGroups[0].Params;
    }

    /// <summary>Not used: LBFGS updates all parameters at once in <c>Step(closure)</c>.</summary>
    /// <exception cref="InvalidOperationException">Always: call <c>Step(closure)</c>.</exception>
    protected override void Update(ParamGroup group, Tensor param, Tensor grad, Dictionary<string, object?> state) =>
        throw new InvalidOperationException("LBFGS needs a closure: call Step(closure)");

    Tensor FlatGrad() => Torch.Cat(_params.Select(p => p.Grad is Tensor g ? g.Reshape(-1) : Torch.Zeros([p.Numel()], p.DType)).ToArray(), 0);

    void AddGrad(double stepSize, Tensor update)
    {
        int offset = 0;
        foreach (var p in _params)
        {
            int n = p.Numel32;
            UpdateKernels.AddScaled_(p, update.Narrow(0, offset, n).Reshape(p.ShapeArray).Contiguous(), stepSize);
            offset += n;
        }
    }

    double Evaluate(Func<Tensor> closure)
    {
        using var on = GradMode.Set(true);
        return closure().Item();
    }

    (double Loss, Tensor Grad) DirectionalEvaluate(Func<Tensor> closure, Tensor[] x, double t, Tensor d)
    {
        AddGrad(t, d);
        double loss = Evaluate(closure);
        var flat = FlatGrad();
        for (int i = 0; i < _params.Count; i++) _params[i].Copy_(x[i]);
        return (loss, flat);
    }

    /// <summary>Up to max_iter iterations; returns the first loss.</summary>
    public override Tensor? Step(Func<Tensor>? closure = null)
    {
        if (closure is null) throw new ArgumentException("LBFGS needs a closure that recomputes the loss", nameof(closure));
        var g = ParamGroups[0];
        double lr = g.Double("lr"), tolGrad = g.Double("tolerance_grad"), tolChange = g.Double("tolerance_change");
        int maxIter = Convert.ToInt32(g["max_iter"]), maxEval = Convert.ToInt32(g["max_eval"]), history = Convert.ToInt32(g["history_size"]);
        bool wolfe = g["line_search_fn"] is "strong_wolfe";
        if (!State.TryGetValue(_params[0], out var state)) State[_params[0]] = state = new() { ["func_evals"] = 0L, ["n_iter"] = 0L };

        Tensor origLoss;
        using (GradMode.Set(true)) origLoss = closure();
        using var noGrad = GradMode.Set(false);
        double loss = origLoss.Item();
        int currentEvals = 1;
        state["func_evals"] = (long)state["func_evals"]! + 1;
        var flatGrad = FlatGrad();
        if (flatGrad.Abs().Max().Item() <= tolGrad) return origLoss;

        var d = state.GetValueOrDefault("d") as Tensor;
        double t = state.GetValueOrDefault("t") is double tt ? tt : 0;
        var oldDirs = state.GetValueOrDefault("old_dirs") as List<Tensor> ?? [];
        var oldStps = state.GetValueOrDefault("old_stps") as List<Tensor> ?? [];
        var ro = state.GetValueOrDefault("ro") as List<Tensor> ?? [];
        var hDiag = state.GetValueOrDefault("H_diag") as Tensor;
        var prevFlatGrad = state.GetValueOrDefault("prev_flat_grad") as Tensor;
        double prevLoss = state.GetValueOrDefault("prev_loss") is double pl ? pl : 0;

        int nIter = 0;
        while (nIter < maxIter)
        {
            nIter++;
            long totalIter = (long)state["n_iter"]! + 1;
            state["n_iter"] = totalIter;
            if (totalIter == 1)
            {
                d = flatGrad.Neg();
                oldDirs = [];
                oldStps = [];
                ro = [];
                hDiag = null; // torch's H_diag = 1
            }
            else
            {
                var y = flatGrad - prevFlatGrad!;
                var s = d! * t;
                var ys = y.Dot(s);
                if (ys.Item() > 1e-10)
                {
                    if (oldDirs.Count == history)
                    {
                        oldDirs.RemoveAt(0);
                        oldStps.RemoveAt(0);
                        ro.RemoveAt(0);
                    }
                    oldDirs.Add(Keep(y));
                    oldStps.Add(Keep(s));
                    ro.Add(Keep(1.0 / ys));
                    hDiag = Keep(ys / y.Dot(y));
                }
                var al = new Tensor[oldDirs.Count];
                var q = flatGrad.Neg();
                for (int i = oldDirs.Count - 1; i >= 0; i--)
                {
                    al[i] = oldStps[i].Dot(q) * ro[i];
                    UpdateKernels.AddScaled_(q, oldDirs[i], -al[i].Item());
                }
                var r = hDiag is null ? q : q * hDiag;
                for (int i = 0; i < oldDirs.Count; i++)
                {
                    var beI = oldDirs[i].Dot(r) * ro[i];
                    UpdateKernels.AddScaled_(r, oldStps[i], (al[i] - beI).Item());
                }
                d = r;
            }
            prevFlatGrad = Keep(flatGrad.Clone());
            prevLoss = loss;
            t = totalIter == 1 ? Math.Min(1.0, (1.0 / flatGrad.Abs().Sum()).Item()) * lr : lr;
            double gtd = flatGrad.Dot(d!).Item();
            if (gtd > -tolChange) break;

            int lsEvals = 0;
            bool optCond = false;
            if (wolfe)
            {
                var xInit = _params.Select(p => p.Clone()).ToArray();
                (loss, flatGrad, t, lsEvals) = StrongWolfe((x, step, dir) => DirectionalEvaluate(closure, x, step, dir), xInit, t, d!, loss, flatGrad, gtd);
                AddGrad(t, d!);
                optCond = flatGrad.Abs().Max().Item() <= tolGrad;
            }
            else
            {
                AddGrad(t, d!);
                if (nIter != maxIter)
                {
                    loss = Evaluate(closure);
                    flatGrad = FlatGrad();
                    optCond = flatGrad.Abs().Max().Item() <= tolGrad;
                    lsEvals = 1;
                }
            }
            currentEvals += lsEvals;
            state["func_evals"] = (long)state["func_evals"]! + lsEvals;
            if (nIter == maxIter || currentEvals >= maxEval || optCond) break;
            if ((d! * t).Abs().Max().Item() <= tolChange) break;
            if (Math.Abs(loss - prevLoss) < tolChange) break;
        }
        state["d"] = d is null ? null : Keep(d);
        state["t"] = t;
        state["old_dirs"] = oldDirs;
        state["old_stps"] = oldStps;
        state["ro"] = ro;
        state["H_diag"] = hDiag;
        state["prev_flat_grad"] = prevFlatGrad;
        state["prev_loss"] = prevLoss;
        return origLoss;
    }

    static double CubicInterpolate(double x1, double f1, double g1, double x2, double f2, double g2, (double, double)? bounds = null)
    {
        var (lo, hi) = bounds ?? (x1 <= x2 ? (x1, x2) : (x2, x1));
        double d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2);
        double d2Square = d1 * d1 - g1 * g2;
        if (d2Square >= 0)
        {
            double d2 = Math.Sqrt(d2Square);
            double minPos = x1 <= x2
                ? x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
                : x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2));
            return Math.Min(Math.Max(minPos, lo), hi);
        }
        return (lo + hi) / 2.0;
    }

    static (double, Tensor, double, int) StrongWolfe(Func<Tensor[], double, Tensor, (double, Tensor)> obj, Tensor[] x, double t, Tensor d,
        double f, Tensor g, double gtd, double c1 = 1e-4, double c2 = 0.9, double tolChange = 1e-9, int maxLs = 25)
    {
        double dNorm = d.Abs().Max().Item();
        g = g.Clone();
        var (fNew, gNew) = obj(x, t, d);
        int evals = 1;
        double gtdNew = gNew.Dot(d).Item();
        double tPrev = 0, fPrev = f, gtdPrev = gtd;
        var gPrev = g;
        bool done = false;
        int lsIter = 0;
        double[] bracket = [], bracketF = [], bracketGtd = [0, 0];
        Tensor[] bracketG = [];
        while (lsIter < maxLs)
        {
            if (fNew > f + c1 * t * gtd || (lsIter > 1 && fNew >= fPrev))
            {
                (bracket, bracketF, bracketG, bracketGtd) = ([tPrev, t], [fPrev, fNew], [gPrev, gNew.Clone()], [gtdPrev, gtdNew]);
                break;
            }
            if (Math.Abs(gtdNew) <= -c2 * gtd)
            {
                (bracket, bracketF, bracketG) = ([t], [fNew], [gNew]);
                done = true;
                break;
            }
            if (gtdNew >= 0)
            {
                (bracket, bracketF, bracketG, bracketGtd) = ([tPrev, t], [fPrev, fNew], [gPrev, gNew.Clone()], [gtdPrev, gtdNew]);
                break;
            }
            double minStep = t + 0.01 * (t - tPrev), maxStep = t * 10, tmp = t;
            t = CubicInterpolate(tPrev, fPrev, gtdPrev, t, fNew, gtdNew, (minStep, maxStep));
            (tPrev, fPrev, gPrev, gtdPrev) = (tmp, fNew, gNew.Clone(), gtdNew);
            (fNew, gNew) = obj(x, t, d);
            evals++;
            gtdNew = gNew.Dot(d).Item();
            lsIter++;
        }
        if (lsIter == maxLs) (bracket, bracketF, bracketG) = ([0, t], [f, fNew], [g, gNew]);

        bool insufProgress = false;
        var (low, high) = bracketF[0] <= bracketF[^1] ? (0, 1) : (1, 0);
        while (!done && lsIter < maxLs)
        {
            if (Math.Abs(bracket[1] - bracket[0]) * dNorm < tolChange) break;
            t = CubicInterpolate(bracket[0], bracketF[0], bracketGtd[0], bracket[1], bracketF[1], bracketGtd[1]);
            double bMax = Math.Max(bracket[0], bracket[1]), bMin = Math.Min(bracket[0], bracket[1]);
            double eps = 0.1 * (bMax - bMin);
            if (Math.Min(bMax - t, t - bMin) < eps)
            {
                if (insufProgress || t >= bMax || t <= bMin)
                {
                    t = Math.Abs(t - bMax) < Math.Abs(t - bMin) ? bMax - eps : bMin + eps;
                    insufProgress = false;
                }
                else insufProgress = true;
            }
            else insufProgress = false;
            (fNew, gNew) = obj(x, t, d);
            evals++;
            gtdNew = gNew.Dot(d).Item();
            lsIter++;
            if (fNew > f + c1 * t * gtd || fNew >= bracketF[low])
            {
                (bracket[high], bracketF[high], bracketG[high], bracketGtd[high]) = (t, fNew, gNew.Clone(), gtdNew);
                (low, high) = bracketF[0] <= bracketF[1] ? (0, 1) : (1, 0);
            }
            else
            {
                if (Math.Abs(gtdNew) <= -c2 * gtd) done = true;
                else if (gtdNew * (bracket[high] - bracket[low]) >= 0)
                    (bracket[high], bracketF[high], bracketG[high], bracketGtd[high]) = (bracket[low], bracketF[low], bracketG[low], bracketGtd[low]);
                (bracket[low], bracketF[low], bracketG[low], bracketGtd[low]) = (t, fNew, gNew.Clone(), gtdNew);
            }
        }
        return (bracketF[low], bracketG[low], bracket[low], evals);
    }
}
