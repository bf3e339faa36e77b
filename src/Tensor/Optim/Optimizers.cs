using Bridge.Autograd;

namespace Bridge.Optim;

/// <summary>Holds the parameters an optimizer updates.</summary>
public abstract class Optimizer(IEnumerable<Tensor> parameters)
{
    protected Tensor[] Params { get; } = Hold(parameters.ToArray());

    // The optimizer holds its parameters like any other user: dropping every other reference must not free them.
    static Tensor[] Hold(Tensor[] parameters)
    {
        foreach (var p in parameters) p.Retain();
        return parameters;
    }

    /// <summary>Zeroes the gradients in place (torch 1.13's default).</summary>
    public void ZeroGrad(bool setToNone = false)
    {
        foreach (var p in Params)
        {
            if (p.Grad is null) continue;
            if (setToNone) p.Grad = null;
            else p.Grad.Detach().Zero_();
        }
    }

    /// <summary>Applies one update to every parameter that has a gradient.</summary>
    public void Step()
    {
        using var noGrad = GradMode.Set(false);
        using var temporaries = new DisposeScope(); // state kept across steps detaches itself (KeepState)
        for (int i = 0; i < Params.Length; i++)
            if (Params[i].Grad is Tensor g) Update(i, Params[i], g);
    }

    protected abstract void Update(int index, Tensor parameter, Tensor grad);

    /// <summary>Marks a tensor the optimizer keeps across steps, so the step's dispose scope leaves it alone.</summary>
    protected static Tensor KeepState(Tensor state) => state.DetachFromDisposeScope();
}

/// <summary>torch.optim.SGD, update for update: weight decay, momentum (with dampening) and Nesterov as torch 1.13 applies them.</summary>
public sealed class SGD : Optimizer
{
    readonly double _lr, _momentum, _dampening, _weightDecay;
    readonly bool _nesterov;
    readonly Tensor?[] _buffers;

    public SGD(IEnumerable<Tensor> parameters, double lr, double momentum = 0, double dampening = 0, double weightDecay = 0, bool nesterov = false) : base(parameters)
    {
        if (lr < 0) throw new ArgumentException($"Invalid learning rate: {lr}");
        if (momentum < 0) throw new ArgumentException($"Invalid momentum value: {momentum}");
        if (weightDecay < 0) throw new ArgumentException($"Invalid weight_decay value: {weightDecay}");
        if (nesterov && (momentum <= 0 || dampening != 0)) throw new ArgumentException("Nesterov momentum requires a momentum and zero dampening");
        (_lr, _momentum, _dampening, _weightDecay, _nesterov) = (lr, momentum, dampening, weightDecay, nesterov);
        _buffers = new Tensor?[Params.Length];
    }

    protected override void Update(int i, Tensor p, Tensor g)
    {
        var d = _weightDecay != 0 ? g.Add(p, alpha: _weightDecay) : g;
        if (_momentum != 0)
        {
            if (_buffers[i] is not Tensor buf) _buffers[i] = buf = KeepState(d.Clone());
            else buf.Mul_(_momentum).Add_(d, alpha: 1 - _dampening);
            d = _nesterov ? d.Add(buf, alpha: _momentum) : buf;
        }
        p.Add_(d, alpha: -_lr);
    }
}

/// <summary>torch.optim.Adam (no amsgrad), with torch 1.13's single-tensor arithmetic order.</summary>
public sealed class Adam : Optimizer
{
    readonly double _lr, _beta1, _beta2, _eps, _weightDecay;
    readonly Tensor?[] _expAvg, _expAvgSq;
    readonly int[] _steps;

    public Adam(IEnumerable<Tensor> parameters, double lr = 1e-3, (double, double)? betas = null, double eps = 1e-8, double weightDecay = 0) : base(parameters)
    {
        if (lr < 0) throw new ArgumentException($"Invalid learning rate: {lr}");
        (_beta1, _beta2) = betas ?? (0.9, 0.999);
        (_lr, _eps, _weightDecay) = (lr, eps, weightDecay);
        _expAvg = new Tensor?[Params.Length];
        _expAvgSq = new Tensor?[Params.Length];
        _steps = new int[Params.Length];
    }

    protected override void Update(int i, Tensor p, Tensor g)
    {
        int step = ++_steps[i];
        var grad = _weightDecay != 0 ? g.Add(p, alpha: _weightDecay) : g;
        var m = _expAvg[i] ??= KeepState(Torch.ZerosLike(p));
        var v = _expAvgSq[i] ??= KeepState(Torch.ZerosLike(p));
        // exp_avg.mul_(beta1).add_(grad, alpha=1 - beta1); exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
        m.Mul_(_beta1).Add_(grad, alpha: 1 - _beta1);
        v.Mul_(_beta2).Add_(grad * grad * (1 - _beta2));
        double bias1 = 1 - Math.Pow(_beta1, step);
        double bias2 = 1 - Math.Pow(_beta2, step);
        double stepSize = _lr / bias1;
        var denom = (v.Sqrt() / Math.Sqrt(bias2)).Add(_eps);
        // param.addcdiv_(exp_avg, denom, value=-step_size)
        p.Add_(m / denom * -stepSize);
    }
}
