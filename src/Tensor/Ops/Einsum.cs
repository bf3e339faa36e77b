namespace Bridge.Ops;

/// <summary>
/// torch.einsum, contracted pairwise from left to right: each pair is one batched matrix product over
/// [shared kept labels, left-only labels, contracted labels] × [shared, contracted, right-only]. Labels no
/// later operand or the output needs are summed out first. Ellipsis dims become labels of their own,
/// aligned from the right and broadcast like any dims of size 1.
/// </summary>
internal static class Einsum
{
    const int EllipsisLabel = 1000;

    public static Tensor Evaluate(string equation, Tensor[] operands)
    {
        var eq = equation.Replace(" ", "");
        int arrow = eq.IndexOf("->", StringComparison.Ordinal);
        var lhs = arrow >= 0 ? eq[..arrow] : eq;
        var terms = lhs.Split(',');
        if (terms.Length != operands.Length)
            throw new ArgumentException($"einsum(): more operands were provided than specified in the equation");
        int maxEllipsis = 0;
        var parsed = new List<(List<int> Labels, int Ellipsis)>();
        for (int i = 0; i < terms.Length; i++)
        {
            var (letters, hasEllipsis, position) = Parse(terms[i]);
            int e = operands[i].Dim() - letters.Count;
            if (!hasEllipsis && e != 0 || e < 0)
                throw new ArgumentException($"einsum(): the number of subscripts in the equation ({letters.Count}) does not match the number of dimensions ({operands[i].Dim()}) for operand {i}" + (hasEllipsis ? "" : " and no ellipsis was given"));
            parsed.Add((Insert(letters, position, e, -1), hasEllipsis ? e : 0));
            maxEllipsis = Math.Max(maxEllipsis, hasEllipsis ? e : 0);
        }
        // Ellipsis dims, aligned from the right, get labels EllipsisLabel + j.
        var operandsLabels = parsed.Select(p =>
        {
            int j = maxEllipsis - p.Ellipsis;
            return p.Labels.Select(l => l == -1 ? EllipsisLabel + j++ : l).ToList();
        }).ToList();

        List<int> output;
        if (arrow >= 0)
        {
            var (letters, hasEllipsis, position) = Parse(eq[(arrow + 2)..]);
            output = Insert(letters, hasEllipsis ? position : letters.Count, hasEllipsis ? maxEllipsis : 0, -1);
            int j = 0;
            output = output.Select(l => l == -1 ? EllipsisLabel + j++ : l).ToList();
            foreach (int l in output)
                if (!operandsLabels.Any(o => o.Contains(l)))
                    throw new ArgumentException($"einsum(): output subscript {(char)l} does not appear in the equation for any input operand");
            if (output.Distinct().Count() != output.Count) throw new ArgumentException("einsum(): output subscript appears more than once in the output");
        }
        else
        {
            var once = operandsLabels.SelectMany(o => o).Where(l => l < EllipsisLabel && operandsLabels.Sum(x => x.Count(y => y == l)) == 1).Distinct().Order();
            output = Enumerable.Range(EllipsisLabel, maxEllipsis).Concat(once).ToList();
        }

        var items = new List<(Tensor T, List<int> L)>();
        for (int i = 0; i < operands.Length; i++) items.Add(Diagonals(operands[i], operandsLabels[i]));

        var (cur, curLabels) = items[0];
        for (int i = 1; i <= items.Count; i++)
        {
            var later = items.Skip(i + 1).SelectMany(x => x.L).Concat(output).ToHashSet();
            if (i == items.Count)
            {
                (cur, curLabels) = SumOut(cur, curLabels, l => !output.Contains(l));
                break;
            }
            var (next, nextLabels) = items[i];
            var keep = later;
            (cur, curLabels) = SumOut(cur, curLabels, l => !keep.Contains(l) && !nextLabels.Contains(l));
            var curCopy = curLabels;
            (next, nextLabels) = SumOut(next, nextLabels, l => !keep.Contains(l) && !curCopy.Contains(l));
            (cur, curLabels) = Pair(cur, curLabels, next, nextLabels, keep);
        }
        return cur.Permute(output.Select(l => curLabels.IndexOf(l)).ToArray());
    }

    static (List<int> Letters, bool HasEllipsis, int Position) Parse(string term)
    {
        var letters = new List<int>();
        bool ellipsis = false;
        int position = 0;
        for (int i = 0; i < term.Length; i++)
        {
            if (term[i] == '.')
            {
                if (ellipsis || term.Length - i < 3 || term.Substring(i, 3) != "...")
                    throw new ArgumentException("einsum(): found '.' for operand that is not part of any ellipsis");
                ellipsis = true;
                position = letters.Count;
                i += 2;
            }
            else if (char.IsAsciiLetter(term[i])) letters.Add(term[i]);
            else throw new ArgumentException($"einsum(): invalid subscript given at index {i} in the equation string, subscripts must be in [a-zA-Z]");
        }
        return (letters, ellipsis, position);
    }

    static List<int> Insert(List<int> letters, int position, int count, int label)
    {
        var result = new List<int>(letters);
        result.InsertRange(position, Enumerable.Repeat(label, count));
        return result;
    }

    /// <summary>A label repeated within one operand takes that operand's diagonal.</summary>
    static (Tensor, List<int>) Diagonals(Tensor t, List<int> labels)
    {
        labels = new List<int>(labels);
        for (int i = 0; i < labels.Count; i++)
        {
            int j = labels.IndexOf(labels[i], i + 1);
            if (j < 0) continue;
            if (t.ShapeArray[i] != t.ShapeArray[j])
                throw new ArgumentException($"einsum(): subscript {(char)labels[i]} is repeated for operand but the sizes don't match, {t.ShapeArray[j]} != {t.ShapeArray[i]}");
            int label = labels[i];
            t = t.Diagonal(0, i, j);
            labels.RemoveAt(j);
            labels.RemoveAt(i);
            labels.Add(label);
            i = -1;
        }
        return (t, labels);
    }

    static (Tensor, List<int>) SumOut(Tensor t, List<int> labels, Func<int, bool> drop)
    {
        var dims = Enumerable.Range(0, labels.Count).Where(d => drop(labels[d])).ToArray();
        if (dims.Length == 0) return (t, labels);
        return (t.Sum(dims), labels.Where(l => !drop(l)).ToList());
    }

    static (Tensor, List<int>) Pair(Tensor a, List<int> la, Tensor b, List<int> lb, HashSet<int> keep)
    {
        var batch = la.Where(l => lb.Contains(l) && keep.Contains(l)).ToList();
        var contracted = la.Where(l => lb.Contains(l) && !keep.Contains(l)).ToList();
        var left = la.Where(l => !lb.Contains(l)).ToList();
        var right = lb.Where(l => !la.Contains(l)).ToList();
        int Size(int l)
        {
            int sa = la.Contains(l) ? a.ShapeArray[la.IndexOf(l)] : 1, sb = lb.Contains(l) ? b.ShapeArray[lb.IndexOf(l)] : 1;
            if (sa != sb && sa != 1 && sb != 1)
                throw new ArgumentException($"einsum(): operands do not broadcast with remapped shapes (original->remapped): subscript {(l < EllipsisLabel ? ((char)l).ToString() : "...")} has sizes {sa} and {sb}");
            return Math.Max(sa, sb);
        }
        int Prod(IEnumerable<int> ls) => ls.Aggregate(1, (acc, l) => acc * Size(l));
        var orderA = batch.Concat(left).Concat(contracted).ToList();
        var orderB = batch.Concat(contracted).Concat(right).ToList();
        var ta = a.Permute(orderA.Select(l => la.IndexOf(l)).ToArray()).Expand(orderA.Select(l => left.Contains(l) ? a.ShapeArray[la.IndexOf(l)] : Size(l)).ToArray())
            .Reshape(Prod(batch), Prod(left), Prod(contracted));
        var tb = b.Permute(orderB.Select(l => lb.IndexOf(l)).ToArray()).Expand(orderB.Select(l => right.Contains(l) ? b.ShapeArray[lb.IndexOf(l)] : Size(l)).ToArray())
            .Reshape(Prod(batch), Prod(contracted), Prod(right));
        var shape = batch.Select(Size).Concat(left.Select(l => a.ShapeArray[la.IndexOf(l)])).Concat(right.Select(l => b.ShapeArray[lb.IndexOf(l)])).ToArray();
        return (ta.Bmm(tb).Reshape(shape), batch.Concat(left).Concat(right).ToList());
    }
}
