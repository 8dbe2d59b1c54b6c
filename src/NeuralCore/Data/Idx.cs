using System.Buffers.Binary;
using System.IO.Compression;

namespace NeuralCore.Data;

/// <summary>Reads IDX files (the MNIST family's format), plain or gzip-compressed.</summary>
public static class Idx
{
    /// <summary>The unsigned-byte array in <paramref name="path"/> as a UInt8 tensor of its recorded shape.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not an unsigned-byte IDX file, or it is truncated.</exception>
    public static Tensor ReadBytes(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"IDX file not found: {path}", path);
        byte[] content;
        try
        {
            using var file = File.OpenRead(path);
            using Stream stream = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionMode.Decompress) : file;
            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            content = memory.ToArray();
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: not a valid gzip stream ({e.Message})", e);
        }
        if (content.Length < 4 || content[0] != 0 || content[1] != 0)
            throw new InvalidDataException($"{path}: not an IDX file (expected the magic bytes 00 00 at the start)");
        if (content[2] != 0x08)
            throw new InvalidDataException($"{path}: IDX element type 0x{content[2]:x2} is not supported (expected 0x08, unsigned bytes)");
        var dimensions = content[3];
        var headerLength = 4 + 4 * dimensions;
        if (dimensions == 0 || content.Length < headerLength)
            throw new InvalidDataException($"{path}: truncated IDX header ({content.Length} bytes, {dimensions} dimensions)");
        var shape = new long[dimensions];
        long expected = 1;
        for (var i = 0; i < dimensions; i++)
        {
            shape[i] = BinaryPrimitives.ReadUInt32BigEndian(content.AsSpan(4 + 4 * i));
            expected *= shape[i];
        }
        var available = content.Length - headerLength;
        if (available != expected)
            throw new InvalidDataException($"{path}: the header announces [{string.Join(", ", shape)}] = {expected} bytes of data, the file holds {available}");
        return Tensor.FromSpan<byte>(content.AsSpan(headerLength), shape);
    }
}
