namespace Bridge.Optim.LRScheduler;

/// <summary>How OneCycleLR anneals within a phase.</summary>
public enum AnnealStrategy
{
    /// <summary>Half a cosine from the phase's start value to its end value.</summary>
    Cos,

    /// <summary>A straight line from the phase's start value to its end value.</summary>
    Linear,
}

/// <summary>
/// The 1cycle policy (torch.optim.lr_scheduler.OneCycleLR): lr rises from max_lr/div_factor to max_lr over
/// pct_start of the steps, then anneals to initial_lr/final_div_factor; momentum (or Adam's beta1) moves inversely.
/// </summary>
public sealed class OneCycleLR : Scheduler
{
    readonly record struct Phase(double EndStep, string StartLr, string EndLr, string StartMomentum, string EndMomentum);

    readonly Phase[] _phases;
    readonly AnnealStrategy _anneal;
    readonly bool _cycleMomentum, _useBeta1;

    /// <summary>
    /// Steps in the whole cycle: totalSteps, or epochs · stepsPerEpoch. Stepping past it throws, as in torch.
    /// </summary>
    public int TotalSteps { get; }

    /// <summary>
    /// torch's <c>OneCycleLR</c> with one max_lr and momentum range for every group; call <c>Step()</c> after each
    /// batch.
    /// </summary>
    /// <param name="optimizer">The optimizer to schedule.</param>
    /// <param name="maxLr">Peak learning rate.</param>
    /// <param name="totalSteps">Steps in the cycle; or give <paramref name="epochs"/> and <paramref
    /// name="stepsPerEpoch"/>.</param>
    /// <param name="epochs">Epochs, with <paramref name="stepsPerEpoch"/>, when totalSteps is null.</param>
    /// <param name="stepsPerEpoch">Steps per epoch.</param>
    /// <param name="pctStart">Fraction of the cycle spent rising.</param>
    /// <param name="annealStrategy">Cosine or linear annealing.</param>
    /// <param name="cycleMomentum">Move momentum (or Adam's beta1) inversely to the learning rate.</param>
    /// <param name="baseMomentum">Momentum at the peak learning rate.</param>
    /// <param name="maxMomentum">Momentum at the start and end.</param>
    /// <param name="divFactor">initial_lr = maxLr / divFactor.</param>
    /// <param name="finalDivFactor">min_lr = initial_lr / finalDivFactor.</param>
    /// <param name="threePhase">Rise, fall back to initial_lr, then anneal to min_lr (fast.ai's variant).</param>
    /// <param name="lastEpoch">-1 to start fresh; otherwise the step to resume after (the groups need
    /// initial_lr).</param>
    /// <exception cref="ArgumentException">Neither totalSteps nor epochs and stepsPerEpoch, a non-positive count,
    /// pctStart outside [0, 1], or momentum cycling on an optimizer without momentum or betas.</exception>
    public OneCycleLR(Optimizer optimizer, double maxLr, int? totalSteps = null, int? epochs = null, int? stepsPerEpoch = null,
        double pctStart = 0.3, AnnealStrategy annealStrategy = AnnealStrategy.Cos, bool cycleMomentum = true,
        double baseMomentum = 0.85, double maxMomentum = 0.95, double divFactor = 25.0, double finalDivFactor = 1e4,
        bool threePhase = false, int lastEpoch = -1)
        : this(optimizer, [maxLr], totalSteps, epochs, stepsPerEpoch, pctStart, annealStrategy, cycleMomentum,
            [baseMomentum], [maxMomentum], divFactor, finalDivFactor, threePhase, lastEpoch)
    { }

    /// <summary>
    /// torch's <c>OneCycleLR</c> with max_lr and momentum ranges per group (one value applies to all); see the other
    /// constructor for the parameters.
    /// </summary>
    /// <exception cref="ArgumentException">As the other constructor, or a list whose length is neither 1 nor the number
    /// of groups.</exception>
    public OneCycleLR(Optimizer optimizer, double[] maxLr, int? totalSteps = null, int? epochs = null, int? stepsPerEpoch = null,
        double pctStart = 0.3, AnnealStrategy annealStrategy = AnnealStrategy.Cos, bool cycleMomentum = true,
        double[]? baseMomentum = null, double[]? maxMomentum = null, double divFactor = 25.0, double finalDivFactor = 1e4,
        bool threePhase = false, int lastEpoch = -1) : base(optimizer)
    {
        if (totalSteps is null && epochs is null && stepsPerEpoch is null)
            throw new ArgumentException("You must define either total_steps OR (epochs AND steps_per_epoch)");
        if (totalSteps is int t)
        {
            if (t <= 0) throw new ArgumentException($"Expected positive integer total_steps, but got {t}");
            TotalSteps = t;
        }
        else
        {
            if (epochs is not int e || e <= 0) throw new ArgumentException($"Expected positive integer epochs, but got {epochs}");
            if (stepsPerEpoch is not int s || s <= 0) throw new ArgumentException($"Expected positive integer steps_per_epoch, but got {stepsPerEpoch}");
            TotalSteps = e * s;
        }
        _phases = threePhase
            ?
            [
                new(pctStart * TotalSteps - 1, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                new(2 * pctStart * TotalSteps - 2, "max_lr", "initial_lr", "base_momentum", "max_momentum"),
                new(TotalSteps - 1, "initial_lr", "min_lr", "max_momentum", "max_momentum"),
            ]
            :
            [
                new(pctStart * TotalSteps - 1, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                new(TotalSteps - 1, "max_lr", "min_lr", "base_momentum", "max_momentum"),
            ];
        if (pctStart < 0 || pctStart > 1) throw new ArgumentException($"Expected float between 0 and 1 pct_start, but got {pctStart}");
        _anneal = annealStrategy;
        var maxLrs = PerGroup("max_lr", optimizer, maxLr);
        if (lastEpoch == -1)
        {
            for (int i = 0; i < optimizer.ParamGroups.Count; i++)
            {
                var g = optimizer.ParamGroups[i];
                g["initial_lr"] = maxLrs[i] / divFactor;
                g["max_lr"] = maxLrs[i];
                g["min_lr"] = g.Double("initial_lr") / finalDivFactor;
            }
        }
        _cycleMomentum = cycleMomentum;
        if (cycleMomentum)
        {
            if (!optimizer.Defaults.ContainsKey("momentum") && !optimizer.Defaults.ContainsKey("betas"))
                throw new ArgumentException("optimizer must support momentum with `cycle_momentum` option enabled");
            _useBeta1 = optimizer.Defaults.ContainsKey("betas");
            var maxM = PerGroup("max_momentum", optimizer, maxMomentum ?? [0.95]);
            var baseM = PerGroup("base_momentum", optimizer, baseMomentum ?? [0.85]);
            if (lastEpoch == -1)
            {
                for (int i = 0; i < optimizer.ParamGroups.Count; i++)
                {
                    var g = optimizer.ParamGroups[i];
                    SetMomentum(g, maxM[i]);
                    g["max_momentum"] = maxM[i];
                    g["base_momentum"] = baseM[i];
                }
            }
        }
        Initialize(lastEpoch);
    }

    void SetMomentum(ParamGroup g, double m)
    {
        if (_useBeta1) g["betas"] = (m, g.Pair("betas").Item2);
        else g["momentum"] = m;
    }

    double Anneal(double start, double end, double pct) => _anneal == AnnealStrategy.Cos
        ? end + (start - end) / 2.0 * (Math.Cos(Math.PI * pct) + 1)
        : (end - start) * pct + start;

    /// <inheritdoc/>
    protected override double[] GetLr()
    {
        int stepNum = LastEpoch;
        if (stepNum > TotalSteps)
            throw new InvalidOperationException($"Tried to step {stepNum + 1} times. The specified number of total steps is {TotalSteps}");
        var lrs = new double[Optimizer.ParamGroups.Count];
        for (int gi = 0; gi < lrs.Length; gi++)
        {
            var g = Optimizer.ParamGroups[gi];
            double startStep = 0;
            for (int i = 0; i < _phases.Length; i++)
            {
                var ph = _phases[i];
                if (stepNum <= ph.EndStep || i == _phases.Length - 1)
                {
                    double pct = (stepNum - startStep) / (ph.EndStep - startStep);
                    lrs[gi] = Anneal(g.Double(ph.StartLr), g.Double(ph.EndLr), pct);
                    if (_cycleMomentum) SetMomentum(g, Anneal(g.Double(ph.StartMomentum), g.Double(ph.EndMomentum), pct));
                    break;
                }
                startStep = ph.EndStep;
            }
        }
        return lrs;
    }
}

/// <summary>How CyclicLR scales each cycle's amplitude.</summary>
public enum CyclicMode
{
    /// <summary>Every cycle has the full amplitude.</summary>
    Triangular,

    /// <summary>The amplitude halves after each cycle.</summary>
    Triangular2,

    /// <summary>The amplitude is scaled by gamma^step.</summary>
    ExpRange,
}

/// <summary>torch.optim.lr_scheduler.CyclicLR: lr cycles between base_lr and max_lr, momentum inversely.</summary>
public sealed class CyclicLR : Scheduler
{
    readonly double[] _maxLrs, _baseMomentums = [], _maxMomentums = [];
    readonly double _totalSize, _stepRatio, _gamma;
    readonly Func<double, double> _scaleFn;
    readonly bool _scaleByCycle, _cycleMomentum;

    /// <summary>
    /// torch's <c>CyclicLR</c> with learning-rate bounds per group (one value applies to all); call <c>Step()</c> after
    /// each batch.
    /// </summary>
    /// <param name="optimizer">The optimizer to schedule; its groups start at baseLr.</param>
    /// <param name="baseLr">Lower bound of the cycle.</param>
    /// <param name="maxLr">Upper bound of the cycle (reached only with scale 1).</param>
    /// <param name="stepSizeUp">Steps from the lower to the upper bound.</param>
    /// <param name="stepSizeDown">Steps back down; default stepSizeUp.</param>
    /// <param name="mode">How the amplitude shrinks per cycle; ignored with <paramref name="scaleFn"/>.</param>
    /// <param name="gamma">ExpRange's factor per step: amplitude · gamma^iterations.</param>
    /// <param name="scaleFn">A custom amplitude scale of the cycle number (or of the step, when scaleByCycle is
    /// false).</param>
    /// <param name="scaleByCycle">Whether <paramref name="scaleFn"/> takes the cycle number or the step.</param>
    /// <param name="cycleMomentum">Move momentum inversely between maxMomentum and baseMomentum.</param>
    /// <param name="baseMomentum">Momentum at the upper learning-rate bound.</param>
    /// <param name="maxMomentum">Momentum at the lower learning-rate bound.</param>
    /// <param name="lastEpoch">-1 to start fresh; otherwise the step to resume after (the groups need
    /// initial_lr).</param>
    /// <exception cref="ArgumentException">A list whose length is neither 1 nor the number of groups, or momentum
    /// cycling on an optimizer without momentum.</exception>
    public CyclicLR(Optimizer optimizer, double[] baseLr, double[] maxLr, int stepSizeUp = 2000, int? stepSizeDown = null,
        CyclicMode mode = CyclicMode.Triangular, double gamma = 1.0, Func<double, double>? scaleFn = null, bool scaleByCycle = true,
        bool cycleMomentum = true, double baseMomentum = 0.8, double maxMomentum = 0.9, int lastEpoch = -1) : base(optimizer)
    {
        var baseLrs = PerGroup("base_lr", optimizer, baseLr);
        if (lastEpoch == -1)
            for (int i = 0; i < baseLrs.Length; i++) optimizer.ParamGroups[i].LearningRate = baseLrs[i];
        _maxLrs = PerGroup("max_lr", optimizer, maxLr);
        double up = stepSizeUp, down = stepSizeDown ?? stepSizeUp;
        _totalSize = up + down;
        _stepRatio = up / _totalSize;
        _gamma = gamma;
        if (scaleFn is not null) (_scaleFn, _scaleByCycle) = (scaleFn, scaleByCycle);
        else (_scaleFn, _scaleByCycle) = mode switch
        {
            CyclicMode.Triangular => ((Func<double, double>)(_ => 1.0), true),
            CyclicMode.Triangular2 => (x => 1 / Math.Pow(2.0, x - 1), true),
            _ => (x => Math.Pow(_gamma, x), false),
        };
        _cycleMomentum = cycleMomentum;
        if (cycleMomentum)
        {
            if (!optimizer.Defaults.ContainsKey("momentum")) throw new ArgumentException("optimizer must support momentum with `cycle_momentum` option enabled");
            if (lastEpoch == -1) foreach (var g in optimizer.ParamGroups) g["momentum"] = baseMomentum;
            _baseMomentums = optimizer.ParamGroups.Select(g => g.Double("momentum")).ToArray();
            _maxMomentums = PerGroup("max_momentum", optimizer, [maxMomentum]);
        }
        Initialize(lastEpoch);
        BaseLrs = baseLrs;
    }

    /// <summary>
    /// torch's <c>CyclicLR</c> with one pair of bounds for every group; see the other constructor for the parameters.
    /// </summary>
    public CyclicLR(Optimizer optimizer, double baseLr, double maxLr, int stepSizeUp = 2000, int? stepSizeDown = null,
        CyclicMode mode = CyclicMode.Triangular, double gamma = 1.0, bool cycleMomentum = true, double baseMomentum = 0.8,
        double maxMomentum = 0.9, int lastEpoch = -1)
        : this(optimizer, [baseLr], [maxLr], stepSizeUp, stepSizeDown, mode, gamma, null, true, cycleMomentum, baseMomentum, maxMomentum, lastEpoch) { }

    /// <inheritdoc/>
    protected override double[] GetLr()
    {
        double cycle = Math.Floor(1 + LastEpoch / _totalSize);
        double x = 1.0 + LastEpoch / _totalSize - cycle;
        double scale = x <= _stepRatio ? x / _stepRatio : (x - 1) / (_stepRatio - 1);
        double at = _scaleByCycle ? cycle : LastEpoch;
        // During the base constructor's first step BaseLrs are the groups' initial_lr, as in torch.
        var lrs = BaseLrs.Select((b, i) => b + (_maxLrs[i] - b) * scale * _scaleFn(at)).ToArray();
        if (_cycleMomentum)
        {
            for (int i = 0; i < _baseMomentums.Length; i++)
                Optimizer.ParamGroups[i]["momentum"] = _maxMomentums[i] - (_maxMomentums[i] - _baseMomentums[i]) * scale * _scaleFn(at);
        }
        return lrs;
    }
}

/// <summary>Cosine annealing restarted every T_i epochs, T_i growing by T_mult after each restart.</summary>
public sealed class CosineAnnealingWarmRestarts : Scheduler
{
    readonly int _t0, _tMult;
    readonly double _etaMin;
    double _tCur;
    int _tI;

    /// <summary>
    /// torch's <c>CosineAnnealingWarmRestarts(optimizer, T_0, T_mult, eta_min, last_epoch)</c>: cosine annealing from
    /// the initial lr to <paramref name="etaMin"/> over T_i epochs, restarting with T_i = <paramref name="t0"/>, then
    /// T_i · <paramref name="tMult"/> after each restart.
    /// </summary>
    /// <param name="optimizer">The optimizer whose learning rates are scheduled.</param>
    /// <param name="t0">Epochs until the first restart.</param>
    /// <param name="tMult">Factor by which the period grows after each restart (≥ 1).</param>
    /// <param name="etaMin">The learning rate at the bottom of the cosine.</param>
    /// <param name="lastEpoch">-1 to start fresh; otherwise the step to resume after (the groups need
    /// initial_lr).</param>
    /// <exception cref="ArgumentException">t0 &lt; 1 or tMult &lt; 1.</exception>
    public CosineAnnealingWarmRestarts(Optimizer optimizer, int t0, int tMult = 1, double etaMin = 0, int lastEpoch = -1) : base(optimizer)
    {
        if (t0 <= 0) throw new ArgumentException($"Expected positive integer T_0, but got {t0}");
        if (tMult < 1) throw new ArgumentException($"Expected integer T_mult >= 1, but got {tMult}");
        (_t0, _tI, _tMult, _etaMin, _tCur) = (t0, t0, tMult, etaMin, lastEpoch);
        Initialize(lastEpoch);
    }

    /// <inheritdoc/>
    protected override double[] GetLr() =>
        BaseLrs.Select(b => _etaMin + (b - _etaMin) * (1 + Math.Cos(Math.PI * _tCur / _tI)) / 2).ToArray();

    /// <summary>Advances one epoch, restarting the cosine when T_cur reaches T_i.</summary>
    public override void Step()
    {
        if (LastEpoch < 0)
        {
            Step(0);
            return;
        }
        _tCur += 1; // torch's override leaves _step_count alone
        if (_tCur >= _tI)
        {
            _tCur -= _tI;
            _tI *= _tMult;
        }
        LastEpoch++;
        Apply(GetLr());
    }

    /// <summary>
    /// Jumps to <paramref name="epoch"/> (fractional epochs are torch's; here whole ones), computing T_cur and T_i for
    /// it.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="epoch"/> is negative.</exception>
    public override void Step(int epoch)
    {
        if (epoch < 0) throw new ArgumentException($"Expected non-negative epoch, but got {epoch}");
        if (epoch >= _t0)
        {
            if (_tMult == 1) _tCur = epoch % _t0;
            else
            {
                int n = (int)(Math.Log(epoch / (double)_t0 * (_tMult - 1) + 1) / Math.Log(_tMult));
                _tCur = epoch - _t0 * (Math.Pow(_tMult, n) - 1) / (_tMult - 1);
                _tI = _t0 * (int)Math.Pow(_tMult, n);
            }
        }
        else
        {
            _tI = _t0;
            _tCur = epoch;
        }
        LastEpoch = epoch;
        Apply(GetLr());
    }

    /// <summary>The base counters plus <c>T_cur</c> and <c>T_i</c>.</summary>
    public override Dictionary<string, object?> StateDict()
    {
        var s = base.StateDict();
        s["T_cur"] = _tCur;
        s["T_i"] = (long)_tI;
        return s;
    }

    /// <summary>Restores the base counters and <c>T_cur</c>, <c>T_i</c> when present.</summary>
    public override void LoadStateDict(IReadOnlyDictionary<string, object?> state)
    {
        base.LoadStateDict(state);
        if (state.TryGetValue("T_cur", out var c) && c is not null) _tCur = Convert.ToDouble(c);
        if (state.TryGetValue("T_i", out var t) && t is not null) _tI = Convert.ToInt32(t);
    }
}

/// <summary>Runs schedulers one after another, switching at the milestones.</summary>
public sealed class SequentialLR : Scheduler
{
    readonly Scheduler[] _schedulers;
    readonly int[] _milestones;

    /// <summary>
    /// torch's <c>SequentialLR(optimizer, schedulers, milestones)</c>: schedulers[i] runs from milestones[i-1]
    /// (restarted at its epoch 0) until milestones[i].
    /// </summary>
    /// <exception cref="ArgumentException">A scheduler of another optimizer, or milestones not one fewer than
    /// schedulers.</exception>
    public SequentialLR(Optimizer optimizer, Scheduler[] schedulers, int[] milestones, int lastEpoch = -1) : base(optimizer)
    {
        for (int i = 0; i < schedulers.Length; i++)
            if (!ReferenceEquals(schedulers[i].Optimizer, optimizer))
                throw new ArgumentException($"Sequential Schedulers expects all schedulers to belong to the same optimizer, but got schedulers at index {i} to be different than the optimizer passed in.");
        if (milestones.Length != schedulers.Length - 1)
            throw new ArgumentException($"Sequential Schedulers expects number of schedulers provided to be one more than the number of milestone points, but got number of schedulers {schedulers.Length} and the number of milestones to be equal to {milestones.Length}");
        (_schedulers, _milestones) = (schedulers, milestones);
        LastEpoch = lastEpoch + 1;
        foreach (var g in optimizer.ParamGroups) g.LearningRate = g.Double("initial_lr");
        foreach (var s in schedulers) s.LastEpoch -= 1;
        schedulers[0].InitialStep();
        SetLastLr();
    }

    /// <summary>Not used: the active scheduler computes the rates.</summary>
    /// <exception cref="NotSupportedException">Always.</exception>
    protected override double[] GetLr() => throw new NotSupportedException("SequentialLR delegates to its schedulers");

    /// <summary>Steps the scheduler active at the new epoch (restarting it at a milestone).</summary>
    public override void Step()
    {
        LastEpoch++;
        int idx = UpperBound(_milestones, LastEpoch);
        var scheduler = _schedulers[idx];
        if (idx > 0 && _milestones[idx - 1] == LastEpoch) scheduler.Step(0);
        else scheduler.Step();
        SetLastLr();
    }

    static int UpperBound(int[] sorted, int value)
    {
        int i = 0;
        while (i < sorted.Length && sorted[i] <= value) i++;
        return i;
    }
}

/// <summary>Steps every scheduler at each step (their factors multiply).</summary>
public sealed class ChainedScheduler : Scheduler
{
    readonly Scheduler[] _schedulers;

    /// <summary>
    /// torch's <c>ChainedScheduler(schedulers)</c>: every step steps each scheduler in order, so their factors
    /// multiply.
    /// </summary>
    /// <exception cref="ArgumentException">No schedulers, or they belong to different optimizers.</exception>
    public ChainedScheduler(params Scheduler[] schedulers) : base(FirstOptimizer(schedulers))
    {
        for (int i = 1; i < schedulers.Length; i++)
            if (!ReferenceEquals(schedulers[i].Optimizer, schedulers[0].Optimizer))
                throw new ArgumentException($"ChainedScheduler expects all schedulers to belong to the same optimizer, but got schedulers at index 0 and {i} to be different");
        _schedulers = schedulers;
        SetLastLr();
    }

    static Optimizer FirstOptimizer(Scheduler[] schedulers) => schedulers.Length > 0
        ? schedulers[0].Optimizer
        : throw new ArgumentException("ChainedScheduler needs at least one scheduler", nameof(schedulers));

    /// <summary>Not used: the chained schedulers compute the rates.</summary>
    /// <exception cref="NotSupportedException">Always.</exception>
    protected override double[] GetLr() => throw new NotSupportedException("ChainedScheduler delegates to its schedulers");

    /// <summary>Steps every chained scheduler once, in order.</summary>
    public override void Step()
    {
        foreach (var s in _schedulers) s.Step();
        SetLastLr();
    }
}

/// <summary>torch.optim.lr_scheduler.ReduceLROnPlateau: lr ·= factor when the metric has not improved for <c>patience</c> steps.</summary>
public sealed class ReduceLROnPlateau
{
    readonly double _factor, _threshold, _eps;
    readonly double[] _minLrs;
    readonly int _patience, _cooldown;
    readonly bool _max, _relative;

    /// <summary>
    /// torch's <c>ReduceLROnPlateau</c>; call <see cref="Step"/> with the monitored metric after each epoch.
    /// </summary>
    /// <param name="optimizer">The optimizer to adjust.</param>
    /// <param name="mode"><c>"min"</c> when lower is better, <c>"max"</c> when higher is.</param>
    /// <param name="factor">lr ·= factor on a plateau (&lt; 1).</param>
    /// <param name="patience">Epochs without improvement tolerated before reducing.</param>
    /// <param name="threshold">How much better counts as an improvement.</param>
    /// <param name="thresholdMode"><c>"rel"</c>: relative to the best; <c>"abs"</c>: absolute.</param>
    /// <param name="cooldown">Epochs to wait after a reduction before counting again.</param>
    /// <param name="minLr">Lower bound per group (one value applies to all); default 0.</param>
    /// <param name="eps">Reductions smaller than this are skipped.</param>
    /// <exception cref="ArgumentException">factor ≥ 1, an unknown mode or threshold mode, or a minLr list of the wrong
    /// length.</exception>
    public ReduceLROnPlateau(Optimizer optimizer, string mode = "min", double factor = 0.1, int patience = 10, double threshold = 1e-4,
        string thresholdMode = "rel", int cooldown = 0, double[]? minLr = null, double eps = 1e-8)
    {
        if (factor >= 1.0) throw new ArgumentException("Factor should be < 1.0.");
        if (mode is not ("min" or "max")) throw new ArgumentException($"mode {mode} is unknown!");
        if (thresholdMode is not ("rel" or "abs")) throw new ArgumentException($"threshold mode {thresholdMode} is unknown!");
        Optimizer = optimizer;
        _minLrs = Scheduler.PerGroup("min_lr", optimizer, minLr ?? [0.0]);
        (_factor, _patience, _threshold, _cooldown, _eps) = (factor, patience, threshold, cooldown, eps);
        (_max, _relative) = (mode == "max", thresholdMode == "rel");
        Best = _max ? double.NegativeInfinity : double.PositiveInfinity;
    }

    /// <summary>The optimizer whose groups' learning rates this scheduler reduces.</summary>
    public Optimizer Optimizer { get; }
    /// <summary>The best metric seen so far (±infinity before the first step).</summary>
    public double Best { get; private set; }
    /// <summary>Consecutive epochs without improvement.</summary>
    public int NumBadEpochs { get; private set; }
    /// <summary>Epochs of cooldown left after the last reduction.</summary>
    public int CooldownCounter { get; private set; }
    /// <summary>How many times <see cref="Step"/> has run.</summary>
    public int LastEpoch { get; private set; }
    double[] _lastLr = [];

    /// <summary>The learning rates after the last step, one per group.</summary>
    public IReadOnlyList<double> GetLastLr() => _lastLr;

    bool IsBetter(double a, double best) => (_max, _relative) switch
    {
        (false, true) => a < best * (1.0 - _threshold),
        (false, false) => a < best - _threshold,
        (true, true) => a > best * (_threshold + 1.0),
        _ => a > best + _threshold,
    };

    /// <summary>Records this epoch's metric and reduces the learning rates when it has stalled.</summary>
    public void Step(double metric)
    {
        LastEpoch++;
        if (IsBetter(metric, Best))
        {
            Best = metric;
            NumBadEpochs = 0;
        }
        else NumBadEpochs++;
        if (CooldownCounter > 0)
        {
            CooldownCounter--;
            NumBadEpochs = 0;
        }
        if (NumBadEpochs > _patience)
        {
            for (int i = 0; i < Optimizer.ParamGroups.Count; i++)
            {
                var g = Optimizer.ParamGroups[i];
                double old = g.LearningRate, lr = Math.Max(old * _factor, _minLrs[i]);
                if (old - lr > _eps) g.LearningRate = lr;
            }
            CooldownCounter = _cooldown;
            NumBadEpochs = 0;
        }
        _lastLr = Optimizer.ParamGroups.Select(g => g.LearningRate).ToArray();
    }
}
