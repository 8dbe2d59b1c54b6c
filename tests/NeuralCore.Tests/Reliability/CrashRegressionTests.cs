using System.Text;

namespace NeuralCore.Tests;

/// <summary>Inputs that used to kill the process, each run in a child process: now a .NET exception or a right answer.</summary>
public class CrashRegressionTests
{
    private static string SafetensorsFile(string header, int dataBytes)
    {
        var path = Path.Combine(Path.GetTempPath(), $"neuralcore-{Guid.NewGuid():N}.safetensors");
        var json = Encoding.UTF8.GetBytes(header);
        using var file = File.Create(path);
        file.Write(BitConverter.GetBytes((ulong)json.Length));
        file.Write(json);
        file.Write(new byte[dataBytes]);
        return path;
    }

    // A byte count that wraps int64, and an element count whose byte count wraps to exactly the range's size.
    [Theory]
    [InlineData("""{"w":{"dtype":"F32","shape":[4611686018427387905,4],"data_offsets":[0,16]}}""", "owned")]
    [InlineData("""{"w":{"dtype":"F32","shape":[4611686018427387905,4],"data_offsets":[0,16]}}""", "mmap")]
    [InlineData("""{"w":{"dtype":"F64","shape":[2305843009213693953],"data_offsets":[0,8]}}""", "owned")]
    [InlineData("""{"w":{"dtype":"F64","shape":[2305843009213693953],"data_offsets":[0,8]}}""", "mmap")]
    public void Safetensors_WithAnOverflowingShape_IsRefusedBeforeAnyRead(string header, string mode)
    {
        var path = SafetensorsFile(header, 16);
        var outcome = Probe.Run("safetensors-load", path, mode);
        outcome.Kind.Should().Be("exception", outcome.ToString());
        outcome.Type.Should().Be(nameof(InvalidDataException));
        outcome.Message.Should().Contain(path).And.Contain("'w'").And.Contain("more bytes than");
        File.Delete(path);
    }

    [Fact]
    public void Safetensors_TruncatedInPlaceAfterLoading_StillReads_BecauseLoadingCopies()
    {
        var path = Path.Combine(Path.GetTempPath(), $"neuralcore-{Guid.NewGuid():N}.safetensors");
        using (var values = Tensor.Arange(1000, dtype: DType.Float32))
            NeuralCore.IO.SafeTensors.Save(new Dictionary<string, Tensor> { ["x"] = values }, path);
        var outcome = Probe.Run("safetensors-truncate-after-load", path);
        outcome.Kind.Should().Be("ok", outcome.ToString());
        outcome.Detail.Should().Be("x=499500");
        File.Delete(path);
    }

    [Fact]
    public void FromMemory_WithAShapeWhoseProductWraps_ThrowsArgumentException()
    {
        var outcome = Probe.Run("from-memory", "4611686018427387905", "4");
        outcome.Kind.Should().Be("exception", outcome.ToString());
        outcome.Type.Should().Be(nameof(ArgumentException));
        outcome.Message.Should().Contain("more elements than Int64 can count");
    }

    [Fact]
    public void IntegerRemainder_OfTheMinimumByMinusOne_IsZero()
    {
        var outcome = Probe.Run("remainder");
        outcome.Kind.Should().Be("ok", outcome.ToString());
        outcome.Detail.Should().Be("0,0,1,0,0,0,0,0");  // [min, 7, -7] % [-1, -1, 2]; the same % -1; int32; in place
    }

    [Fact]
    public void IntegerRemainder_ByZero_ThrowsTorchException()
    {
        using var values = Tensor.FromArray(new long[] { 5, 6 });
        using var zeros = Tensor.Zeros([2], DType.Int64);
        var byTensor = () => values % zeros;
        byTensor.Should().Throw<TorchException>().WithMessage("*ZeroDivisionError*");
        var byScalar = () => values % 0;
        byScalar.Should().Throw<TorchException>().WithMessage("*ZeroDivisionError*");
    }
}
