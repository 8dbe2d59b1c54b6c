using System.Globalization;

namespace NeuralCore;

/// <summary>Kinds of device; the values are libtorch's <c>c10::DeviceType</c> codes.</summary>
public enum DeviceType
{
    Cpu = 0,
    Cuda = 1,
}

/// <summary>Where a tensor lives: <c>Device.Cpu</c>, <c>Device.Cuda(0)</c>, or parsed from "cuda:1".</summary>
public readonly record struct Device(DeviceType Type, int Index = -1)
{
    /// <summary>The host.</summary>
    public static readonly Device Cpu = new(DeviceType.Cpu);

    /// <summary>A CUDA device; <paramref name="index"/> -1 means the current one.</summary>
    public static Device Cuda(int index = -1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(index, -1);
        return new Device(DeviceType.Cuda, index);
    }

    /// <summary>Parses PyTorch's spelling: "cpu", "cuda", "cuda:1".</summary>
    /// <exception cref="FormatException">The text names no known device.</exception>
    public static Device Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Trim().ToLowerInvariant().Split(':');
        var type = parts[0] switch
        {
            "cpu" => DeviceType.Cpu,
            "cuda" => DeviceType.Cuda,
            _ => throw new FormatException($"'{text}' is not a device: expected cpu, cuda or cuda:N"),
        };
        if (parts.Length == 1) return new Device(type);
        if (parts.Length == 2 && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            return new Device(type, index);
        throw new FormatException($"'{text}' is not a device: expected cpu, cuda or cuda:N");
    }

    public override string ToString()
    {
        var name = Type == DeviceType.Cpu ? "cpu" : "cuda";
        return Index < 0 ? name : $"{name}:{Index.ToString(CultureInfo.InvariantCulture)}";
    }
}
