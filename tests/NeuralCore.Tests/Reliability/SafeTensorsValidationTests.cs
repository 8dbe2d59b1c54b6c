using System.Text;
using NeuralCore.IO;

namespace NeuralCore.Tests;

/// <summary>Malformed safetensors headers give an InvalidDataException naming the file.</summary>
public class SafeTensorsValidationTests
{
    private static string Write(byte[] header, int dataBytes)
    {
        var path = Path.Combine(Path.GetTempPath(), $"neuralcore-{Guid.NewGuid():N}.safetensors");
        using var file = File.Create(path);
        file.Write(BitConverter.GetBytes((ulong)header.Length));
        file.Write(header);
        file.Write(new byte[dataBytes]);
        return path;
    }

    public static TheoryData<string, string> Headers => new()
    {
        { """[1, 2, 3]""", "*not a JSON object*" },
        { """{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"a":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}}""", "*not a valid JSON object*" },
        { """{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}""", "*'a'*'b'*overlap*" },
        { """{"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}""", "*'a'*negative*" },
        { """{"a":{"dtype":"F32","shape":"x","data_offsets":[0,8]}}""", "*'a'*" },
        { """{"a":{"dtype":"Q4","shape":[2],"data_offsets":[0,8]}}""", "*'a'*dtype Q4*" },
        { """{"a":null}""", "*'a'*" },
    };

    [Theory]
    [MemberData(nameof(Headers))]
    public void MalformedHeaders_GiveInvalidDataExceptionNamingTheFile(string header, string message)
    {
        var path = Write(Encoding.UTF8.GetBytes(header), 16);
        var act = () => SafeTensors.Load(path);
        act.Should().Throw<InvalidDataException>().WithMessage($"{path}:{message}");
        File.Delete(path);
    }

    [Fact]
    public void AHeaderThatIsNotUtf8_GivesInvalidDataException()
    {
        var path = Write([(byte)'{', (byte)'"', 0xff, 0xfe, (byte)'"', (byte)':', (byte)'1', (byte)'}'], 0);
        var act = () => SafeTensors.Load(path);
        act.Should().Throw<InvalidDataException>().WithMessage($"{path}: the header is not a valid JSON object*");
        File.Delete(path);
    }

    [Fact]
    public void MemoryMapping_IsAnOptIn_WithTheSameValues()
    {
        var path = Path.Combine(Path.GetTempPath(), $"neuralcore-{Guid.NewGuid():N}.safetensors");
        using (var values = Tensor.Arange(10, dtype: DType.Float64))
            SafeTensors.Save(new Dictionary<string, Tensor> { ["x"] = values }, path);
        var owned = SafeTensors.Load(path);
        var mapped = SafeTensors.Load(path, mmap: true);
        mapped["x"].ToArray<double>().Should().Equal(owned["x"].ToArray<double>());
        foreach (var tensor in owned.Values.Concat(mapped.Values)) tensor.Dispose();
        File.Delete(path);
    }
}
