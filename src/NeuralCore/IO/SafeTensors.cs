using System.Buffers.Binary;
using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using NeuralCore.Interop;
using NeuralCore.Interop.Handles;

namespace NeuralCore.IO;

/// <summary>
/// The safetensors format (Hugging Face): an 8-byte little-endian header length, a JSON header naming each tensor's
/// dtype, shape and byte range, then the raw data. Loading validates the whole header first (sizes with overflow-safe
/// arithmetic, ranges inside the file, no two tensors overlapping) and then reads the data into memory the tensors own;
/// with <c>mmap: true</c> the tensors read a copy-on-write mapping of the file instead.
/// </summary>
public static class SafeTensors
{
    private static readonly Dictionary<DType, string> Codes = new()
    {
        [DType.Float64] = "F64", [DType.Float32] = "F32", [DType.Float16] = "F16", [DType.BFloat16] = "BF16",
        [DType.Int64] = "I64", [DType.Int32] = "I32", [DType.Int16] = "I16", [DType.Int8] = "I8", [DType.UInt8] = "U8", [DType.Bool] = "BOOL",
    };

    /// <summary>Writes <paramref name="tensors"/> to <paramref name="path"/> atomically (a temporary file flushed to disk, then renamed).</summary>
    public static void Save(IEnumerable<KeyValuePair<string, Tensor>> tensors, string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentException.ThrowIfNullOrEmpty(path);
        var entries = tensors.ToList();
        var header = new JsonObject();
        if (metadata is not null) header["__metadata__"] = new JsonObject(metadata.Select(m => KeyValuePair.Create(m.Key, (JsonNode?)JsonValue.Create(m.Value))));
        long offset = 0;
        var blobs = new List<byte[]>();
        foreach (var (name, tensor) in entries)
        {
            if (!Codes.TryGetValue(tensor.DType, out var code)) throw new NotSupportedException($"{name}: dtype {tensor.DType.Name()} has no safetensors code");
            var bytes = RawBytes(tensor);
            header[name] = new JsonObject
            {
                ["dtype"] = code,
                ["shape"] = new JsonArray(tensor.Shape.Select(s => (JsonNode?)JsonValue.Create(s)).ToArray()),
                ["data_offsets"] = new JsonArray(JsonValue.Create(offset), JsonValue.Create(offset + bytes.Length)),
            };
            offset += bytes.Length;
            blobs.Add(bytes);
        }
        var json = Encoding.UTF8.GetBytes(header.ToJsonString());
        var padded = (json.Length + 7) / 8 * 8;  // the data starts 8-byte aligned
        var prefix = new byte[8 + padded];
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)padded);
        json.CopyTo(prefix, 8);
        prefix.AsSpan(8 + json.Length).Fill((byte)' ');
        LibTorch.IOWriteFile(Path.GetFullPath(path), [prefix, .. blobs]);
    }

    private static byte[] RawBytes(Tensor tensor)
    {
        using var contiguous = tensor.Detach().Cpu().Contiguous();
        var bytes = new byte[contiguous.NumberOfElements * tensor.DType.ElementSize()];
        LibTorch.TensorCopyToBuffer<byte>(contiguous, tensor.DType, bytes);
        return bytes;
    }

    /// <summary>Reads every tensor of <paramref name="path"/>, in header order.</summary>
    /// <param name="path">The file.</param>
    /// <param name="mmap">
    /// False (default): the data is read into memory the tensors own. True: the tensors read a copy-on-write mapping of
    /// the file (no copy; writing to a tensor never changes the file), as <c>torch.load(mmap=True)</c>. The hazard is the
    /// operating system's: if the file is truncated or rewritten in place while such tensors live (<c>cp new old</c>
    /// does that), reading them kills the process with SIGBUS. Replace files by renaming a new one over them instead.
    /// </param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The header is malformed, a size overflows, a tensor's bytes fall outside the
    /// file or overlap another's, or the file ends early; the message names the file (and the tensor).</exception>
    public static OrderedDictionary<string, Tensor> Load(string path, bool mmap = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"safetensors file not found: {path}", path);
        var fileLength = new FileInfo(path).Length;
        if (fileLength < 8) throw new InvalidDataException($"{path}: too short for a safetensors file ({fileLength} bytes)");
        ulong headerLength;
        byte[] headerBytes;
        using (var file = File.OpenRead(path))
        {
            Span<byte> length = stackalloc byte[8];
            file.ReadExactly(length);
            headerLength = BinaryPrimitives.ReadUInt64LittleEndian(length);
            if (headerLength > (ulong)(fileLength - 8) || headerLength > 100_000_000)
                throw new InvalidDataException($"{path}: header length {headerLength} does not fit the file ({fileLength} bytes); not a safetensors file");
            headerBytes = new byte[headerLength];
            file.ReadExactly(headerBytes);
        }
        var dataStart = 8 + (long)headerLength;
        var entries = ReadHeader(path, headerBytes, fileLength - dataStart);

        var result = new OrderedDictionary<string, Tensor>();
        try
        {
            if (mmap) LoadMapped(path, dataStart, entries, result);
            else
                foreach (var (name, dtype, shape, begin, _) in entries)
                    result.Add(name, ReadOwned(path, dataStart + begin, shape, dtype, name));
        }
        catch
        {
            foreach (var tensor in result.Values) tensor.Dispose();
            throw;
        }
        return result;
    }

    private static Tensor ReadOwned(string path, long offset, long[] shape, DType dtype, string name)
    {
        try
        {
            return LibTorch.IOReadTensor(path, offset, shape, dtype);
        }
        catch (TorchException e) when (e is not TorchOutOfMemoryException)
        {
            throw new InvalidDataException($"{path}: tensor '{name}': {e.Message}", e);
        }
    }

    private static void LoadMapped(string path, long dataStart, List<(string Name, DType DType, long[] Shape, long Begin, long End)> entries,
        OrderedDictionary<string, Tensor> result)
    {
        var mapping = MappedFile.Open(path);
        try
        {
            foreach (var (name, dtype, shape, begin, _) in entries)
            {
                var tensor = mapping.Tensor(dataStart + begin, shape, dtype);
                TensorScope.Unregister(tensor);
                result.Add(name, tensor);
            }
        }
        finally
        {
            mapping.Release();  // the tensors hold their own references
        }
    }

    // Everything about the header is checked before any tensor exists.
    private static List<(string Name, DType DType, long[] Shape, long Begin, long End)> ReadHeader(string path, byte[] headerBytes, long dataLength)
    {
        JsonObject header;
        try
        {
            var text = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(headerBytes);
            header = JsonNode.Parse(text) as JsonObject ?? throw new InvalidDataException("the header is not a JSON object");
            _ = header.Count;  // JsonObject builds its dictionary lazily: duplicate keys surface here
        }
        catch (Exception e) when (e is JsonException or DecoderFallbackException or ArgumentException or InvalidOperationException)
        {
            throw new InvalidDataException($"{path}: the header is not a valid JSON object ({e.Message}); not a safetensors file", e);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}; not a safetensors file", e);
        }
        var entries = new List<(string Name, DType DType, long[] Shape, long Begin, long End)>();
        foreach (var (name, node) in header)
        {
            if (name == "__metadata__") continue;
            try
            {
                var code = node!["dtype"]!.GetValue<string>();
                var dtype = Codes.FirstOrDefault(c => c.Value == code).Key;
                if (!Codes.ContainsKey(dtype) || Codes[dtype] != code) throw new InvalidDataException($"dtype {code} is not supported");
                var shape = node["shape"]!.AsArray().Select(s => s!.GetValue<long>()).ToArray();
                if (shape.Any(s => s < 0)) throw new InvalidDataException($"shape [{string.Join(", ", shape)}] has a negative size");
                var offsets = node["data_offsets"]!.AsArray().Select(o => o!.GetValue<long>()).ToArray();
                long expected;
                try
                {
                    expected = shape.Contains(0) ? 0 : checked(shape.Aggregate(1L, (a, b) => a * b) * dtype.ElementSize());
                }
                catch (OverflowException)
                {
                    throw new InvalidDataException($"shape [{string.Join(", ", shape)}] needs more bytes than a file can hold");
                }
                if (offsets.Length != 2 || offsets[0] < 0 || offsets[1] > dataLength || offsets[1] - offsets[0] != expected)
                    throw new InvalidDataException($"its byte range [{string.Join(", ", offsets)}] does not hold {expected} bytes within the {dataLength} bytes of data");
                entries.Add((name, dtype, shape, offsets[0], offsets[1]));
            }
            catch (Exception e) when (e is InvalidOperationException or NullReferenceException or FormatException or ArgumentException)
            {
                throw new InvalidDataException($"{path}: tensor '{name}': {e.Message}", e);
            }
            catch (InvalidDataException e)
            {
                throw new InvalidDataException($"{path}: tensor '{name}': {e.Message}", e);
            }
        }
        // The format forbids overlapping tensors: they would alias each other.
        var ordered = entries.Where(e => e.End > e.Begin).OrderBy(e => e.Begin).ToList();
        for (var i = 1; i < ordered.Count; i++)
            if (ordered[i].Begin < ordered[i - 1].End)
                throw new InvalidDataException($"{path}: tensors '{ordered[i - 1].Name}' [{ordered[i - 1].Begin}, {ordered[i - 1].End}) and " +
                    $"'{ordered[i].Name}' [{ordered[i].Begin}, {ordered[i].End}) overlap; not a valid safetensors file");
        return entries;
    }
}
