using System.Text;
using System.Text.RegularExpressions;

namespace NeuralCore.OpGen;

/// <summary>tools/OpGen/ops.yaml: the golden inputs and one row per op.</summary>
public sealed class Table
{
    public Dictionary<string, string> Inputs { get; set; } = new();
    public List<Op> Ops { get; set; } = new();
}

/// <summary>One row of the op table; see the comment at the top of ops.yaml for what each field means.</summary>
public sealed class Op
{
    public string Name { get; set; } = "";
    public string? C { get; set; }
    public string Area { get; set; } = "tensor";
    public string Args { get; set; } = "Tensor self";
    public string Returns { get; set; } = "Tensor";
    public List<string>? Forms { get; set; }
    public string Doc { get; set; } = "";
    public string? Call { get; set; }
    public string? InplaceCall { get; set; }
    public string? Aten { get; set; }
    public string? Py { get; set; }
    public Dictionary<string, string>? PyArgs { get; set; }
    public string? Check { get; set; }
    public string? Operator { get; set; }
    public bool OperatorSwapped { get; set; }
    public bool Grad { get; set; }
    public List<string>? GradArgs { get; set; }
    public double? Tolerance { get; set; }
    public List<Dictionary<string, object>>? Golden { get; set; }

    // ---- derived ----
    public string CName => C ?? Naming.Snake(Name);
    public string CFunction => $"nc_{Area}_{CName}";
    public string Import => Naming.Pascal(Area) + Naming.Pascal(CName);
    public string FacadeClass => Area switch
    {
        "tensor" => "Tensor",
        "nn" => "Functional",
        "linalg" => "Linalg",
        "fft" => "Fourier",
        _ => throw new InvalidDataException($"{Name}: unknown area '{Area}'"),
    };
    public IReadOnlyList<string> FormList => Forms ?? (Area == "tensor" ? ["method"] : ["static"]);
    public bool HasInPlace => FormList.Contains("inplace");
    public bool HasOutOfPlace => FormList.Any(f => f != "inplace");
    public string AtenName => Aten ?? CName;

    private List<Arg>? parsed;
    public IReadOnlyList<Arg> Arguments => parsed ??= Arg.ParseList(Args, Name);

    public ReturnKind ReturnKind => Returns switch
    {
        "Tensor" => ReturnKind.Tensor,
        "Tensor[]" => ReturnKind.List,
        "bool" => ReturnKind.Bool,
        _ when Returns.StartsWith('(') => ReturnKind.Tuple,
        _ => throw new InvalidDataException($"{Name}: unknown return type '{Returns}'"),
    };

    /// <summary>The names of a tuple return, e.g. (Tensor Values, Tensor Indices) gives Values, Indices.</summary>
    public IReadOnlyList<string> TupleNames => Returns.Trim('(', ')').Split(',').Select(p => p.Trim().Split(' ')[1]).ToList();

    public string PythonFunction => Py ?? Area switch
    {
        "tensor" => $"torch.{AtenName}",
        "nn" => $"torch.nn.functional.{CName}",
        "linalg" => $"torch.linalg.{CName}",
        _ => $"torch.fft.{CName}",
    };

    public string PythonName(Arg arg) =>
        PyArgs is not null && PyArgs.TryGetValue(arg.Name, out var name) ? name : arg.Snake == "keep_dim" ? "keepdim" : arg.Snake;
}

public enum ReturnKind { Tensor, Tuple, List, Bool }

/// <summary>One argument: its table type, C# name and C# default.</summary>
public sealed record Arg(string Type, string Name, string? Default, bool Params)
{
    public string Snake => Naming.Snake(Name);
    public ArgType Kind => ArgType.All[Type];
    public bool IsSelf => Name == "self";

    public static List<Arg> ParseList(string text, string op)
    {
        var result = new List<Arg>();
        foreach (var part in SplitTopLevel(text))
        {
            var match = Regex.Match(part.Trim(), @"^(params\s+)?(\S+)\s+(\w+)(?:\s*=\s*(.+))?$");
            if (!match.Success) throw new InvalidDataException($"{op}: cannot read argument '{part}'");
            var type = match.Groups[2].Value;
            if (!ArgType.All.ContainsKey(type)) throw new InvalidDataException($"{op}: unknown argument type '{type}'");
            result.Add(new Arg(type, match.Groups[3].Value, match.Groups[4].Success ? match.Groups[4].Value.Trim() : null,
                match.Groups[1].Success));
        }
        return result;
    }

    private static IEnumerable<string> SplitTopLevel(string text)
    {
        var depth = 0;
        var quoted = false;
        var current = new StringBuilder();
        foreach (var c in text)
        {
            if (c == '"') quoted = !quoted;
            if (!quoted && (c == '(' || c == '[')) depth++;
            if (!quoted && (c == ')' || c == ']')) depth--;
            if (c == ',' && depth == 0 && !quoted)
            {
                yield return current.ToString();
                current.Clear();
            }
            else current.Append(c);
        }
        if (current.ToString().Trim().Length > 0) yield return current.ToString();
    }
}

public static class Naming
{
    public static string Snake(string name) =>
        Regex.Replace(Regex.Replace(name, "([a-z0-9])([A-Z])", "$1_$2"), "([A-Z]+)([A-Z][a-z])", "$1_$2").ToLowerInvariant();

    public static string Pascal(string snake) =>
        string.Concat(snake.Split('_').Where(p => p.Length > 0).Select(p => char.ToUpperInvariant(p[0]) + p[1..]));

    /// <summary>XML doc text: escapes markup and turns `code` into &lt;c&gt;code&lt;/c&gt;.</summary>
    public static string Xml(string text) =>
        Regex.Replace(text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;"), "`([^`]+)`", "<c>$1</c>");
}
