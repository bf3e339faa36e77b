using static Bridge.Optim.UpdateKernels;

namespace Bridge.Optim;

/// <summary>
/// One parameter's update for each algorithm, line for line torch 1.13's <c>_single_tensor_*</c> functions
/// (the foreach=False path, the default in 1.13): the C# optimizers and the Python package both call these, so
/// there is one implementation of each update. State tensors are updated in place; <c>step</c> tensors are
/// torch's float32 scalars, incremented here. Call with autograd off.
/// </summary>
public static class Updates
{
    static Tensor Signed(Tensor grad, bool maximize) => maximize ? grad.Neg() : grad;

    static double Tick(Tensor step)
    {
        step.Add_(1.0);
        return step.Item();
    }

    /// <summary>torch.optim.SGD; returns the momentum buffer (created from the first gradient, as torch does).</summary>
    public static Tensor? Sgd(Tensor param, Tensor grad, Tensor? momentumBuffer, double lr, double momentum, double dampening,
        double weightDecay, bool nesterov, bool maximize)
    {
        var d = Signed(grad, maximize);
        if (weightDecay != 0) d = AddScaled(d, param, weightDecay);
        if (momentum != 0)
        {
            if (momentumBuffer is null) momentumBuffer = d.Clone().Detach();
            else AddScaled_(momentumBuffer.Mul_(momentum), d, 1 - dampening);
            d = nesterov ? AddScaled(d, momentumBuffer, momentum) : momentumBuffer;
        }
        AddScaled_(param, d, -lr);
        return momentumBuffer;
    }

    /// <summary>torch.optim.Adam, and torch.optim.AdamW with <paramref name="decoupled"/> (weight decay as param·(1 - lr·wd)).</summary>
    public static void Adam(Tensor param, Tensor grad, Tensor expAvg, Tensor expAvgSq, Tensor? maxExpAvgSq, Tensor step,
        double lr, double beta1, double beta2, double eps, double weightDecay, bool amsgrad, bool maximize, bool decoupled)
    {
        grad = Signed(grad, maximize);
        double t = Tick(step);
        if (!amsgrad && FusedAdam.TryStep(param, grad, expAvg, expAvgSq, t, lr, beta1, beta2, eps, weightDecay, decoupled)) return; // one pass, same bits
        if (decoupled) param.Mul_(1 - lr * weightDecay);
        else if (weightDecay != 0) grad = AddScaled(grad, param, weightDecay);
        AddScaled_(expAvg.Mul_(beta1), grad, 1 - beta1);
        Addcmul_(expAvgSq.Mul_(beta2), grad, grad, 1 - beta2);
        double biasCorrection1 = 1 - Math.Pow(beta1, t);
        double biasCorrection2 = 1 - Math.Pow(beta2, t);
        double stepSize = lr / biasCorrection1;
        double biasCorrection2Sqrt = Math.Sqrt(biasCorrection2);
        Tensor second = expAvgSq;
        if (amsgrad)
        {
            if (maxExpAvgSq is null) throw new ArgumentException("amsgrad needs the max_exp_avg_sq state", nameof(maxExpAvgSq));
            maxExpAvgSq.Copy_(Tensor.Maximum(maxExpAvgSq, expAvgSq));
            second = maxExpAvgSq;
        }
        var denom = (second.Sqrt() / biasCorrection2Sqrt).Add_(eps);
        Addcdiv_(param, expAvg, denom, -stepSize);
    }

    /// <summary>torch.optim.RMSprop (plain, centered, with momentum).</summary>
    public static void RmsProp(Tensor param, Tensor grad, Tensor squareAvg, Tensor? gradAvg, Tensor? momentumBuffer,
        double lr, double alpha, double eps, double weightDecay, double momentum, bool centered, bool maximize)
    {
        grad = Signed(grad, maximize);
        if (weightDecay != 0) grad = AddScaled(grad, param, weightDecay);
        Addcmul_(squareAvg.Mul_(alpha), grad, grad, 1 - alpha);
        Tensor avg;
        if (centered)
        {
            if (gradAvg is null) throw new ArgumentException("centered RMSprop needs the grad_avg state", nameof(gradAvg));
            AddScaled_(gradAvg.Mul_(alpha), grad, 1 - alpha);
            avg = Addcmul(squareAvg, gradAvg, gradAvg, -1).Sqrt();
        }
        else avg = squareAvg.Sqrt();
        avg.Add_(eps);
        if (momentum > 0)
        {
            if (momentumBuffer is null) throw new ArgumentException("RMSprop with momentum needs the momentum_buffer state", nameof(momentumBuffer));
            Addcdiv_(momentumBuffer.Mul_(momentum), grad, avg, 1);
            AddScaled_(param, momentumBuffer, -lr);
        }
        else Addcdiv_(param, grad, avg, -lr);
    }

    /// <summary>torch.optim.Adagrad (dense gradients).</summary>
    public static void Adagrad(Tensor param, Tensor grad, Tensor stateSum, Tensor step,
        double lr, double weightDecay, double lrDecay, double eps, bool maximize)
    {
        double t = Tick(step);
        grad = Signed(grad, maximize);
        if (weightDecay != 0) grad = AddScaled(grad, param, weightDecay);
        double clr = lr / (1 + (t - 1) * lrDecay);
        Addcmul_(stateSum, grad, grad, 1);
        var std = stateSum.Sqrt().Add_(eps);
        Addcdiv_(param, grad, std, -clr);
    }

    /// <summary>torch.optim.Adadelta.</summary>
    public static void Adadelta(Tensor param, Tensor grad, Tensor squareAvg, Tensor accDelta,
        double lr, double rho, double eps, double weightDecay, bool maximize)
    {
        grad = Signed(grad, maximize);
        if (weightDecay != 0) grad = AddScaled(grad, param, weightDecay);
        Addcmul_(squareAvg.Mul_(rho), grad, grad, 1 - rho);
        var std = squareAvg.Add(eps).Sqrt();
        var delta = accDelta.Add(eps).Sqrt().Div_(std).Mul_(grad);
        Addcmul_(accDelta.Mul_(rho), delta, delta, 1 - rho);
        AddScaled_(param, delta, -lr);
    }

    /// <summary>torch.optim.Adamax.</summary>
    public static void Adamax(Tensor param, Tensor grad, Tensor expAvg, Tensor expInf, Tensor step,
        double lr, double beta1, double beta2, double eps, double weightDecay, bool maximize)
    {
        grad = Signed(grad, maximize);
        double t = Tick(step);
        if (weightDecay != 0) grad = AddScaled(grad, param, weightDecay);
        AddScaled_(expAvg.Mul_(beta1), grad, 1 - beta1);
        // torch: amax(cat([exp_inf * beta2, |grad| + eps]), 0), an elementwise maximum
        expInf.Copy_(Tensor.Maximum(expInf.Mul_(beta2), grad.Abs().Add_(eps)));
        double clr = lr / (1 - Math.Pow(beta1, t));
        Addcdiv_(param, expAvg, expInf, -clr);
    }

    /// <summary>torch.optim.NAdam; <paramref name="muProduct"/> is torch's float32 scalar state, rounded as it rounds it.</summary>
    public static void NAdam(Tensor param, Tensor grad, Tensor expAvg, Tensor expAvgSq, Tensor muProduct, Tensor step,
        double lr, double beta1, double beta2, double eps, double weightDecay, double momentumDecay)
    {
        double t = Tick(step);
        double biasCorrection2 = 1 - Math.Pow(beta2, t);
        if (weightDecay != 0) grad = AddScaled(grad, param, weightDecay);
        double mu = beta1 * (1.0 - 0.5 * Math.Pow(0.96, t * momentumDecay));
        double muNext = beta1 * (1.0 - 0.5 * Math.Pow(0.96, (t + 1) * momentumDecay));
        muProduct.Mul_(mu);
        double muProductNext = (muProduct * mu * muNext).Item();
        AddScaled_(expAvg.Mul_(beta1), grad, 1 - beta1);
        Addcmul_(expAvgSq.Mul_(beta2), grad, grad, 1 - beta2);
        var denom = (expAvgSq / biasCorrection2).Sqrt().Add_(eps);
        Addcdiv_(param, grad, denom, -lr * (1.0 - mu) / (1.0 - muProduct.Item()));
        Addcdiv_(param, expAvg, denom, -lr * muNext / (1.0 - muProductNext));
    }

    /// <summary>torch.optim.RAdam.</summary>
    public static void RAdam(Tensor param, Tensor grad, Tensor expAvg, Tensor expAvgSq, Tensor step,
        double lr, double beta1, double beta2, double eps, double weightDecay)
    {
        double t = Tick(step);
        double biasCorrection1 = 1 - Math.Pow(beta1, t);
        double biasCorrection2 = 1 - Math.Pow(beta2, t);
        if (weightDecay != 0) grad = AddScaled(grad, param, weightDecay);
        AddScaled_(expAvg.Mul_(beta1), grad, 1 - beta1);
        Addcmul_(expAvgSq.Mul_(beta2), grad, grad, 1 - beta2);
        var biasCorrectedExpAvg = expAvg / biasCorrection1;
        double rhoInf = 2 / (1 - beta2) - 1;
        double rhoT = rhoInf - 2 * t * Math.Pow(beta2, t) / biasCorrection2;
        if (rhoT > 5.0)
        {
            double rect = Math.Sqrt((rhoT - 4) * (rhoT - 2) * rhoInf / ((rhoInf - 4) * (rhoInf - 2) * rhoT));
            // torch: math.sqrt(bc2) / tensor is tensor.reciprocal() * scalar
            var adaptiveLr = expAvgSq.Sqrt().Add_(eps).Reciprocal() * Math.Sqrt(biasCorrection2);
            AddScaled_(param, biasCorrectedExpAvg * lr * adaptiveLr * rect, -1.0);
        }
        else AddScaled_(param, biasCorrectedExpAvg * lr, -1.0);
    }
}
