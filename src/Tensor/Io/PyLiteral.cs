using System.Globalization;

namespace Bridge.Io;

/// <summary>A Python tuple or list from a .npy header.</summary>
internal sealed record PySequence(bool IsTuple, List<object?> Items);

/// <summary>
/// Parses the Python literal subset a .npy header uses (NumPy reads it with <c>ast.literal_eval</c>): dicts with string
/// keys, strings, integers, True/False/None, tuples and lists. Written for hostile text: nesting depth and integer size
/// are bounded, duplicate keys and trailing garbage are errors; every error goes through <c>fail</c>.
/// </summary>
internal ref struct PyLiteral
{
    const int MaxDepth = 16;

    readonly ReadOnlySpan<char> _text;
    readonly Func<string, Exception> _fail;
    int _pos;

    PyLiteral(ReadOnlySpan<char> text, Func<string, Exception> fail)
    {
        _text = text;
        _fail = fail;
        _pos = 0;
    }

    /// <summary>The value of <paramref name="text"/>, which must hold one literal and then only whitespace.</summary>
    public static object? Parse(ReadOnlySpan<char> text, Func<string, Exception> fail)
    {
        var parser = new PyLiteral(text, fail);
        var value = parser.Value(0);
        parser.SkipSpace();
        if (parser._pos != text.Length) throw fail($"unexpected text after the header literal at character {parser._pos}: '{parser.Excerpt()}'");
        return value;
    }

    string Excerpt() => _text[_pos..Math.Min(_text.Length, _pos + 20)].ToString();

    void SkipSpace()
    {
        while (_pos < _text.Length && _text[_pos] is ' ' or '\t' or '\n' or '\r' or '\f' or '\v') _pos++;
    }

    char Peek()
    {
        SkipSpace();
        return _pos < _text.Length ? _text[_pos] : throw _fail("header literal ends unexpectedly");
    }

    void Expect(char c)
    {
        if (Peek() != c) throw _fail($"expected '{c}' at character {_pos} of the header, found '{Excerpt()}'");
        _pos++;
    }

    object? Value(int depth)
    {
        if (depth > MaxDepth) throw _fail($"header literal nested deeper than {MaxDepth} levels");
        char c = Peek();
        return c switch
        {
            '{' => Dict(depth),
            '(' => Sequence(')', depth),
            '[' => Sequence(']', depth),
            '\'' or '"' => String(),
            _ when c == '-' || c == '+' || char.IsAsciiDigit(c) => Integer(),
            _ when char.IsAsciiLetter(c) => Name(),
            _ => throw _fail($"unexpected character '{c}' at character {_pos} of the header"),
        };
    }

    Dictionary<string, object?> Dict(int depth)
    {
        Expect('{');
        var dict = new Dictionary<string, object?>(StringComparer.Ordinal);
        while (Peek() != '}')
        {
            if (Value(depth + 1) is not string key) throw _fail("header dict keys must be strings");
            Expect(':');
            var value = Value(depth + 1);
            if (!dict.TryAdd(key, value)) throw _fail($"duplicate key '{key}' in the header dict");
            if (Peek() == ',') _pos++;
            else if (Peek() != '}') throw _fail($"expected ',' or '}}' at character {_pos} of the header, found '{Excerpt()}'");
        }
        _pos++;
        return dict;
    }

    object? Sequence(char close, int depth)
    {
        _pos++;
        var items = new List<object?>();
        bool sawComma = false;
        while (Peek() != close)
        {
            items.Add(Value(depth + 1));
            sawComma = false;
            if (Peek() == ',')
            {
                _pos++;
                sawComma = true;
            }
            else if (Peek() != close) throw _fail($"expected ',' or '{close}' at character {_pos} of the header, found '{Excerpt()}'");
        }
        _pos++;
        // "(5)" is the integer 5 in Python, not a tuple.
        if (close == ')' && items.Count == 1 && !sawComma) return items[0];
        return new PySequence(close == ')', items);
    }

    string String()
    {
        char quote = _text[_pos++];
        var sb = new System.Text.StringBuilder();
        while (true)
        {
            if (_pos >= _text.Length) throw _fail("unterminated string in the header");
            char c = _text[_pos++];
            if (c == quote) return sb.ToString();
            if (c == '\n') throw _fail("line break inside a header string");
            if (c == '\\')
            {
                if (_pos >= _text.Length) throw _fail("unterminated string in the header");
                c = _text[_pos++];
            }
            sb.Append(c);
        }
    }

    long Integer()
    {
        int start = _pos;
        if (_text[_pos] is '-' or '+') _pos++;
        while (_pos < _text.Length && char.IsAsciiDigit(_text[_pos])) _pos++;
        var digits = _text[start.._pos];
        // Python 2 wrote long integers with an L suffix; NumPy still reads them.
        if (_pos < _text.Length && _text[_pos] is 'L' or 'l') _pos++;
        if (!long.TryParse(digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value))
            throw _fail($"integer '{digits.ToString()}' in the header is malformed or out of range");
        return value;
    }

    object? Name()
    {
        int start = _pos;
        while (_pos < _text.Length && char.IsAsciiLetterOrDigit(_text[_pos])) _pos++;
        return _text[start.._pos] switch
        {
            "True" => true,
            "False" => false,
            "None" => null,
            var other => throw _fail($"unsupported name '{other.ToString()}' in the header (only True, False, None)"),
        };
    }
}
