namespace Bridge.Optim.LRScheduler;

/// <summary>
/// torch.optim.lr_scheduler._LRScheduler: base learning rates from each group's "initial_lr", <see cref="LastEpoch"/>,
/// <see cref="Step()"/> writing each group's "lr", <see cref="GetLastLr"/>. Subclasses give torch's recursive
/// (chainable) <see cref="GetLr"/>, with torch's arithmetic in the same order, so the sequences are the same doubles.
/// </summary>
public abstract class Scheduler
{
    // For schedulers that set their fields before the first step (torch's subclasses call super().__init__ last).
    /// <summary>
    /// Binds the scheduler to <paramref name="optimizer"/>; the subclass sets its fields and then calls <see
    /// cref="Initialize"/>.
    /// </summary>
    protected Scheduler(Optimizer optimizer) => Optimizer = optimizer;

    /// <summary>The optimizer whose groups' learning rates this scheduler writes.</summary>
    public Optimizer Optimizer { get; }
    /// <summary>Each group's initial learning rate (torch's <c>base_lrs</c>).</summary>
    public double[] BaseLrs { get; protected set; } = [];
    /// <summary>
    /// The epoch (or batch) count of the last step; 0 after construction from scratch (torch's <c>last_epoch</c>).
    /// </summary>
    public int LastEpoch { get; set; }
    /// <summary>
    /// How many times Step has run, the constructor's first step included (torch's <c>_step_count</c>).
    /// </summary>
    protected int StepCount { get; set; }
    double[] _lastLr = [];

    /// <summary>Takes the base learning rates and makes the first step (call at the end of a subclass constructor).</summary>
    protected void Initialize(int lastEpoch)
    {
        if (lastEpoch == -1)
        {
            foreach (var g in Optimizer.ParamGroups) g.Options.TryAdd("initial_lr", g.LearningRate);
        }
        else
        {
            for (int i = 0; i < Optimizer.ParamGroups.Count; i++)
                if (!Optimizer.ParamGroups[i].Options.ContainsKey("initial_lr"))
                    throw new KeyNotFoundException($"param 'initial_lr' is not specified in param_groups[{i}] when resuming an optimizer");
        }
        BaseLrs = Optimizer.ParamGroups.Select(g => g.Double("initial_lr")).ToArray();
        LastEpoch = lastEpoch;
        InitialStep();
    }

    internal void InitialStep()
    {
        StepCount = 0;
        Step();
    }

    /// <summary>The learning rates the last step set, one per group.</summary>
    public IReadOnlyList<double> GetLastLr() => _lastLr;

    /// <summary>
    /// The learning rates for <see cref="LastEpoch"/>, one per group, in torch's recursive (chainable) form: usually
    /// from the groups' current rates.
    /// </summary>
    protected abstract double[] GetLr();

    /// <summary>Advances one epoch (or batch) and writes each group's new learning rate.</summary>
    public virtual void Step()
    {
        StepCount++;
        LastEpoch++;
        Apply(GetLr());
    }

    /// <summary>torch's step(epoch): the closed form where the scheduler has one.</summary>
    public virtual void Step(int epoch)
    {
        StepCount++;
        LastEpoch = epoch;
        Apply(ClosedForm() ?? GetLr());
    }

    /// <summary>
    /// The learning rates for <see cref="LastEpoch"/> computed from <see cref="BaseLrs"/> directly (torch's
    /// <c>_get_closed_form_lr</c>); null when the scheduler has no closed form.
    /// </summary>
    protected virtual double[]? ClosedForm() => null;

    /// <summary>
    /// Writes <paramref name="lrs"/> into the groups, in order, and records them as the last learning rates.
    /// </summary>
    protected void Apply(double[] lrs)
    {
        var groups = Optimizer.ParamGroups;
        for (int i = 0; i < Math.Min(groups.Count, lrs.Length); i++) groups[i].LearningRate = lrs[i];
        SetLastLr();
    }

    /// <summary>Records the groups' current learning rates as the last learning rates.</summary>
    protected void SetLastLr() => _lastLr = Optimizer.ParamGroups.Select(g => g.LearningRate).ToArray();

    /// <summary>The groups' current learning rates.</summary>
    protected double[] GroupLrs() => Optimizer.ParamGroups.Select(g => g.LearningRate).ToArray();

    /// <summary>The groups' current learning rates times <paramref name="factor"/>.</summary>
    protected double[] GroupLrs(double factor) => Optimizer.ParamGroups.Select(g => g.LearningRate * factor).ToArray();

    /// <summary>The scheduler's counters in torch's key names (last_epoch, base_lrs, _step_count, _last_lr, ...).</summary>
    public virtual Dictionary<string, object?> StateDict() => new()
    {
        ["last_epoch"] = (long)LastEpoch,
        ["base_lrs"] = BaseLrs.ToList(),
        ["_step_count"] = (long)StepCount,
        ["_last_lr"] = _lastLr.ToList(),
    };

    /// <summary>
    /// Restores the counters from <paramref name="state"/> (a <see cref="StateDict"/>, or the same keys read from a
    /// torch checkpoint); missing keys keep their values.
    /// </summary>
    public virtual void LoadStateDict(IReadOnlyDictionary<string, object?> state)
    {
        if (state.TryGetValue("last_epoch", out var e) && e is not null) LastEpoch = Convert.ToInt32(e);
        if (state.TryGetValue("base_lrs", out var b) && Doubles(b) is double[] lrs) BaseLrs = lrs;
        if (state.TryGetValue("_step_count", out var s) && s is not null) StepCount = Convert.ToInt32(s);
        if (state.TryGetValue("_last_lr", out var l) && Doubles(l) is double[] last) _lastLr = last;
    }

    /// <summary>A list of numbers as this runtime keeps it (double[]/List&lt;double&gt;) or as a checkpoint reads it (a list of objects).</summary>
    static double[]? Doubles(object? value) => value switch
    {
        IEnumerable<double> d => d.ToArray(),
        System.Collections.IEnumerable items and not string => items.Cast<object>().Select(v => Convert.ToDouble(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray(),
        _ => null,
    };

    internal static double[] PerGroup(string name, Optimizer optimizer, double[] values)
    {
        if (values.Length == 1) return Enumerable.Repeat(values[0], optimizer.ParamGroups.Count).ToArray();
        if (values.Length != optimizer.ParamGroups.Count)
            throw new ArgumentException($"expected {optimizer.ParamGroups.Count} values for {name}, got {values.Length}");
        return values;
    }
}

/// <summary>lr = initial_lr · lambda(epoch), one function per group or one for all.</summary>
public sealed class LambdaLR : Scheduler
{
    readonly Func<int, double>[] _lambdas;

    /// <summary>
    /// torch's <c>LambdaLR(optimizer, lr_lambda, last_epoch)</c> with one function for every group: lr = initial_lr ·
    /// <paramref name="lrLambda"/>(epoch).
    /// </summary>
    /// <param name="optimizer">The optimizer whose learning rates are scheduled.</param>
    /// <param name="lrLambda">The factor on initial_lr as a function of the epoch, for every group.</param>
    /// <param name="lastEpoch">-1 to start fresh (taking each group's lr as its initial_lr); otherwise the epoch to
    /// resume after, which needs initial_lr in every group.</param>
    /// <exception cref="KeyNotFoundException">Resuming (lastEpoch ≥ 0) when a group lacks initial_lr.</exception>
    public LambdaLR(Optimizer optimizer, Func<int, double> lrLambda, int lastEpoch = -1)
        : this(optimizer, Enumerable.Repeat(lrLambda, optimizer.ParamGroups.Count).ToArray(), lastEpoch) { }

    /// <summary>torch's <c>LambdaLR</c> with one function per group.</summary>
    /// <param name="optimizer">The optimizer whose learning rates are scheduled.</param>
    /// <param name="lrLambdas">One factor function per group.</param>
    /// <param name="lastEpoch">-1 to start fresh (taking each group's lr as its initial_lr); otherwise the epoch to
    /// resume after, which needs initial_lr in every group.</param>
    /// <exception cref="ArgumentException">The number of functions differs from the number of groups.</exception>
    /// <exception cref="KeyNotFoundException">Resuming (lastEpoch ≥ 0) when a group lacks initial_lr.</exception>
    public LambdaLR(Optimizer optimizer, Func<int, double>[] lrLambdas, int lastEpoch = -1) : base(optimizer)
    {
        if (lrLambdas.Length != optimizer.ParamGroups.Count)
            throw new ArgumentException($"Expected {optimizer.ParamGroups.Count} lr_lambdas, but got {lrLambdas.Length}");
        _lambdas = lrLambdas;
        Initialize(lastEpoch);
    }

    /// <inheritdoc/>
    protected override double[] GetLr() => _lambdas.Zip(BaseLrs, (f, b) => b * f(LastEpoch)).ToArray();
}

/// <summary>lr ·= lambda(epoch) at every step after the first.</summary>
public sealed class MultiplicativeLR : Scheduler
{
    readonly Func<int, double>[] _lambdas;

    /// <summary>
    /// torch's <c>MultiplicativeLR(optimizer, lr_lambda, last_epoch)</c> with one function for every group: lr ·=
    /// <paramref name="lrLambda"/>(epoch) after the first epoch.
    /// </summary>
    /// <param name="optimizer">The optimizer whose learning rates are scheduled.</param>
    /// <param name="lrLambda">The factor applied at each epoch, as a function of the epoch, for every group.</param>
    /// <param name="lastEpoch">-1 to start fresh (taking each group's lr as its initial_lr); otherwise the epoch to
    /// resume after, which needs initial_lr in every group.</param>
    /// <exception cref="KeyNotFoundException">Resuming (lastEpoch ≥ 0) when a group lacks initial_lr.</exception>
    public MultiplicativeLR(Optimizer optimizer, Func<int, double> lrLambda, int lastEpoch = -1)
        : this(optimizer, Enumerable.Repeat(lrLambda, optimizer.ParamGroups.Count).ToArray(), lastEpoch) { }

    /// <summary>torch's <c>MultiplicativeLR</c> with one function per group.</summary>
    /// <param name="optimizer">The optimizer whose learning rates are scheduled.</param>
    /// <param name="lrLambdas">One factor function per group.</param>
    /// <param name="lastEpoch">-1 to start fresh (taking each group's lr as its initial_lr); otherwise the epoch to
    /// resume after, which needs initial_lr in every group.</param>
    /// <exception cref="ArgumentException">The number of functions differs from the number of groups.</exception>
    /// <exception cref="KeyNotFoundException">Resuming (lastEpoch ≥ 0) when a group lacks initial_lr.</exception>
    public MultiplicativeLR(Optimizer optimizer, Func<int, double>[] lrLambdas, int lastEpoch = -1) : base(optimizer)
    {
        if (lrLambdas.Length != optimizer.ParamGroups.Count)
            throw new ArgumentException($"Expected {optimizer.ParamGroups.Count} lr_lambdas, but got {lrLambdas.Length}");
        _lambdas = lrLambdas;
        Initialize(lastEpoch);
    }

    /// <inheritdoc/>
    protected override double[] GetLr() => LastEpoch > 0
        ? Optimizer.ParamGroups.Select((g, i) => g.LearningRate * _lambdas[i](LastEpoch)).ToArray()
        : GroupLrs();
}

/// <summary>lr ·= gamma every <c>stepSize</c> epochs.</summary>
public sealed class StepLR : Scheduler
{
    readonly int _stepSize;
    readonly double _gamma;

    /// <summary>
    /// torch's <c>StepLR(optimizer, step_size, gamma, last_epoch)</c>: lr = initial_lr · gamma^⌊epoch / stepSize⌋.
    /// </summary>
    /// <param name="optimizer">The optimizer whose learning rates are scheduled.</param>
    /// <param name="stepSize">Epochs between decays.</param>
    /// <param name="gamma">The decay factor.</param>
    /// <param name="lastEpoch">-1 to start fresh (taking each group's lr as its initial_lr); otherwise the epoch to
    /// resume after, which needs initial_lr in every group.</param>
    /// <exception cref="KeyNotFoundException">Resuming (lastEpoch ≥ 0) when a group lacks initial_lr.</exception>
    public StepLR(Optimizer optimizer, int stepSize, double gamma = 0.1, int lastEpoch = -1) : base(optimizer)
    {
        (_stepSize, _gamma) = (stepSize, gamma);
        Initialize(lastEpoch);
    }

    /// <inheritdoc/>
    protected override double[] GetLr() => LastEpoch == 0 || LastEpoch % _stepSize != 0 ? GroupLrs() : GroupLrs(_gamma);

    /// <inheritdoc/>
    protected override double[] ClosedForm() => BaseLrs.Select(b => b * Math.Pow(_gamma, Math.Floor((double)LastEpoch / _stepSize))).ToArray();
}

/// <summary>lr ·= gamma at each milestone (a milestone given twice multiplies twice).</summary>
public sealed class MultiStepLR : Scheduler
{
    readonly Dictionary<int, int> _milestones;
    readonly double _gamma;

    /// <summary>
    /// torch's <c>MultiStepLR(optimizer, milestones, gamma, last_epoch)</c>: lr ·= <paramref name="gamma"/> when the
    /// epoch reaches each milestone.
    /// </summary>
    /// <param name="optimizer">The optimizer whose learning rates are scheduled.</param>
    /// <param name="milestones">Epochs at which to decay.</param>
    /// <param name="gamma">The decay factor.</param>
    /// <param name="lastEpoch">-1 to start fresh (taking each group's lr as its initial_lr); otherwise the epoch to
    /// resume after, which needs initial_lr in every group.</param>
    /// <exception cref="KeyNotFoundException">Resuming (lastEpoch ≥ 0) when a group lacks initial_lr.</exception>
    public MultiStepLR(Optimizer optimizer, IEnumerable<int> milestones, double gamma = 0.1, int lastEpoch = -1) : base(optimizer)
    {
        _milestones = milestones.GroupBy(m => m).ToDictionary(g => g.Key, g => g.Count());
        _gamma = gamma;
        Initialize(lastEpoch);
    }

    /// <inheritdoc/>
    protected override double[] GetLr() => _milestones.TryGetValue(LastEpoch, out int times) ? GroupLrs(Math.Pow(_gamma, times)) : GroupLrs();
}

/// <summary>lr · factor for the first <c>totalIters</c> epochs, then lr.</summary>
public sealed class ConstantLR : Scheduler
{
    readonly double _factor;
    readonly int _totalIters;

    /// <summary>
    /// torch's <c>ConstantLR(optimizer, factor, total_iters, last_epoch)</c>: lr · factor until epoch <paramref
    /// name="totalIters"/>, then the initial lr.
    /// </summary>
    /// <param name="optimizer">The optimizer whose learning rates are scheduled.</param>
    /// <param name="factor">The factor in [0, 1] applied until totalIters.</param>
    /// <param name="totalIters">Epochs the factor applies for.</param>
    /// <param name="lastEpoch">-1 to start fresh (taking each group's lr as its initial_lr); otherwise the epoch to
    /// resume after, which needs initial_lr in every group.</param>
    /// <exception cref="ArgumentException"><paramref name="factor"/> is outside [0, 1].</exception>
    /// <exception cref="KeyNotFoundException">Resuming (lastEpoch ≥ 0) when a group lacks initial_lr.</exception>
    public ConstantLR(Optimizer optimizer, double factor = 1.0 / 3, int totalIters = 5, int lastEpoch = -1) : base(optimizer)
    {
        if (factor > 1.0 || factor < 0) throw new ArgumentException("Constant multiplicative factor expected to be between 0 and 1.");
        (_factor, _totalIters) = (factor, totalIters);
        Initialize(lastEpoch);
    }

    /// <inheritdoc/>
    protected override double[] GetLr()
    {
        if (LastEpoch == 0) return GroupLrs(_factor);
        if (LastEpoch != _totalIters) return GroupLrs();
        return GroupLrs(1.0 / _factor);
    }
}

/// <summary>The factor moves linearly from <c>startFactor</c> to <c>endFactor</c> over <c>totalIters</c> epochs.</summary>
public sealed class LinearLR : Scheduler
{
    readonly double _start, _end;
    readonly int _totalIters;

    /// <summary>
    /// torch's <c>LinearLR(optimizer, start_factor, end_factor, total_iters, last_epoch)</c>: the factor on the initial
    /// lr moves linearly from <paramref name="startFactor"/> to <paramref name="endFactor"/> over <paramref
    /// name="totalIters"/> epochs.
    /// </summary>
    /// <param name="optimizer">The optimizer whose learning rates are scheduled.</param>
    /// <param name="startFactor">Factor at epoch 0, in [0, 1].</param>
    /// <param name="endFactor">Factor from totalIters on, in [0, 1].</param>
    /// <param name="totalIters">Epochs the factor takes to move.</param>
    /// <param name="lastEpoch">-1 to start fresh (taking each group's lr as its initial_lr); otherwise the epoch to
    /// resume after, which needs initial_lr in every group.</param>
    /// <exception cref="ArgumentException">A factor outside [0, 1].</exception>
    /// <exception cref="KeyNotFoundException">Resuming (lastEpoch ≥ 0) when a group lacks initial_lr.</exception>
    public LinearLR(Optimizer optimizer, double startFactor = 1.0 / 3, double endFactor = 1.0, int totalIters = 5, int lastEpoch = -1) : base(optimizer)
    {
        if (startFactor > 1.0 || startFactor < 0) throw new ArgumentException("Starting multiplicative factor expected to be between 0 and 1.");
        if (endFactor > 1.0 || endFactor < 0) throw new ArgumentException("Ending multiplicative factor expected to be between 0 and 1.");
        (_start, _end, _totalIters) = (startFactor, endFactor, totalIters);
        Initialize(lastEpoch);
    }

    /// <inheritdoc/>
    protected override double[] GetLr()
    {
        if (LastEpoch == 0) return GroupLrs(_start);
        if (LastEpoch > _totalIters) return GroupLrs();
        double span = _end - _start;
        return GroupLrs(1.0 + span / (_totalIters * _start + (LastEpoch - 1) * span));
    }
}

/// <summary>lr ·= gamma every epoch.</summary>
public sealed class ExponentialLR : Scheduler
{
    readonly double _gamma;

    /// <summary>torch's <c>ExponentialLR(optimizer, gamma, last_epoch)</c>: lr = initial_lr · gamma^epoch.</summary>
    /// <param name="optimizer">The optimizer whose learning rates are scheduled.</param>
    /// <param name="gamma">The decay factor per epoch.</param>
    /// <param name="lastEpoch">-1 to start fresh (taking each group's lr as its initial_lr); otherwise the epoch to
    /// resume after, which needs initial_lr in every group.</param>
    /// <exception cref="KeyNotFoundException">Resuming (lastEpoch ≥ 0) when a group lacks initial_lr.</exception>
    public ExponentialLR(Optimizer optimizer, double gamma, int lastEpoch = -1) : base(optimizer)
    {
        _gamma = gamma;
        Initialize(lastEpoch);
    }

    /// <inheritdoc/>
    protected override double[] GetLr() => LastEpoch == 0 ? GroupLrs() : GroupLrs(_gamma);

    /// <inheritdoc/>
    protected override double[] ClosedForm() => BaseLrs.Select(b => b * Math.Pow(_gamma, LastEpoch)).ToArray();
}

/// <summary>lr decays polynomially to 0 over <c>totalIters</c> epochs.</summary>
public sealed class PolynomialLR : Scheduler
{
    readonly int _totalIters;
    readonly double _power;

    /// <summary>
    /// torch's <c>PolynomialLR(optimizer, total_iters, power, last_epoch)</c>: lr = initial_lr · (1 - epoch /
    /// totalIters)^power until <paramref name="totalIters"/>, then 0.
    /// </summary>
    /// <param name="optimizer">The optimizer whose learning rates are scheduled.</param>
    /// <param name="totalIters">Epochs until the learning rate reaches 0.</param>
    /// <param name="power">The polynomial's power.</param>
    /// <param name="lastEpoch">-1 to start fresh (taking each group's lr as its initial_lr); otherwise the epoch to
    /// resume after, which needs initial_lr in every group.</param>
    /// <exception cref="KeyNotFoundException">Resuming (lastEpoch ≥ 0) when a group lacks initial_lr.</exception>
    public PolynomialLR(Optimizer optimizer, int totalIters = 5, double power = 1.0, int lastEpoch = -1) : base(optimizer)
    {
        (_totalIters, _power) = (totalIters, power);
        Initialize(lastEpoch);
    }

    /// <inheritdoc/>
    protected override double[] GetLr()
    {
        if (LastEpoch == 0 || LastEpoch > _totalIters) return GroupLrs();
        double decay = Math.Pow((1.0 - (double)LastEpoch / _totalIters) / (1.0 - (double)(LastEpoch - 1) / _totalIters), _power);
        return GroupLrs(decay);
    }
}

/// <summary>Cosine annealing from the initial lr to <c>etaMin</c> over <c>tMax</c> epochs, in torch's recursive form.</summary>
public sealed class CosineAnnealingLR : Scheduler
{
    readonly int _tMax;
    readonly double _etaMin;

    /// <summary>
    /// torch's <c>CosineAnnealingLR(optimizer, T_max, eta_min, last_epoch)</c>: lr = etaMin + (initial_lr - etaMin)·(1
    /// + cos(π·epoch / tMax)) / 2, computed recursively as torch does.
    /// </summary>
    /// <param name="optimizer">The optimizer whose learning rates are scheduled.</param>
    /// <param name="tMax">Epochs of half a cosine period.</param>
    /// <param name="etaMin">The learning rate at the bottom of the cosine.</param>
    /// <param name="lastEpoch">-1 to start fresh (taking each group's lr as its initial_lr); otherwise the epoch to
    /// resume after, which needs initial_lr in every group.</param>
    /// <exception cref="KeyNotFoundException">Resuming (lastEpoch ≥ 0) when a group lacks initial_lr.</exception>
    public CosineAnnealingLR(Optimizer optimizer, int tMax, double etaMin = 0, int lastEpoch = -1) : base(optimizer)
    {
        (_tMax, _etaMin) = (tMax, etaMin);
        Initialize(lastEpoch);
    }

    /// <inheritdoc/>
    protected override double[] GetLr()
    {
        var groups = Optimizer.ParamGroups;
        if (LastEpoch == 0) return GroupLrs();
        if (StepCount == 1 && LastEpoch > 0)
            return BaseLrs.Select(b => _etaMin + (b - _etaMin) * (1 + Math.Cos(LastEpoch * Math.PI / _tMax)) / 2).ToArray();
        if ((LastEpoch - 1 - _tMax) % (2 * _tMax) == 0)
            return BaseLrs.Select((b, i) => groups[i].LearningRate + (b - _etaMin) * (1 - Math.Cos(Math.PI / _tMax)) / 2).ToArray();
        return groups.Select(g => (1 + Math.Cos(Math.PI * LastEpoch / _tMax)) / (1 + Math.Cos(Math.PI * (LastEpoch - 1) / _tMax))
            * (g.LearningRate - _etaMin) + _etaMin).ToArray();
    }

    /// <inheritdoc/>
    protected override double[] ClosedForm() =>
        BaseLrs.Select(b => _etaMin + (b - _etaMin) * (1 + Math.Cos(Math.PI * LastEpoch / _tMax)) / 2).ToArray();
}
