using System.IO.Compression;
using NeuralCore.IO;

namespace NeuralCore.Jit;

/// <summary>
/// Checks a TorchScript archive before libtorch reads it. libtorch trusts the archive: a tensor record shorter than the
/// storage its pickle declares is read past its end during forward, and an entry's declared size is allocated before
/// anything is inflated. So every entry's declared size must be one deflate can produce from its compressed bytes, and
/// every storage that data.pkl or constants.pkl refers to must exist with exactly the bytes its element count needs.
/// The serialized code is checked for the one construct known to crash libtorch 1.13's importer (found by fuzzing;
/// Python's torch.jit.load dies on it too): a class-level assignment without a type, other than the importer's own
/// <c>__parameters__</c>, <c>__buffers__</c> and hook lists.
/// </summary>
internal static class TorchScriptArchive
{
    // Deflate cannot expand more than about 1032:1.
    private const long MaxInflation = 1100;

    /// <exception cref="InvalidDataException">The archive is inconsistent; the message names the file and the entry.</exception>
    public static void Validate(string path)
    {
        ZipArchive archive;
        try
        {
            archive = ZipFile.OpenRead(path);
        }
        catch (InvalidDataException)
        {
            return;  // not a zip at all: libtorch refuses it cleanly
        }
        using (archive)
        {
            foreach (var entry in archive.Entries)
                if (entry.Length > entry.CompressedLength * MaxInflation + 4096)
                    throw new InvalidDataException($"{path}: {entry.FullName} declares {entry.Length} bytes from {entry.CompressedLength} compressed bytes, " +
                        "more than deflate can produce; refused before libtorch allocates it");
            foreach (var entry in archive.Entries.Where(e => e.FullName.Contains("/code/", StringComparison.Ordinal) && e.FullName.EndsWith(".py", StringComparison.Ordinal)))
                CheckCode(path, entry);
            var data = archive.Entries.FirstOrDefault(e => e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal) || e.FullName == "data.pkl");
            // Without code it is not TorchScript (a torch.save checkpoint, say): libtorch says so in its own words.
            if (data is null || !archive.Entries.Any(e => e.FullName.Contains("/code/", StringComparison.Ordinal))) return;
            var prefix = data.FullName[..^"data.pkl".Length];
            CheckStorages(path, archive, data, [prefix + "data/"]);
            if (archive.GetEntry(prefix + "constants.pkl") is { } constants) CheckStorages(path, archive, constants, [prefix + "constants/", prefix + "data/"]);
        }
    }

    private static readonly HashSet<string> ImporterAssignments = ["__parameters__", "__buffers__", "__forward_pre_hooks__", "__forward_hooks__"];

    private static readonly System.Text.RegularExpressions.Regex UntypedAssignment = new(@"^([A-Za-z_][A-Za-z0-9_]*)\s*=(?!=)");

    private static void CheckCode(string path, ZipArchiveEntry entry)
    {
        if (entry.Length > 64 << 20) throw new InvalidDataException($"{path}: {entry.FullName} declares {entry.Length} bytes of code");
        string[] lines;
        try
        {
            using var reader = new StreamReader(entry.Open(), new System.Text.UTF8Encoding(false, throwOnInvalidBytes: false));
            lines = reader.ReadToEnd().Split('\n');
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: {entry.FullName} cannot be read ({e.Message})", e);
        }
        string? bodyIndent = null;
        var inClass = false;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            if (line.Trim().Length == 0 || line.TrimStart().StartsWith('#')) continue;
            var indent = line[..(line.Length - line.TrimStart().Length)];
            if (indent.Length == 0)
            {
                (inClass, bodyIndent) = (line.StartsWith("class ", StringComparison.Ordinal), null);
                continue;
            }
            if (!inClass) continue;
            bodyIndent ??= indent;
            if (indent != bodyIndent) continue;
            var match = UntypedAssignment.Match(line[indent.Length..]);
            if (match.Success && !ImporterAssignments.Contains(match.Groups[1].Value))
                throw new InvalidDataException($"{path}: {entry.FullName} line {i + 1}: class attribute '{match.Groups[1].Value}' is assigned without a type, " +
                    "which crashes libtorch's importer; not a TorchScript archive PyTorch wrote");
        }
    }

    private static void CheckStorages(string path, ZipArchive archive, ZipArchiveEntry pickle, string[] folders)
    {
        foreach (var (key, dtype, count) in TorchPickle.ScanStorages(path, archive, pickle))
        {
            var record = folders.Select(folder => archive.GetEntry(folder + key)).FirstOrDefault(e => e is not null)
                ?? throw new InvalidDataException($"{path}: {pickle.FullName} refers to storage {key}, which the archive does not hold");
            if (count < 0) throw new InvalidDataException($"{path}: storage {key} declares {count} elements");
            if (dtype is not { } type) continue;
            long expected;
            try
            {
                expected = checked(count * type.ElementSize());
            }
            catch (OverflowException)
            {
                throw new InvalidDataException($"{path}: storage {key} declares {count} elements of {type.Name()}, more bytes than a file can hold");
            }
            if (record.Length != expected)
                throw new InvalidDataException($"{path}: {record.FullName} holds {record.Length} bytes, but {pickle.FullName} declares {count} × {type.Name()} = {expected}");
        }
    }
}
