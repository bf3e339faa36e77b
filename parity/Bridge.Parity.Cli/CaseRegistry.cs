using System.Reflection;
using System.Text;

namespace Bridge.Parity;

/// <summary>
/// Every C# port, by case name: each public static class in <c>Bridge.Parity.Cases</c> with a
/// <c>Run(Recorder)</c> method is the port of the case named by its class name in snake_case
/// (<c>Seed000HelloStep</c> → <c>seed000_hello_step</c>). So adding a case is parity/cases/&lt;case&gt;.py,
/// Cases/&lt;Case&gt;.cs and its one line in parity/cases.txt (run order and tolerance).
/// </summary>
public static class CaseRegistry
{
    public static readonly IReadOnlyDictionary<string, Action<Recorder>> Cases = typeof(CaseRegistry).Assembly.GetTypes()
        .Where(t => t.Namespace == "Bridge.Parity.Cases" && t.IsAbstract && t.IsSealed && t.IsPublic)
        .Select(t => (Type: t, Run: t.GetMethod("Run", BindingFlags.Public | BindingFlags.Static, [typeof(Recorder)])))
        .Where(p => p.Run is not null)
        .ToDictionary(p => SnakeCase(p.Type.Name), p => p.Run!.CreateDelegate<Action<Recorder>>());

    static string SnakeCase(string name)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0 && !char.IsUpper(name[i - 1])) sb.Append('_');
            sb.Append(char.ToLowerInvariant(name[i]));
        }
        return sb.ToString();
    }
}
