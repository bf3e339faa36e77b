namespace Bridge.Optim;

// torch.optim's first-order optimizers: defaults and option checks as torch 1.13 has them (the option names in
// the groups are torch's, so state dicts move between runtimes), the update itself in Updates.

/// <summary>torch.optim.SGD: weight decay, momentum (with dampening), Nesterov, maximize.</summary>
public sealed class SGD : Optimizer
{
    /// <summary>
    /// torch's <c>SGD(params, lr, momentum, dampening, weight_decay, nesterov, maximize)</c> over one group.
    /// </summary>
    /// <param name="parameters">The tensors to update (usually <c>module.Parameters()</c>).</param>
    /// <param name="lr">Learning rate (required, as in torch).</param>
    /// <param name="momentum">Momentum factor; 0 for plain SGD.</param>
    /// <param name="dampening">Dampening of the momentum.</param>
    /// <param name="weightDecay">L2 penalty added to the gradient.</param>
    /// <param name="nesterov">Nesterov momentum (needs momentum &gt; 0 and zero dampening).</param>
    /// <param name="maximize">Ascend instead of descend.</param>
    /// <exception cref="ArgumentException">No parameters, or an option out of range (torch's message).</exception>
    public SGD(IEnumerable<Tensor> parameters, double lr, double momentum = 0, double dampening = 0, double weightDecay = 0,
        bool nesterov = false, bool maximize = false)
        : this([new ParamGroup(parameters)], lr, momentum, dampening, weightDecay, nesterov, maximize) { }

    /// <summary>
    /// The same optimizer over several parameter groups; options a group does not set take the values given here.
    /// </summary>
    /// <exception cref="ArgumentException">No parameters, a parameter in two groups, or an option out of range (torch's
    /// message).</exception>
    public SGD(IEnumerable<ParamGroup> groups, double lr, double momentum = 0, double dampening = 0, double weightDecay = 0,
        bool nesterov = false, bool maximize = false)
        : base(groups, new()
        {
            ["lr"] = lr,
            ["momentum"] = momentum,
            ["dampening"] = dampening,
            ["weight_decay"] = weightDecay,
            ["nesterov"] = nesterov,
            ["maximize"] = maximize,
            ["foreach"] = null,
            ["differentiable"] = false,
        })
    { }

    /// <inheritdoc/>
    protected override void Validate(ParamGroup g)
    {
        Checks.NonNegative(g, "lr", "learning rate");
        Checks.NonNegative(g, "momentum", "momentum value");
        Checks.NonNegative(g, "weight_decay", "weight_decay value");
        if (g.Bool("nesterov") && (g.Double("momentum") <= 0 || g.Double("dampening") != 0))
            throw new ArgumentException("Nesterov momentum requires a momentum and zero dampening");
    }

    /// <inheritdoc/>
    protected override void Update(ParamGroup g, Tensor p, Tensor grad, Dictionary<string, object?> state)
    {
        var buffer = state.GetValueOrDefault("momentum_buffer") as Tensor;
        var updated = Updates.Sgd(p, grad, buffer, g.Double("lr"), g.Double("momentum"), g.Double("dampening"),
            g.Double("weight_decay"), g.Bool("nesterov"), g.Bool("maximize"));
        if (updated is not null && !ReferenceEquals(updated, buffer)) state["momentum_buffer"] = Keep(updated);
        else if (updated is null) state["momentum_buffer"] = null;
    }
}

/// <summary>torch.optim.Adam (amsgrad, maximize).</summary>
public class Adam : Optimizer
{
    /// <summary>torch's <c>Adam(params, lr, betas, eps, weight_decay, amsgrad, maximize)</c> over one group.</summary>
    /// <param name="parameters">The tensors to update.</param>
    /// <param name="lr">Learning rate.</param>
    /// <param name="betas">Decay rates of the first and second moment averages; default (0.9, 0.999).</param>
    /// <param name="eps">Added to the denominator for stability.</param>
    /// <param name="weightDecay">L2 penalty added to the gradient.</param>
    /// <param name="amsgrad">Use the maximum of past second moments.</param>
    /// <param name="maximize">Ascend instead of descend.</param>
    /// <exception cref="ArgumentException">No parameters, or an option out of range (torch's message).</exception>
    public Adam(IEnumerable<Tensor> parameters, double lr = 1e-3, (double, double)? betas = null, double eps = 1e-8,
        double weightDecay = 0, bool amsgrad = false, bool maximize = false)
        : this([new ParamGroup(parameters)], lr, betas, eps, weightDecay, amsgrad, maximize) { }

    /// <summary>
    /// The same optimizer over several parameter groups; options a group does not set take the values given here.
    /// </summary>
    /// <exception cref="ArgumentException">No parameters, a parameter in two groups, or an option out of range (torch's
    /// message).</exception>
    public Adam(IEnumerable<ParamGroup> groups, double lr = 1e-3, (double, double)? betas = null, double eps = 1e-8,
        double weightDecay = 0, bool amsgrad = false, bool maximize = false)
        : base(groups, new()
        {
            ["lr"] = lr,
            ["betas"] = betas ?? (0.9, 0.999),
            ["eps"] = eps,
            ["weight_decay"] = weightDecay,
            ["amsgrad"] = amsgrad,
            ["maximize"] = maximize,
            ["foreach"] = null,
            ["capturable"] = false,
            ["differentiable"] = false,
            ["fused"] = false,
        })
    { }

    private protected Adam(IEnumerable<ParamGroup> groups, Dictionary<string, object?> defaults) : base(groups, defaults) { }

    private protected virtual bool Decoupled => false;

    /// <inheritdoc/>
    protected override void Validate(ParamGroup g) => Checks.AdamFamily(g);

    /// <inheritdoc/>
    protected override void Update(ParamGroup g, Tensor p, Tensor grad, Dictionary<string, object?> state)
    {
        bool amsgrad = g.Bool("amsgrad");
        if (!state.ContainsKey("step"))
        {
            state["step"] = NewStep();
            state["exp_avg"] = ZerosLike(p);
            state["exp_avg_sq"] = ZerosLike(p);
            if (amsgrad) state["max_exp_avg_sq"] = ZerosLike(p);
        }
        var (beta1, beta2) = g.Pair("betas");
        Updates.Adam(p, grad, (Tensor)state["exp_avg"]!, (Tensor)state["exp_avg_sq"]!, amsgrad ? (Tensor?)state["max_exp_avg_sq"] : null,
            (Tensor)state["step"]!, g.Double("lr"), beta1, beta2, g.Double("eps"), g.Double("weight_decay"), amsgrad,
            g.Bool("maximize"), Decoupled);
    }

    /// <inheritdoc/>
    protected override void AfterLoad() => StepsAsTensors();
}

/// <summary>torch.optim.AdamW: Adam with decoupled weight decay (param·(1 - lr·weight_decay)), default weight decay 0.01.</summary>
public sealed class AdamW : Adam
{
    /// <summary>
    /// torch's <c>AdamW(params, lr, betas, eps, weight_decay, amsgrad, maximize)</c> over one group; as <see
    /// cref="Adam"/> but the weight decay (default 0.01) shrinks the parameter directly.
    /// </summary>
    /// <exception cref="ArgumentException">No parameters, or an option out of range (torch's message).</exception>
    public AdamW(IEnumerable<Tensor> parameters, double lr = 1e-3, (double, double)? betas = null, double eps = 1e-8,
        double weightDecay = 1e-2, bool amsgrad = false, bool maximize = false)
        : this([new ParamGroup(parameters)], lr, betas, eps, weightDecay, amsgrad, maximize) { }

    /// <summary>
    /// The same optimizer over several parameter groups; options a group does not set take the values given here.
    /// </summary>
    /// <exception cref="ArgumentException">No parameters, a parameter in two groups, or an option out of range (torch's
    /// message).</exception>
    public AdamW(IEnumerable<ParamGroup> groups, double lr = 1e-3, (double, double)? betas = null, double eps = 1e-8,
        double weightDecay = 1e-2, bool amsgrad = false, bool maximize = false)
        : base(groups, new Dictionary<string, object?>
        {
            ["lr"] = lr,
            ["betas"] = betas ?? (0.9, 0.999),
            ["eps"] = eps,
            ["weight_decay"] = weightDecay,
            ["amsgrad"] = amsgrad,
            ["foreach"] = null,
            ["maximize"] = maximize,
            ["capturable"] = false,
        })
    { }

    private protected override bool Decoupled => true;
}

/// <summary>torch.optim.RMSprop (centered, momentum, maximize).</summary>
public sealed class RMSprop : Optimizer
{
    /// <summary>
    /// torch's <c>RMSprop(params, lr, alpha, eps, weight_decay, momentum, centered, maximize)</c> over one group.
    /// </summary>
    /// <param name="parameters">The tensors to update.</param>
    /// <param name="lr">Learning rate.</param>
    /// <param name="alpha">Smoothing constant of the squared-gradient average.</param>
    /// <param name="eps">Added to the denominator for stability.</param>
    /// <param name="weightDecay">L2 penalty added to the gradient.</param>
    /// <param name="momentum">Momentum factor.</param>
    /// <param name="centered">Normalise by the estimated variance instead of the raw second moment.</param>
    /// <param name="maximize">Ascend instead of descend.</param>
    /// <exception cref="ArgumentException">No parameters, or an option out of range (torch's message).</exception>
    public RMSprop(IEnumerable<Tensor> parameters, double lr = 1e-2, double alpha = 0.99, double eps = 1e-8, double weightDecay = 0,
        double momentum = 0, bool centered = false, bool maximize = false)
        : this([new ParamGroup(parameters)], lr, alpha, eps, weightDecay, momentum, centered, maximize) { }

    /// <summary>
    /// The same optimizer over several parameter groups; options a group does not set take the values given here.
    /// </summary>
    /// <exception cref="ArgumentException">No parameters, a parameter in two groups, or an option out of range (torch's
    /// message).</exception>
    public RMSprop(IEnumerable<ParamGroup> groups, double lr = 1e-2, double alpha = 0.99, double eps = 1e-8, double weightDecay = 0,
        double momentum = 0, bool centered = false, bool maximize = false)
        : base(groups, new()
        {
            ["lr"] = lr,
            ["momentum"] = momentum,
            ["alpha"] = alpha,
            ["eps"] = eps,
            ["centered"] = centered,
            ["weight_decay"] = weightDecay,
            ["foreach"] = null,
            ["maximize"] = maximize,
            ["differentiable"] = false,
        })
    { }

    /// <inheritdoc/>
    protected override void Validate(ParamGroup g)
    {
        Checks.NonNegative(g, "lr", "learning rate");
        Checks.NonNegative(g, "eps", "epsilon value");
        Checks.NonNegative(g, "momentum", "momentum value");
        Checks.NonNegative(g, "weight_decay", "weight_decay value");
        Checks.NonNegative(g, "alpha", "alpha value");
    }

    /// <inheritdoc/>
    protected override void Update(ParamGroup g, Tensor p, Tensor grad, Dictionary<string, object?> state)
    {
        double momentum = g.Double("momentum");
        bool centered = g.Bool("centered");
        if (!state.ContainsKey("step"))
        {
            state["step"] = 0L;
            state["square_avg"] = ZerosLike(p);
            if (momentum > 0) state["momentum_buffer"] = ZerosLike(p);
            if (centered) state["grad_avg"] = ZerosLike(p);
        }
        state["step"] = Convert.ToInt64(state["step"]) + 1;
        Updates.RmsProp(p, grad, (Tensor)state["square_avg"]!, centered ? (Tensor?)state["grad_avg"] : null,
            momentum > 0 ? (Tensor?)state["momentum_buffer"] : null, g.Double("lr"), g.Double("alpha"), g.Double("eps"),
            g.Double("weight_decay"), momentum, centered, g.Bool("maximize"));
    }
}

/// <summary>torch.optim.Adagrad (dense gradients); its state exists from construction, as torch's does.</summary>
public sealed class Adagrad : Optimizer
{
    /// <summary>
    /// torch's <c>Adagrad(params, lr, lr_decay, weight_decay, initial_accumulator_value, eps, maximize)</c> over one
    /// group.
    /// </summary>
    /// <param name="parameters">The tensors to update.</param>
    /// <param name="lr">Learning rate.</param>
    /// <param name="lrDecay">Learning-rate decay per step: lr / (1 + (step - 1)·lrDecay).</param>
    /// <param name="weightDecay">L2 penalty added to the gradient.</param>
    /// <param name="initialAccumulatorValue">Starting value of the squared-gradient sums.</param>
    /// <param name="eps">Added to the denominator for stability.</param>
    /// <param name="maximize">Ascend instead of descend.</param>
    /// <exception cref="ArgumentException">No parameters, or an option out of range (torch's message).</exception>
    public Adagrad(IEnumerable<Tensor> parameters, double lr = 1e-2, double lrDecay = 0, double weightDecay = 0,
        double initialAccumulatorValue = 0, double eps = 1e-10, bool maximize = false)
        : this([new ParamGroup(parameters)], lr, lrDecay, weightDecay, initialAccumulatorValue, eps, maximize) { }

    /// <summary>
    /// The same optimizer over several parameter groups; options a group does not set take the values given here.
    /// </summary>
    /// <exception cref="ArgumentException">No parameters, a parameter in two groups, or an option out of range (torch's
    /// message).</exception>
    public Adagrad(IEnumerable<ParamGroup> groups, double lr = 1e-2, double lrDecay = 0, double weightDecay = 0,
        double initialAccumulatorValue = 0, double eps = 1e-10, bool maximize = false)
        : base(groups, new()
        {
            ["lr"] = lr,
            ["lr_decay"] = lrDecay,
            ["eps"] = eps,
            ["weight_decay"] = weightDecay,
            ["initial_accumulator_value"] = initialAccumulatorValue,
            ["foreach"] = null,
            ["maximize"] = maximize,
        })
    {
        foreach (var g in ParamGroups)
            foreach (var p in g.Params) State[p] = NewState(g, p);
    }

    static Dictionary<string, object?> NewState(ParamGroup g, Tensor p) => new()
    {
        ["step"] = NewStep(),
        ["sum"] = Keep(Torch.FullLike(p, g.Double("initial_accumulator_value"))),
    };

    /// <inheritdoc/>
    protected override void Validate(ParamGroup g)
    {
        Checks.NonNegative(g, "lr", "learning rate");
        Checks.NonNegative(g, "lr_decay", "lr_decay value");
        Checks.NonNegative(g, "weight_decay", "weight_decay value");
        Checks.NonNegative(g, "initial_accumulator_value", "initial_accumulator_value value");
        Checks.NonNegative(g, "eps", "epsilon value");
    }

    /// <inheritdoc/>
    protected override void Update(ParamGroup g, Tensor p, Tensor grad, Dictionary<string, object?> state)
    {
        if (!state.ContainsKey("sum")) foreach (var (k, v) in NewState(g, p)) state[k] = v;
        Updates.Adagrad(p, grad, (Tensor)state["sum"]!, (Tensor)state["step"]!, g.Double("lr"), g.Double("weight_decay"),
            g.Double("lr_decay"), g.Double("eps"), g.Bool("maximize"));
    }

    /// <inheritdoc/>
    protected override void AfterLoad() => StepsAsTensors();
}

/// <summary>torch.optim.Adadelta.</summary>
public sealed class Adadelta : Optimizer
{
    /// <summary>torch's <c>Adadelta(params, lr, rho, eps, weight_decay, maximize)</c> over one group.</summary>
    /// <param name="parameters">The tensors to update.</param>
    /// <param name="lr">Scale of the computed update.</param>
    /// <param name="rho">Decay of the running averages.</param>
    /// <param name="eps">Added inside the square roots for stability.</param>
    /// <param name="weightDecay">L2 penalty added to the gradient.</param>
    /// <param name="maximize">Ascend instead of descend.</param>
    /// <exception cref="ArgumentException">No parameters, or an option out of range (torch's message).</exception>
    public Adadelta(IEnumerable<Tensor> parameters, double lr = 1.0, double rho = 0.9, double eps = 1e-6, double weightDecay = 0,
        bool maximize = false)
        : this([new ParamGroup(parameters)], lr, rho, eps, weightDecay, maximize) { }

    /// <summary>
    /// The same optimizer over several parameter groups; options a group does not set take the values given here.
    /// </summary>
    /// <exception cref="ArgumentException">No parameters, a parameter in two groups, or an option out of range (torch's
    /// message).</exception>
    public Adadelta(IEnumerable<ParamGroup> groups, double lr = 1.0, double rho = 0.9, double eps = 1e-6, double weightDecay = 0,
        bool maximize = false)
        : base(groups, new()
        {
            ["lr"] = lr,
            ["rho"] = rho,
            ["eps"] = eps,
            ["weight_decay"] = weightDecay,
            ["maximize"] = maximize,
            ["foreach"] = null,
        })
    { }

    /// <inheritdoc/>
    protected override void Validate(ParamGroup g)
    {
        Checks.NonNegative(g, "lr", "learning rate");
        double rho = g.Double("rho");
        if (!(rho >= 0 && rho <= 1)) throw new ArgumentException($"Invalid rho value: {Checks.Format(rho)}");
        Checks.NonNegative(g, "eps", "epsilon value");
        Checks.NonNegative(g, "weight_decay", "weight_decay value");
    }

    /// <inheritdoc/>
    protected override void Update(ParamGroup g, Tensor p, Tensor grad, Dictionary<string, object?> state)
    {
        if (!state.ContainsKey("step"))
        {
            state["step"] = 0L;
            state["square_avg"] = ZerosLike(p);
            state["acc_delta"] = ZerosLike(p);
        }
        state["step"] = Convert.ToInt64(state["step"]) + 1;
        Updates.Adadelta(p, grad, (Tensor)state["square_avg"]!, (Tensor)state["acc_delta"]!, g.Double("lr"), g.Double("rho"),
            g.Double("eps"), g.Double("weight_decay"), g.Bool("maximize"));
    }
}

/// <summary>torch.optim.Adamax.</summary>
public sealed class Adamax : Optimizer
{
    /// <summary>
    /// torch's <c>Adamax(params, lr, betas, eps, weight_decay, maximize)</c> over one group: Adam with an infinity-norm
    /// second moment.
    /// </summary>
    /// <param name="parameters">The tensors to update.</param>
    /// <param name="lr">Learning rate.</param>
    /// <param name="betas">Decay rates of the moment estimates; default (0.9, 0.999).</param>
    /// <param name="eps">Added to the denominator for stability.</param>
    /// <param name="weightDecay">L2 penalty added to the gradient.</param>
    /// <param name="maximize">Ascend instead of descend.</param>
    /// <exception cref="ArgumentException">No parameters, or an option out of range (torch's message).</exception>
    public Adamax(IEnumerable<Tensor> parameters, double lr = 2e-3, (double, double)? betas = null, double eps = 1e-8,
        double weightDecay = 0, bool maximize = false)
        : this([new ParamGroup(parameters)], lr, betas, eps, weightDecay, maximize) { }

    /// <summary>
    /// The same optimizer over several parameter groups; options a group does not set take the values given here.
    /// </summary>
    /// <exception cref="ArgumentException">No parameters, a parameter in two groups, or an option out of range (torch's
    /// message).</exception>
    public Adamax(IEnumerable<ParamGroup> groups, double lr = 2e-3, (double, double)? betas = null, double eps = 1e-8,
        double weightDecay = 0, bool maximize = false)
        : base(groups, new()
        {
            ["lr"] = lr,
            ["betas"] = betas ?? (0.9, 0.999),
            ["eps"] = eps,
            ["weight_decay"] = weightDecay,
            ["foreach"] = null,
            ["maximize"] = maximize,
        })
    { }

    /// <inheritdoc/>
    protected override void Validate(ParamGroup g) => Checks.AdamFamily(g);

    /// <inheritdoc/>
    protected override void Update(ParamGroup g, Tensor p, Tensor grad, Dictionary<string, object?> state)
    {
        if (!state.ContainsKey("step"))
        {
            state["step"] = NewStep();
            state["exp_avg"] = ZerosLike(p);
            state["exp_inf"] = ZerosLike(p);
        }
        var (beta1, beta2) = g.Pair("betas");
        Updates.Adamax(p, grad, (Tensor)state["exp_avg"]!, (Tensor)state["exp_inf"]!, (Tensor)state["step"]!, g.Double("lr"),
            beta1, beta2, g.Double("eps"), g.Double("weight_decay"), g.Bool("maximize"));
    }

    /// <inheritdoc/>
    protected override void AfterLoad() => StepsAsTensors();
}

/// <summary>torch.optim.NAdam.</summary>
public sealed class NAdam : Optimizer
{
    /// <summary>
    /// torch's <c>NAdam(params, lr, betas, eps, weight_decay, momentum_decay)</c> over one group: Adam with Nesterov
    /// momentum.
    /// </summary>
    /// <param name="parameters">The tensors to update.</param>
    /// <param name="lr">Learning rate.</param>
    /// <param name="betas">Decay rates of the moment estimates; default (0.9, 0.999).</param>
    /// <param name="eps">Added to the denominator for stability.</param>
    /// <param name="weightDecay">L2 penalty added to the gradient.</param>
    /// <param name="momentumDecay">Momentum decay ψ of the momentum schedule.</param>
    /// <exception cref="ArgumentException">No parameters, or an option out of range (torch's message).</exception>
    public NAdam(IEnumerable<Tensor> parameters, double lr = 2e-3, (double, double)? betas = null, double eps = 1e-8,
        double weightDecay = 0, double momentumDecay = 4e-3)
        : this([new ParamGroup(parameters)], lr, betas, eps, weightDecay, momentumDecay) { }

    /// <summary>
    /// The same optimizer over several parameter groups; options a group does not set take the values given here.
    /// </summary>
    /// <exception cref="ArgumentException">No parameters, a parameter in two groups, or an option out of range (torch's
    /// message).</exception>
    public NAdam(IEnumerable<ParamGroup> groups, double lr = 2e-3, (double, double)? betas = null, double eps = 1e-8,
        double weightDecay = 0, double momentumDecay = 4e-3)
        : base(groups, new()
        {
            ["lr"] = lr,
            ["betas"] = betas ?? (0.9, 0.999),
            ["eps"] = eps,
            ["weight_decay"] = weightDecay,
            ["momentum_decay"] = momentumDecay,
            ["foreach"] = null,
        })
    { }

    /// <inheritdoc/>
    protected override void Validate(ParamGroup g)
    {
        Checks.AdamFamily(g);
        Checks.NonNegative(g, "momentum_decay", "momentum_decay value");
    }

    /// <inheritdoc/>
    protected override void Update(ParamGroup g, Tensor p, Tensor grad, Dictionary<string, object?> state)
    {
        if (!state.ContainsKey("step"))
        {
            state["step"] = NewStep();
            state["mu_product"] = Keep(Torch.Tensor(1.0, DType.Float32, device: Device.Cpu));
            state["exp_avg"] = ZerosLike(p);
            state["exp_avg_sq"] = ZerosLike(p);
        }
        var (beta1, beta2) = g.Pair("betas");
        Updates.NAdam(p, grad, (Tensor)state["exp_avg"]!, (Tensor)state["exp_avg_sq"]!, (Tensor)state["mu_product"]!,
            (Tensor)state["step"]!, g.Double("lr"), beta1, beta2, g.Double("eps"), g.Double("weight_decay"), g.Double("momentum_decay"));
    }

    /// <inheritdoc/>
    protected override void AfterLoad() => StepsAsTensors();
}

/// <summary>torch.optim.RAdam.</summary>
public sealed class RAdam : Optimizer
{
    /// <summary>
    /// torch's <c>RAdam(params, lr, betas, eps, weight_decay)</c> over one group: Adam with the variance of the
    /// adaptive rate rectified.
    /// </summary>
    /// <param name="parameters">The tensors to update.</param>
    /// <param name="lr">Learning rate.</param>
    /// <param name="betas">Decay rates of the moment estimates; default (0.9, 0.999).</param>
    /// <param name="eps">Added to the denominator for stability.</param>
    /// <param name="weightDecay">L2 penalty added to the gradient.</param>
    /// <exception cref="ArgumentException">No parameters, or an option out of range (torch's message).</exception>
    public RAdam(IEnumerable<Tensor> parameters, double lr = 1e-3, (double, double)? betas = null, double eps = 1e-8, double weightDecay = 0)
        : this([new ParamGroup(parameters)], lr, betas, eps, weightDecay) { }

    /// <summary>
    /// The same optimizer over several parameter groups; options a group does not set take the values given here.
    /// </summary>
    /// <exception cref="ArgumentException">No parameters, a parameter in two groups, or an option out of range (torch's
    /// message).</exception>
    public RAdam(IEnumerable<ParamGroup> groups, double lr = 1e-3, (double, double)? betas = null, double eps = 1e-8, double weightDecay = 0)
        : base(groups, new()
        {
            ["lr"] = lr,
            ["betas"] = betas ?? (0.9, 0.999),
            ["eps"] = eps,
            ["weight_decay"] = weightDecay,
            ["foreach"] = null,
        })
    { }

    /// <inheritdoc/>
    protected override void Validate(ParamGroup g) => Checks.AdamFamily(g);

    /// <inheritdoc/>
    protected override void Update(ParamGroup g, Tensor p, Tensor grad, Dictionary<string, object?> state)
    {
        if (!state.ContainsKey("step"))
        {
            state["step"] = NewStep();
            state["exp_avg"] = ZerosLike(p);
            state["exp_avg_sq"] = ZerosLike(p);
        }
        var (beta1, beta2) = g.Pair("betas");
        Updates.RAdam(p, grad, (Tensor)state["exp_avg"]!, (Tensor)state["exp_avg_sq"]!, (Tensor)state["step"]!, g.Double("lr"),
            beta1, beta2, g.Double("eps"), g.Double("weight_decay"));
    }

    /// <inheritdoc/>
    protected override void AfterLoad() => StepsAsTensors();
}

/// <summary>torch's constructor checks, with its messages.</summary>
static class Checks
{
    public static string Format(double v) => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture);

    public static void NonNegative(ParamGroup g, string key, string what)
    {
        double v = g.Double(key);
        if (!(v >= 0)) throw new ArgumentException($"Invalid {what}: {Format(v)}");
    }

    public static void AdamFamily(ParamGroup g)
    {
        NonNegative(g, "lr", "learning rate");
        NonNegative(g, "eps", "epsilon value");
        var (b1, b2) = g.Pair("betas");
        if (!(b1 >= 0 && b1 < 1)) throw new ArgumentException($"Invalid beta parameter at index 0: {Format(b1)}");
        if (!(b2 >= 0 && b2 < 1)) throw new ArgumentException($"Invalid beta parameter at index 1: {Format(b2)}");
        NonNegative(g, "weight_decay", "weight_decay value");
    }
}
