using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace NeuralCore.Tests;

/// <summary>Crafted TorchScript archives are refused before libtorch reads them (each run in a child process).</summary>
public class TorchScriptArchiveTests
{
    private static string Fixture(string name) => Path.Combine(Support.TestPaths.Directory, "Fixtures", "interop", name);

    private static string Copy()
    {
        var path = Path.Combine(Path.GetTempPath(), $"neuralcore-{Guid.NewGuid():N}.pt");
        File.Copy(Fixture("traced_cnn.pt"), path);
        return path;
    }

    [Fact]
    public void AnUnchangedArchive_StillLoadsAndRuns()
    {
        var outcome = Probe.Run("torchscript-forward", Fixture("traced_cnn.pt"), "1", "1", "28", "28");
        outcome.Kind.Should().Be("ok", outcome.ToString());
    }

    [Fact]
    public void ATensorRecordShorterThanItsStorage_IsRefused()
    {
        var path = Copy();
        var rewritten = path + ".new";
        using (var source = ZipFile.OpenRead(path))
        using (var target = ZipFile.Open(rewritten, ZipArchiveMode.Create))
        {
            var victim = source.Entries.Where(e => e.FullName.Contains("/data/", StringComparison.Ordinal)).MaxBy(e => e.Length)!;
            foreach (var entry in source.Entries)
            {
                using var input = entry.Open();
                var bytes = new MemoryStream();
                input.CopyTo(bytes);
                using var output = target.CreateEntry(entry.FullName, CompressionLevel.NoCompression).Open();
                output.Write(bytes.ToArray().AsSpan(0, (int)bytes.Length - (entry == victim ? 4 : 0)));
            }
        }
        File.Move(rewritten, path, overwrite: true);
        var outcome = Probe.Run("torchscript-forward", path, "1", "1", "28", "28");
        outcome.Kind.Should().Be("exception", outcome.ToString());
        outcome.Type.Should().Be(nameof(InvalidDataException));
        outcome.Message.Should().Contain(path).And.Contain("bytes, but").And.Contain("data.pkl declares");
        File.Delete(path);
    }

    [Fact]
    public void AnEntryDeclaringGigabytesItCannotHold_IsRefusedBeforeLibtorchAllocatesThem()
    {
        var path = Copy();
        var bytes = File.ReadAllBytes(path);
        var patched = 0;
        // Set the uncompressed size of every code entry to 4 GB, in its local header and its central directory record.
        for (var i = 0; i + 46 < bytes.Length; i++)
        {
            var signature = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(i));
            var (nameLength, nameStart, sizeAt) = signature switch
            {
                0x04034b50 => (BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(i + 26)), i + 30, i + 22),
                0x02014b50 => (BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(i + 28)), i + 46, i + 24),
                _ => (0, 0, 0),
            };
            if (nameLength == 0 || nameStart + nameLength > bytes.Length) continue;
            var name = Encoding.UTF8.GetString(bytes, nameStart, nameLength);
            if (!name.EndsWith("/code/__torch__/fashion_mnist.py", StringComparison.Ordinal)) continue;
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(sizeAt), 0xF0000000);
            patched++;
        }
        patched.Should().Be(2, "the code entry has a local header and a central directory record");
        File.WriteAllBytes(path, bytes);
        var outcome = Probe.Run("torchscript-forward", path, "1", "1", "28", "28");
        outcome.Kind.Should().Be("exception", outcome.ToString());
        outcome.Type.Should().Be(nameof(InvalidDataException));
        outcome.Message.Should().Contain("4026531840 bytes").And.Contain("more than deflate can produce");
        File.Delete(path);
    }
}
