using System.IO.Compression;
using NeuralCore.IO;

namespace NeuralCore.Tests;

/// <summary>Crafted checkpoints: every malformed one is an InvalidDataException naming the file, refused before it costs memory.</summary>
public class CheckpointReaderTests
{
    private static string Checkpoint()
    {
        var path = Path.Combine(Path.GetTempPath(), $"neuralcore-{Guid.NewGuid():N}.pt");
        using var values = Tensor.Arange(4, dtype: DType.Float32);
        Serialization.Save(new Dictionary<string, Tensor> { ["w"] = values }, path);
        return path;
    }

    // Rewrites the zip with one entry's content replaced.
    private static void Replace(string path, Func<string, bool> which, Action<Stream> write)
    {
        var copy = path + ".rewritten";
        using (var source = ZipFile.OpenRead(path))
        using (var target = ZipFile.Open(copy, ZipArchiveMode.Create))
            foreach (var entry in source.Entries)
            {
                using var output = target.CreateEntry(entry.FullName).Open();
                if (which(entry.FullName)) write(output);
                else
                    using (var input = entry.Open())
                        input.CopyTo(output);
            }
        File.Move(copy, path, overwrite: true);
    }

    [Theory]
    [InlineData(new byte[] { 0x80, 0x02, (byte)'h', 5, (byte)'.' }, "KeyNotFoundException")]                           // BINGET of an unset memo slot
    [InlineData(new byte[] { 0x80, 0x02, (byte)'N', (byte)'K', 1, (byte)'K', 2, (byte)'s', (byte)'.' }, "NullReferenceException")]  // SETITEM on None
    [InlineData(new byte[] { 0x80, 0x02, (byte)'K', 1, (byte)'a', (byte)'.' }, "")]                                     // APPEND to an int
    [InlineData(new byte[] { 0x80, 0x02, (byte)'.' }, "")]                                                             // STOP on an empty stack
    [InlineData(new byte[] { 0x80, 0x02, (byte)'c', (byte)'o', (byte)'s', (byte)'\n', (byte)'s', (byte)'y', (byte)'s', (byte)'t', (byte)'e', (byte)'m', (byte)'\n', (byte)')', (byte)'R', (byte)'.' }, "os.system")]
    public void MalformedPickles_GiveInvalidDataExceptionNamingTheFile(byte[] pickle, string detail)
    {
        var path = Checkpoint();
        Replace(path, name => name.EndsWith("data.pkl", StringComparison.Ordinal), stream => stream.Write(pickle));
        var act = () => Serialization.Load(path);
        act.Should().Throw<InvalidDataException>().WithMessage($"{path}:*{detail}*");
        File.Delete(path);
    }

    [Fact]
    public void AStorageEntryThatInflatesFarBeyondItsStorage_IsRefusedBeforeInflating()
    {
        var path = Checkpoint();
        Replace(path, name => name.Contains("/data/", StringComparison.Ordinal), stream =>
        {
            var zeros = new byte[1 << 20];
            for (var i = 0; i < 256; i++) stream.Write(zeros);  // 256 MiB that deflate to a few hundred KiB
        });
        new FileInfo(path).Length.Should().BeLessThan(2 << 20);
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var act = () => Serialization.Load(path);
        act.Should().Throw<InvalidDataException>().WithMessage($"{path}:*holds 268435456 bytes, expected 16*");
        (GC.GetAllocatedBytesForCurrentThread() - allocated).Should().BeLessThan(16 << 20, "nothing was inflated");
        File.Delete(path);
    }

    [Fact]
    public void AStaleTemporaryFileOfAKilledSave_IsGoneAfterTheNextSave()
    {
        var path = Path.Combine(Path.GetTempPath(), $"neuralcore-{Guid.NewGuid():N}.pt");
        File.WriteAllBytes(path + ".tmp", new byte[1 << 20]);
        using var values = Tensor.Ones(3);
        Serialization.Save(new Dictionary<string, Tensor> { ["w"] = values }, path);
        File.Exists(path + ".tmp").Should().BeFalse();
        File.WriteAllBytes(path + ".st.tmp", new byte[1 << 20]);
        SafeTensors.Save(new Dictionary<string, Tensor> { ["w"] = values }, path + ".st");
        File.Exists(path + ".st.tmp").Should().BeFalse();
        Serialization.Load(path)["w"].ToArray<float>().Should().Equal(1, 1, 1);
        File.Delete(path);
        File.Delete(path + ".st");
    }
}
