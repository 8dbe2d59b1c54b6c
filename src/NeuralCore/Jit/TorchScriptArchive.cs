using System.IO.Compression;
using NeuralCore.IO;

namespace NeuralCore.Jit;

/// <summary>
/// Checks a TorchScript archive before libtorch reads it. libtorch trusts the archive: a tensor record shorter than the
/// storage its pickle declares is read past its end during forward, and an entry's declared size is allocated before
/// anything is inflated. So every entry's declared size must be one deflate can produce from its compressed bytes, and
/// every storage that data.pkl or constants.pkl refers to must exist with exactly the bytes its element count needs.
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
            var data = archive.Entries.FirstOrDefault(e => e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal) || e.FullName == "data.pkl");
            if (data is null) return;  // not TorchScript: libtorch says so
            var prefix = data.FullName[..^"data.pkl".Length];
            CheckStorages(path, archive, data, [prefix + "data/"]);
            if (archive.GetEntry(prefix + "constants.pkl") is { } constants) CheckStorages(path, archive, constants, [prefix + "constants/", prefix + "data/"]);
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
