using System.Buffers.Binary;
using System.Text;

namespace Bridge.Io.Pickle;

/// <summary>A Python tuple read from a pickle.</summary>
public sealed class PickleTuple(object?[] items)
{
    /// <summary>The elements.</summary>
    public IReadOnlyList<object?> Items { get; } = items;
}

/// <summary>A global (<c>module.name</c>) a pickle refers to; the reader never imports or runs it.</summary>
public sealed record PickleGlobal(string Module, string Name)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Module}.{Name}";
}

/// <summary>
/// What a <see cref="PickleReader"/> may build: it calls these for every global, call, state and persistent id, and
/// they decide (refusing by throwing). The reader itself only builds Python's plain values.
/// </summary>
internal interface IPickleBuilder
{
    /// <summary>Accepts a global reference (called at GLOBAL/STACK_GLOBAL), or throws.</summary>
    PickleGlobal Global(string module, string name);

    /// <summary>REDUCE and NEWOBJ: the result of "calling" <paramref name="callable"/> with <paramref name="args"/>.</summary>
    object? Call(object? callable, PickleTuple args);

    /// <summary>BUILD: sets <paramref name="state"/> on <paramref name="target"/> (or ignores or refuses it).</summary>
    void Build(object? target, object? state);

    /// <summary>BINPERSID: the object an external reference names.</summary>
    object? Persistent(object? id);
}

/// <summary>
/// A restricted reader of Python pickles (protocols 2 to 5, the opcodes torch.save's files use): plain values (None,
/// bool, int, float, str, bytes) become .NET values, lists <see cref="List{T}"/>, tuples <see cref="PickleTuple"/>,
/// dicts <see cref="OrderedDictionary{TKey, TValue}"/> (string or integer keys); every global, call, state and
/// persistent id goes through an <see cref="IPickleBuilder"/>, so nothing is ever imported or executed. The input is
/// a byte array already in memory; every length it declares is checked against the bytes that remain, the memo is a
/// dictionary (a huge memo index allocates nothing), and any other opcode is an error naming it.
/// </summary>
internal sealed class PickleReader
{
    readonly byte[] _data;
    readonly string _name;
    readonly IPickleBuilder _builder;
    int _pos;
    readonly List<object?> _stack = [];
    readonly Stack<int> _marks = new();
    readonly Dictionary<long, object?> _memo = [];

    /// <summary>Most marks open at once: deeper nesting is not something torch writes, and it bounds the work.</summary>
    const int MaxMarkDepth = 1000;

    PickleReader(byte[] data, string name, IPickleBuilder builder) => (_data, _name, _builder) = (data, name, builder);

    /// <summary>The value <paramref name="data"/> pickles; <paramref name="name"/> labels errors.</summary>
    public static object? Read(byte[] data, string name, IPickleBuilder builder) => new PickleReader(data, name, builder).Run();

    TensorFileException Fail(string problem) => new(_name, $"pickle byte {_pos}: {problem}");

    object? Run()
    {
        while (true)
        {
            int at = _pos;
            byte op = Byte();
            switch (op)
            {
                case 0x80: // PROTO
                    int protocol = Byte();
                    if (protocol is < 2 or > 5) throw Fail($"pickle protocol {protocol} (torch files use 2; Bridge reads 2 to 5)");
                    break;
                case 0x95: Take(8); break; // FRAME: a length hint only
                case (byte)'.': // STOP
                    if (_stack.Count != 1 || _marks.Count != 0) throw Fail($"STOP with {_stack.Count} values on the stack and {_marks.Count} open marks");
                    return _stack[0];
                case (byte)'(':
                    if (_marks.Count >= MaxMarkDepth) throw Fail($"more than {MaxMarkDepth} nested marks");
                    _marks.Push(_stack.Count);
                    break;
                case (byte)'}': Push(new OrderedDictionary<object, object?>()); break;
                case (byte)']': Push(new List<object?>()); break;
                case (byte)')': Push(new PickleTuple([])); break;
                case (byte)'t': Push(new PickleTuple(PopMark().ToArray())); break;
                case 0x85: Push(new PickleTuple([Pop()])); break;
                case 0x86: { var b = Pop(); var a = Pop(); Push(new PickleTuple([a, b])); break; }
                case 0x87: { var c = Pop(); var b = Pop(); var a = Pop(); Push(new PickleTuple([a, b, c])); break; }
                case (byte)'J': Push((long)BinaryPrimitives.ReadInt32LittleEndian(Take(4))); break;
                case (byte)'K': Push((long)Byte()); break;
                case (byte)'M': Push((long)BinaryPrimitives.ReadUInt16LittleEndian(Take(2))); break;
                case 0x8a: Push(Long1()); break;
                case (byte)'G': Push(BinaryPrimitives.ReadDoubleBigEndian(Take(8))); break;
                case (byte)'X': Push(Utf8(Length(BinaryPrimitives.ReadUInt32LittleEndian(Take(4))))); break;
                case 0x8c: Push(Utf8(Byte())); break;
                case 0x8d: Push(Utf8(Length(BinaryPrimitives.ReadUInt64LittleEndian(Take(8))))); break;
                case (byte)'T': Push(Encoding.Latin1.GetString(Take(Length(BinaryPrimitives.ReadUInt32LittleEndian(Take(4)))))); break;
                case (byte)'U': Push(Encoding.Latin1.GetString(Take(Byte()))); break;
                case (byte)'B': Push(Take(Length(BinaryPrimitives.ReadUInt32LittleEndian(Take(4)))).ToArray()); break;
                case (byte)'C': Push(Take(Byte()).ToArray()); break;
                case (byte)'N': Push(null); break;
                case 0x88: Push(true); break;
                case 0x89: Push(false); break;
                case (byte)'c': { string module = Line(); string name = Line(); Push(_builder.Global(module, name)); break; }
                case 0x93:
                    {
                        if (Pop() is not string name || Pop() is not string module) throw Fail("STACK_GLOBAL needs two strings");
                        Push(_builder.Global(module, name));
                        break;
                    }
                case (byte)'R': { var args = Pop(); var callable = Pop(); Push(_builder.Call(callable, Tuple(args, "REDUCE"))); break; }
                case 0x81: { var args = Pop(); var cls = Pop(); Push(_builder.Call(cls, Tuple(args, "NEWOBJ"))); break; }
                case (byte)'b': { var state = Pop(); _builder.Build(Peek(), state); break; }
                case (byte)'s': { var value = Pop(); var key = Pop(); SetItem(Peek(), key, value); break; }
                case (byte)'u':
                    {
                        var items = PopMark();
                        if (items.Count % 2 != 0) throw Fail("SETITEMS with an odd number of values");
                        var target = Peek();
                        for (int i = 0; i < items.Count; i += 2) SetItem(target, items[i], items[i + 1]);
                        break;
                    }
                case (byte)'a': { var value = Pop(); List(Peek()).Add(value); break; }
                case (byte)'e': { var items = PopMark(); List(Peek()).AddRange(items); break; }
                case (byte)'q': _memo[Byte()] = Peek(); break;
                case (byte)'r': _memo[BinaryPrimitives.ReadUInt32LittleEndian(Take(4))] = Peek(); break;
                case 0x94: _memo[_memo.Count] = Peek(); break;
                case (byte)'h': Push(Memo(Byte())); break;
                case (byte)'j': Push(Memo(BinaryPrimitives.ReadUInt32LittleEndian(Take(4)))); break;
                case (byte)'Q': Push(_builder.Persistent(Pop())); break;
                case (byte)'0': Pop(); break;
                case (byte)'1': PopMark(); break;
                case (byte)'2': Push(Peek()); break;
                default:
                    _pos = at;
                    throw Fail($"unsupported pickle opcode 0x{op:X2} ('{(op is >= 32 and < 127 ? (char)op : '?')}'); torch checkpoints use a small set, and Bridge reads only that");
            }
        }
    }

    byte Byte()
    {
        if (_pos >= _data.Length) throw Fail("the pickle ends before STOP (truncated)");
        return _data[_pos++];
    }

    ReadOnlySpan<byte> Take(int count)
    {
        if (count < 0 || count > _data.Length - _pos) throw Fail($"a {count}-byte field, but only {_data.Length - _pos} bytes remain (truncated or corrupt length)");
        var span = _data.AsSpan(_pos, count);
        _pos += count;
        return span;
    }

    int Length(ulong declared) => declared <= (ulong)(_data.Length - _pos) ? (int)declared
        : throw Fail($"a field declares {declared} bytes, but only {_data.Length - _pos} remain (truncated or corrupt length)");

    string Utf8(int count)
    {
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(Take(count));
        }
        catch (DecoderFallbackException)
        {
            throw Fail("a string is not valid UTF-8");
        }
    }

    string Line()
    {
        int end = Array.IndexOf(_data, (byte)'\n', _pos, Math.Min(256, _data.Length - _pos));
        if (end < 0) throw Fail("GLOBAL without a newline within 256 bytes");
        string text = Encoding.ASCII.GetString(_data, _pos, end - _pos);
        _pos = end + 1;
        return text;
    }

    object Long1()
    {
        int n = Byte();
        if (n > 8) throw Fail($"an integer of {n} bytes (Bridge reads integers up to 64 bits)");
        var bytes = Take(n);
        long value = 0;
        for (int i = n - 1; i >= 0; i--) value = (value << 8) | bytes[i];
        if (n > 0 && n < 8 && (bytes[n - 1] & 0x80) != 0) value -= 1L << (8 * n); // sign-extend two's complement
        return value;
    }

    void Push(object? value) => _stack.Add(value);

    object? Pop()
    {
        int floor = _marks.Count > 0 ? _marks.Peek() : 0;
        if (_stack.Count <= floor) throw Fail("pops an empty stack");
        var v = _stack[^1];
        _stack.RemoveAt(_stack.Count - 1);
        return v;
    }

    object? Peek()
    {
        int floor = _marks.Count > 0 ? _marks.Peek() : 0;
        if (_stack.Count <= floor) throw Fail("reads an empty stack");
        return _stack[^1];
    }

    List<object?> PopMark()
    {
        if (_marks.Count == 0) throw Fail("no MARK to pop to");
        int at = _marks.Pop();
        var items = _stack.GetRange(at, _stack.Count - at);
        _stack.RemoveRange(at, _stack.Count - at);
        return items;
    }

    object? Memo(long index) => _memo.TryGetValue(index, out var v) ? v : throw Fail($"memo entry {index} was never stored");

    PickleTuple Tuple(object? value, string op) => value as PickleTuple ?? throw Fail($"{op} arguments are a {Describe(value)}, not a tuple");

    List<object?> List(object? value) => value as List<object?> ?? throw Fail($"APPEND to a {Describe(value)}, not a list");

    void SetItem(object? target, object? key, object? value)
    {
        if (target is not OrderedDictionary<object, object?> dict) throw Fail($"SETITEM on a {Describe(target)}, not a dict");
        if (key is not (string or long or bool)) throw Fail($"a dict key of type {Describe(key)} (Bridge reads str, int and bool keys)");
        dict[key] = value;
    }

    internal static string Describe(object? value) => value switch
    {
        null => "None",
        PickleGlobal g => $"global {g}",
        PickleTuple => "tuple",
        List<object?> => "list",
        OrderedDictionary<object, object?> => "dict",
        _ => value.GetType().Name,
    };
}
