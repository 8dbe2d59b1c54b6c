using System.IO.Compression;

/// <summary>
/// Seeded mutations of a reader's input: raw byte damage (flips, overwrites with boundary integers, truncation,
/// duplicated or removed runs) and, for zip-based formats, the same damage to one entry re-packed into a valid zip,
/// so that mutations reach the pickles behind the zip's checksums.
/// </summary>
public static class Mutator
{
    private static readonly long[] Boundaries = [0, 1, -1, 255, 0x7fff, 0xffff, int.MaxValue, int.MinValue, uint.MaxValue, long.MaxValue, long.MinValue, 1L << 62, (1L << 61) + 1];

    public static byte[] Mutate(byte[] original, Random random, bool zip)
    {
        if (zip && random.Next(3) != 0) return MutateEntry(original, random);
        return Damage(original, random);
    }

    public static byte[] Damage(byte[] original, Random random)
    {
        var data = new List<byte>(original);
        var edits = 1 + random.Next(4);
        for (var e = 0; e < edits && data.Count > 0; e++)
        {
            var at = random.Next(data.Count);
            switch (random.Next(6))
            {
                case 0:
                    data[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    data[at] = (byte)random.Next(256);
                    break;
                case 2:
                {
                    var bytes = BitConverter.GetBytes(Boundaries[random.Next(Boundaries.Length)]);
                    var width = new[] { 1, 2, 4, 8 }[random.Next(4)];
                    for (var i = 0; i < width && at + i < data.Count; i++) data[at + i] = bytes[i];
                    break;
                }
                case 3:
                    data.RemoveRange(at, data.Count - at);
                    break;
                case 4:
                {
                    var length = Math.Min(data.Count - at, 1 + random.Next(64));
                    data.InsertRange(random.Next(data.Count), data.GetRange(at, length));
                    break;
                }
                default:
                    data.RemoveRange(at, Math.Min(data.Count - at, 1 + random.Next(16)));
                    break;
            }
        }
        return data.ToArray();
    }

    private static byte[] MutateEntry(byte[] original, Random random)
    {
        try
        {
            using var source = new ZipArchive(new MemoryStream(original), ZipArchiveMode.Read);
            var entries = source.Entries.ToList();
            // Pickles and tensor records are where the interesting damage is.
            var preferred = entries.Where(e => e.FullName.EndsWith(".pkl", StringComparison.Ordinal) || e.FullName.Contains("/data/", StringComparison.Ordinal)).ToList();
            var pool = preferred.Count > 0 && random.Next(4) != 0 ? preferred : entries;
            var target = pool[random.Next(pool.Count)];
            var output = new MemoryStream();
            using (var repacked = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
                foreach (var entry in entries)
                {
                    using var input = entry.Open();
                    var content = new MemoryStream();
                    input.CopyTo(content);
                    var bytes = content.ToArray();
                    if (ReferenceEquals(entry, target)) bytes = Damage(bytes, random);
                    using var stream = repacked.CreateEntry(entry.FullName, CompressionLevel.NoCompression).Open();
                    stream.Write(bytes);
                }
            return output.ToArray();
        }
        catch (InvalidDataException)
        {
            return Damage(original, random);
        }
    }
}
