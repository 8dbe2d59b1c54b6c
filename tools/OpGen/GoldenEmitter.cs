using System.Globalization;
using System.Text;
using System.Text.Json;

namespace NeuralCore.OpGen;

/// <summary>
/// The golden cases of the table, twice: as Python expressions (op_cases.json, which generate_op_golden.py evaluates with
/// python3-torch) and as the same calls in C# (OpCases.g.cs, which the tests run and compare).
/// </summary>
public static class GoldenEmitter
{
    public sealed record Case(string Name, Op Op, string Python, string CSharp, List<string> GradInputs, int? Seed, double Tolerance);

    public static List<Case> Cases(Table table)
    {
        var cases = new List<Case>();
        var names = new HashSet<string>();
        foreach (var op in table.Ops)
        {
            // An internal row is tested through the hand-written facade member that calls it (or its operator).
            if (op.Golden is null || op.Golden.Count == 0)
            {
                if (op.FormList.SequenceEqual(["internal"])) continue;
                throw new InvalidDataException($"{op.Name} ({op.CFunction}): every row needs a golden case");
            }
            for (var i = 0; i < op.Golden.Count; i++)
            {
                var values = op.Golden[i];
                var label = values.TryGetValue("_name", out var n) ? $"{op.CName}_{n}" : op.Golden.Count == 1 ? op.CName : $"{op.CName}_{i}";
                label = $"{op.Area}.{label}";
                if (!names.Add(label)) throw new InvalidDataException($"duplicate golden case {label}");
                foreach (var key in values.Keys.Where(k => !k.StartsWith('_')))
                    if (op.Arguments.All(a => a.Name != key)) throw new InvalidDataException($"{label}: '{key}' is not an argument of {op.Name}");
                int? seed = values.TryGetValue("_seed", out var s) ? int.Parse((string)s, CultureInfo.InvariantCulture) : null;
                var inputs = new List<string>();
                var python = Python(op, values, inputs);
                var csharp = CSharp(op, values);
                var gradInputs = op.Grad && !(values.TryGetValue("_grad", out var g) && (string)g == "false")
                    ? op.Arguments.Where(a => a.Type.StartsWith("Tensor") && (op.GradArgs is null || op.GradArgs.Contains(a.Name)))
                        .SelectMany(a => values.TryGetValue(a.Name, out var v) ? References(v) : []).Distinct().ToList()
                    : [];
                cases.Add(new Case(label, op, python, csharp, gradInputs, seed, op.Tolerance ?? 1e-5));
            }
        }
        return cases;
    }

    private static IEnumerable<string> References(object value) => value switch
    {
        string s when s.StartsWith('@') => [s[1..]],
        List<object> list => list.SelectMany(References),
        _ => [],
    };

    private static string Python(Op op, Dictionary<string, object> values, List<string> inputs)
    {
        var parts = new List<string>();
        foreach (var arg in op.Arguments)
        {
            if (!values.TryGetValue(arg.Name, out var value)) continue;
            var rendered = PythonValue(arg, value);
            parts.Add(arg.IsSelf || op.PythonName(arg) == "" ? rendered : $"{op.PythonName(arg)}={rendered}");
        }
        var function = op.PythonFunction.StartsWith("lambda") ? $"({op.PythonFunction})" : op.PythonFunction;
        return $"{function}({string.Join(", ", parts)})";
    }

    private static string PythonValue(Arg arg, object value)
    {
        if (value is List<object> list) return "[" + string.Join(", ", list.Select(v => PythonValue(arg with { Type = arg.Type.TrimEnd('?').Replace("[]", "") }, v))) + "]";
        var text = (string)value;
        if (text.StartsWith('@')) return text[1..];
        if (text == "null") return "None";
        return arg.Type.TrimEnd('?') switch
        {
            "bool" => text == "true" ? "True" : "False",
            "DType" => "torch." + text.ToLowerInvariant(),
            "Reduction" => JsonSerializer.Serialize(text.ToLowerInvariant()),
            "string" => JsonSerializer.Serialize(text),
            _ => text,
        };
    }

    private static string CSharp(Op op, Dictionary<string, object> values)
    {
        var method = op.FormList.Contains("method") || !op.HasOutOfPlace;
        if (!method && !op.FormList.Contains("static") && op.Operator is { } symbol)
        {
            var operands = op.Arguments.Select(a => CSharpValue(a, values[a.Name])).ToList();
            return operands.Count == 1 ? $"{symbol}{operands[0]}" : $"{operands[0]} {symbol} {operands[1]}";
        }
        var parts = new List<string>();
        string? self = null;
        foreach (var arg in op.Arguments)
        {
            if (!values.TryGetValue(arg.Name, out var value)) continue;
            var rendered = CSharpValue(arg, value);
            if (arg.IsSelf && method) self = rendered;
            else parts.Add($"{(arg.IsSelf ? "input" : arg.Name)}: {rendered}");
        }
        var target = !op.HasOutOfPlace ? $"{self}.{op.Name}InPlace" : method ? $"{self}.{op.Name}" : $"{op.FacadeClass}.{op.Name}";
        return $"{target}({string.Join(", ", parts)})";
    }

    private static string CSharpValue(Arg arg, object value)
    {
        if (value is List<object> list)
        {
            var element = arg with { Type = arg.Type.TrimEnd('?').Replace("[]", "") };
            var items = string.Join(", ", list.Select(v => CSharpValue(element, v)));
            return arg.Type switch
            {
                "long[]?" => $"new long[] {{ {items} }}",
                "double[]?" => $"new double[] {{ {items} }}",
                _ => $"[{items}]",
            };
        }
        var text = (string)value;
        if (text.StartsWith('@')) return $"x(\"{text[1..]}\")";
        if (text == "null") return "null";
        return arg.Type.TrimEnd('?') switch
        {
            "DType" => "DType." + text,
            "Reduction" => "Reduction." + text,
            "string" => JsonSerializer.Serialize(text),
            "double" when !text.Contains('.') && !text.Contains('e') => text + ".0",
            _ => text,
        };
    }

    public static string Json(Table table, List<Case> cases)
    {
        var document = new
        {
            generated_by = NativeEmitter.Banner,
            inputs = table.Inputs,
            cases = cases.Select(c => new { name = c.Name, expression = c.Python, seed = c.Seed }),
        };
        return JsonSerializer.Serialize(document, new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }

    public static string Tests(List<Case> cases)
    {
        var text = new StringBuilder();
        text.AppendLine($"// <auto-generated> {NativeEmitter.Banner} </auto-generated>");
        text.AppendLine("#nullable enable");
        text.AppendLine("""
            using NeuralCore.NN;

            namespace NeuralCore.Tests;

            /// <summary>The op table's golden cases as C# calls; Fixtures/op_golden.json holds PyTorch's results for the same calls.</summary>
            internal static class OpCases
            {
                /// <summary>One case: the call, the inputs whose gradients are checked by finite differences, the seed it needs, its tolerance.</summary>
                internal sealed record Case(Func<Func<string, Tensor>, object> Run, string[] GradInputs, int? Seed, double Tolerance);

                internal static readonly Dictionary<string, Case> All = new()
                {
            """);
        foreach (var c in cases)
        {
            var grads = "[" + string.Join(", ", c.GradInputs.Select(g => $"\"{g}\"")) + "]";
            var seed = c.Seed?.ToString(CultureInfo.InvariantCulture) ?? "null";
            text.AppendLine($"        [\"{c.Name}\"] = new(x => {c.CSharp}, {grads}, {seed}, {c.Tolerance.ToString("R", CultureInfo.InvariantCulture)}),");
        }
        text.AppendLine("""
                };
            }
            """);
        return text.ToString();
    }
}
