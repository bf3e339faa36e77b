// Generated from src/Tensor/Ops/Declarations by tests/Bridge.Tensor.Tests/OpInfo/Codegen.cs: do not edit.
// Regenerate: BRIDGE_REGENERATE=1 dotnet test tests/Bridge.Tensor.Tests --filter Codegen

using Bridge.Ops;

namespace Bridge
{
    public sealed partial class Tensor
    {
        /// <summary>Returns the absolute value |x| of each element.</summary>
        public Tensor Abs() => Declarations.Abs.Apply(this);

        /// <summary>Returns the cosine of each element (radians).</summary>
        public Tensor Cos() => Declarations.Cos.Apply(this);

        /// <summary>Returns e raised to each element.</summary>
        public Tensor Exp() => Declarations.Exp.Apply(this);

        /// <summary>Returns the natural logarithm of each element.</summary>
        public Tensor Log() => Declarations.Log.Apply(this);

        /// <summary>Returns -x for each element.</summary>
        public Tensor Neg() => Declarations.Neg.Apply(this);

        /// <summary>Returns max(x, 0) for each element (NaN and -0.0 pass through).</summary>
        public Tensor Relu() => Declarations.Relu.Apply(this);

        /// <summary>Returns the logistic sigmoid 1 / (1 + e^-x) of each element.</summary>
        public Tensor Sigmoid() => Declarations.Sigmoid.Apply(this);

        /// <summary>Returns the sign of each element as -1, 0 or 1 (NaN stays NaN).</summary>
        public Tensor Sign() => Declarations.Sign.Apply(this);

        /// <summary>Returns the sine of each element (radians).</summary>
        public Tensor Sin() => Declarations.Sin.Apply(this);

        /// <summary>Returns the square root of each element.</summary>
        public Tensor Sqrt() => Declarations.Sqrt.Apply(this);

        /// <summary>Returns the hyperbolic tangent of each element.</summary>
        public Tensor Tanh() => Declarations.Tanh.Apply(this);

        /// <summary>In place (cos_): Returns the cosine of each element (radians).</summary>
        public Tensor Cos_() => Declarations.Cos.ApplyInPlace(this);

        /// <summary>In place (exp_): Returns e raised to each element.</summary>
        public Tensor Exp_() => Declarations.Exp.ApplyInPlace(this);

        /// <summary>In place (sigmoid_): Returns the logistic sigmoid 1 / (1 + e^-x) of each element.</summary>
        public Tensor Sigmoid_() => Declarations.Sigmoid.ApplyInPlace(this);

        /// <summary>In place (sin_): Returns the sine of each element (radians).</summary>
        public Tensor Sin_() => Declarations.Sin.ApplyInPlace(this);

        /// <summary>In place (tanh_): Returns the hyperbolic tangent of each element.</summary>
        public Tensor Tanh_() => Declarations.Tanh.ApplyInPlace(this);
    }

    public static partial class Torch
    {
        /// <summary>Returns the absolute value |x| of each element.</summary>
        public static Tensor Abs(Tensor x) => Declarations.Abs.Apply(x);

        /// <summary>Returns the cosine of each element (radians).</summary>
        public static Tensor Cos(Tensor x) => Declarations.Cos.Apply(x);

        /// <summary>Returns e raised to each element.</summary>
        public static Tensor Exp(Tensor x) => Declarations.Exp.Apply(x);

        /// <summary>Returns the natural logarithm of each element.</summary>
        public static Tensor Log(Tensor x) => Declarations.Log.Apply(x);

        /// <summary>Returns -x for each element.</summary>
        public static Tensor Neg(Tensor x) => Declarations.Neg.Apply(x);

        /// <summary>Returns max(x, 0) for each element (NaN and -0.0 pass through).</summary>
        public static Tensor Relu(Tensor x) => Declarations.Relu.Apply(x);

        /// <summary>Returns the logistic sigmoid 1 / (1 + e^-x) of each element.</summary>
        public static Tensor Sigmoid(Tensor x) => Declarations.Sigmoid.Apply(x);

        /// <summary>Returns the sign of each element as -1, 0 or 1 (NaN stays NaN).</summary>
        public static Tensor Sign(Tensor x) => Declarations.Sign.Apply(x);

        /// <summary>Returns the sine of each element (radians).</summary>
        public static Tensor Sin(Tensor x) => Declarations.Sin.Apply(x);

        /// <summary>Returns the square root of each element.</summary>
        public static Tensor Sqrt(Tensor x) => Declarations.Sqrt.Apply(x);

        /// <summary>Returns the hyperbolic tangent of each element.</summary>
        public static Tensor Tanh(Tensor x) => Declarations.Tanh.Apply(x);
    }
}

namespace Bridge.Nn
{
    public static partial class Functional
    {
        /// <summary>Returns max(x, 0) for each element (NaN and -0.0 pass through).</summary>
        public static Tensor Relu(Tensor x) => Declarations.Relu.Apply(x);

        /// <summary>Returns the logistic sigmoid 1 / (1 + e^-x) of each element.</summary>
        public static Tensor Sigmoid(Tensor x) => Declarations.Sigmoid.Apply(x);

        /// <summary>Returns the hyperbolic tangent of each element.</summary>
        public static Tensor Tanh(Tensor x) => Declarations.Tanh.Apply(x);
    }
}
