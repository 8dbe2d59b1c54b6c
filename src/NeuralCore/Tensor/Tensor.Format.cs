using System.Globalization;
using System.Text;

namespace NeuralCore;

public partial class Tensor
{
    private const int PrintThreshold = 1000, EdgeItems = 3, LineWidth = 80, Precision = 4;

    /// <summary>
    /// The values as PyTorch prints them (same number formatting, alignment, line wrapping, and "..." summaries for
    /// more than 1000 elements), followed by shape and dtype: <c>tensor([[1., 2.], [3., 4.]], shape=(2, 2), dtype=float32)</c>.
    /// </summary>
    public override string ToString()
    {
        if (IsDisposed) return "tensor(<disposed>)";
        var shape = Shape;
        var dtype = DType;
        var summarize = NumberOfElements > PrintThreshold;
        var text = new StringBuilder("tensor(");
        if (NumberOfElements == 0) text.Append("[]");
        else
        {
            using var display = summarize ? Summarized(shape) : Detach();
            var displayShape = display.Shape;
            IElementFormatter formatter;
            if (dtype.IsComplex())
            {
                // PyTorch formats the real and the imaginary parts each with its own formatter.
                using var resolved = display.ResolveConj();
                using var real = resolved.Real();
                using var imaginary = resolved.Imag();
                formatter = new ComplexFormatter(new ElementFormatter(real, real.DType), new ElementFormatter(imaginary, imaginary.DType));
            }
            else formatter = new ElementFormatter(display, dtype);
            text.Append(FormatLevel(formatter, displayShape, shape, summarize, 0, 0, "tensor(".Length));
        }
        text.Append(", shape=(").Append(string.Join(", ", shape)).Append(shape.Length == 1 ? ",)" : ")");
        text.Append(", dtype=").Append(dtype.Name());
        var device = Device;
        if (device.Type != DeviceType.Cpu) text.Append(", device=").Append(device);
        if (GradFunctionName is { } gradFunction) text.Append(", grad_fn=<").Append(gradFunction).Append('>');
        else if (RequiresGrad) text.Append(", requires_grad=True");
        return text.Append(')').ToString();
    }

    // The first and last EdgeItems entries of every long dimension, as PyTorch's get_summarized_data.
    private Tensor Summarized(long[] shape)
    {
        var current = Detach();
        for (var dim = 0; dim < shape.Length; dim++)
        {
            if (shape[dim] <= 2 * EdgeItems) continue;
            using var head = current.Narrow(dim, 0, EdgeItems);
            using var tail = current.Narrow(dim, shape[dim] - EdgeItems, EdgeItems);
            var next = Cat([head, tail], dim);
            current.Dispose();
            current = next;
        }
        return current;
    }

    private static string FormatLevel(IElementFormatter formatter, long[] displayShape, long[] shape, bool summarize, int dim, long offset, int indent)
    {
        if (displayShape.Length == 0) return formatter.Format(0);
        long stride = 1;
        for (var d = dim + 1; d < displayShape.Length; d++) stride *= displayShape[d];
        var elided = summarize && shape[dim] > 2 * EdgeItems;
        var parts = new List<string>();
        for (long i = 0; i < displayShape[dim]; i++)
        {
            if (elided && i == EdgeItems) parts.Add(dim == displayShape.Length - 1 ? " ..." : "...");
            parts.Add(dim == displayShape.Length - 1
                ? formatter.Format(offset + i)
                : FormatLevel(formatter, displayShape, shape, summarize, dim + 1, offset + i * stride, indent + 1));
        }
        if (dim < displayShape.Length - 1)
        {
            var separator = "," + new string('\n', displayShape.Length - dim - 1) + new string(' ', indent + 1);
            return "[" + string.Join(separator, parts) + "]";
        }
        var perLine = Math.Max(1, (LineWidth - indent) / (formatter.Width + 2));
        var lines = parts.Chunk(perLine).Select(line => string.Join(", ", line));
        return "[" + string.Join(",\n" + new string(' ', indent + 1), lines) + "]";
    }

    private interface IElementFormatter
    {
        /// <summary>Characters per element, for the elements that fit on a line.</summary>
        int Width { get; }

        string Format(long index);
    }

    // PyTorch's complex elements: "1.0000+0.5000j", the imaginary part's padding dropped and its sign kept.
    private sealed class ComplexFormatter(ElementFormatter real, ElementFormatter imaginary) : IElementFormatter
    {
        public int Width => real.Width + imaginary.Width + 1;

        public string Format(long index)
        {
            var imaginaryText = (imaginary.Format(index) + "j").TrimStart();
            return real.Format(index) + (imaginaryText[0] is '+' or '-' ? "" : "+") + imaginaryText;
        }
    }

    // PyTorch's _Formatter: integers-as-floats print as "1.", otherwise 4 decimals, or scientific for wide ranges.
    private sealed class ElementFormatter : IElementFormatter
    {
        private readonly double[]? reals;
        private readonly long[]? integers;
        private readonly bool[]? booleans;
        private readonly bool integerMode = true, scientific;

        public int Width { get; } = 1;

        public ElementFormatter(Tensor values, DType dtype)
        {
            if (dtype == DType.Bool) booleans = values.ToArray<bool>();
            else if (!dtype.IsFloatingPoint()) integers = values.ToArray<long>();
            else reals = values.ToArray<double>();

            if (reals is null)
            {
                for (long i = 0; i < Count; i++) Width = Math.Max(Width, Format(i).Length);
                return;
            }
            var finite = reals.Where(v => double.IsFinite(v) && v != 0).ToArray();
            if (finite.Length == 0) return;
            var min = finite.Min(Math.Abs);
            var max = finite.Max(Math.Abs);
            integerMode = finite.All(v => v == Math.Ceiling(v));
            scientific = max / min > 1000.0 || max > 1.0e8 || (!integerMode && min < 1.0e-4);
            foreach (var value in finite)
                Width = Math.Max(Width, Plain(value).Length + (integerMode && !scientific ? 1 : 0));
        }

        private long Count => reals?.Length ?? integers?.Length ?? booleans!.Length;

        private string Plain(double value) => scientific
            ? value.ToString("0." + new string('0', Precision) + "e+00", CultureInfo.InvariantCulture)
            : integerMode
                ? value.ToString("F0", CultureInfo.InvariantCulture)
                : value.ToString("F" + Precision, CultureInfo.InvariantCulture);

        public string Format(long index)
        {
            string text;
            if (booleans is not null) text = booleans[index] ? "True" : "False";
            else if (integers is not null) text = integers[index].ToString(CultureInfo.InvariantCulture);
            else
            {
                var value = reals![index];
                if (double.IsNaN(value)) text = "nan";
                else if (double.IsInfinity(value)) text = value > 0 ? "inf" : "-inf";
                else text = Plain(value) + (integerMode && !scientific ? "." : "");
            }
            return text.PadLeft(Width);
        }
    }
}
