using Bridge.Autograd;

namespace Bridge;

// An input that a custom function returns unchanged comes back as an alias of that input (torch makes it a view
// created in a custom function): an in-place write on it would have to rewrite the custom node's history, which would
// bypass the custom backward, so torch forbids it. Full backward hooks on modules rely on this: their identity nodes
// are such functions.
public sealed partial class Tensor
{
    // The custom node and output index this alias came from; null for every other tensor.
    (string Node, int Output)? _customFunctionAlias;

    internal void MarkCustomFunctionAlias(string node, int output) => _customFunctionAlias = (node, output);

    /// <summary>torch's refusal of an in-place write on an input a custom function returned as-is.</summary>
    void CheckCustomFunctionAliasWrite()
    {
        if (_customFunctionAlias is not (string node, int output) || !RequiresGrad) return;
        throw new InvalidOperationException($"Output {output} of {node} is a view and is being modified inplace. This view was created inside a custom Function (or because an input was returned as-is) and the autograd logic to handle view+inplace would override the custom backward associated with the custom Function, leading to incorrect gradients. This behavior is forbidden. You can fix this by cloning the output of the custom Function.");
    }
}
