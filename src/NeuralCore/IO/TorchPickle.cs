using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace NeuralCore.IO;

/// <summary>
/// Reads the zip files of <c>torch.save</c> (Python, PyTorch ≥ 1.6) and <c>torch::pickle_save</c> (C++) in managed code:
/// <c>data.pkl</c> is unpickled with the few globals a state dict uses, and storages are read from <c>data/&lt;key&gt;</c>.
/// </summary>
internal sealed class TorchPickle
{
    private sealed record Global(string Module, string Name);
    private sealed record StorageReference(string Key, DType? DType, long Count);
    private sealed class Opaque;
    private sealed class PyDict : List<KeyValuePair<object, object?>>;
    private sealed class Mark;

    private readonly string path;
    private readonly ZipArchive archive;
    private readonly string prefix;
    private readonly Dictionary<string, Tensor> storages = [];
    private readonly List<Tensor> created = [];

    // Scanning: any global is allowed and yields an opaque object; storages are recorded, never read.
    private readonly List<StorageReference>? scanned;

    private TorchPickle(string path, ZipArchive archive, string prefix, bool scan = false) =>
        (this.path, this.archive, this.prefix, scanned) = (path, archive, prefix, scan ? [] : null);

    /// <summary>
    /// The storages a pickle of <paramref name="archive"/> (a TorchScript data.pkl or constants.pkl) refers to: key, dtype
    /// (null for a storage type this reader does not know) and element count. Nothing is executed or read but the pickle.
    /// </summary>
    /// <exception cref="InvalidDataException">The pickle is malformed; the message names the file.</exception>
    public static IReadOnlyList<(string Key, DType? DType, long Count)> ScanStorages(string path, ZipArchive archive, ZipArchiveEntry pickle)
    {
        var reader = new TorchPickle(path, archive, "", scan: true);
        try
        {
            reader.Unpickle(reader.ReadAll(pickle, pickle.Length <= MaxPickleBytes ? pickle.Length
                : throw new InvalidDataException($"{pickle.FullName} declares {pickle.Length} bytes")));
        }
        catch (Exception e) when (e is not (OutOfMemoryException or TorchOutOfMemoryException))
        {
            throw new InvalidDataException($"{path}: {pickle.FullName} is malformed ({e.GetType().Name}: {e.Message})", e);
        }
        return reader.scanned!.Select(s => (s.Key, s.DType, s.Count)).ToList();
    }

    /// <summary>The named tensors of the file, in file order; every tensor is new and owned by the caller.</summary>
    public static OrderedDictionary<string, Tensor> ReadStateDict(string path)
    {
        ZipArchive archive;
        try
        {
            archive = ZipFile.OpenRead(path);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: not a PyTorch checkpoint (expected the zip format torch.save writes since PyTorch 1.6): {e.Message}", e);
        }
        using (archive)
        {
            var pickle = archive.Entries.FirstOrDefault(e => e.FullName.EndsWith("data.pkl", StringComparison.Ordinal))
                ?? throw new InvalidDataException($"{path}: the zip holds no data.pkl, so it is not a PyTorch checkpoint");
            var reader = new TorchPickle(path, archive, pickle.FullName[..^"data.pkl".Length]);
            using var scope = TensorScope.Begin();
            object? root;
            try
            {
                root = reader.Unpickle(reader.ReadAll(pickle, pickle.Length <= MaxPickleBytes ? pickle.Length
                    : throw new InvalidDataException($"{path}: data.pkl declares {pickle.Length} bytes; a state dict's pickle is far smaller")));
            }
            catch (InvalidDataException e) when (!e.Message.StartsWith(path, StringComparison.Ordinal))
            {
                throw new InvalidDataException($"{path}: {e.Message}", e);
            }
            catch (Exception e) when (e is not (InvalidDataException or OutOfMemoryException or TorchOutOfMemoryException))
            {
                // Whatever a crafted pickle provokes (an unset memo slot, SETITEM on None, a wrong type, a bad view) is bad data.
                throw new InvalidDataException($"{path}: data.pkl is truncated or corrupt ({e.GetType().Name}: {e.Message})", e);
            }
            var result = new OrderedDictionary<string, Tensor>();
            switch (root)
            {
                case PyDict dict:
                    foreach (var (key, value) in dict)
                    {
                        if (key is not string name || value is not Tensor tensor)
                            throw new InvalidDataException($"{path}: expected a dict of str to Tensor, found an entry {Describe(key)}: {Describe(value)}");
                        result[name] = scope.Keep(tensor.Alias());
                    }
                    break;
                case List<object?> list:
                    for (var i = 0; i < list.Count; i++)
                        result[i.ToString(System.Globalization.CultureInfo.InvariantCulture)] = list[i] is Tensor t
                            ? scope.Keep(t.Alias())
                            : throw new InvalidDataException($"{path}: expected a list of tensors, element {i} is {Describe(list[i])}");
                    break;
                default:
                    throw new InvalidDataException($"{path}: holds {Describe(root)}, not a dict of tensors");
            }
            foreach (var tensor in result.Values) TensorScope.Unregister(tensor);
            return result;
        }
    }

    private static string Describe(object? value) => value switch
    {
        null => "None",
        Tensor => "a Tensor",
        string s => $"'{s}'",
        _ => $"a {value.GetType().Name}",
    };

    private const long MaxPickleBytes = 1L << 30;

    // Reads exactly the bytes an entry must hold. The size is checked against the zip's declared size before anything is
    // inflated, and the read stops there, so an entry that inflates to far more than it declares costs nothing.
    private byte[] ReadAll(ZipArchiveEntry entry, long expected)
    {
        if (entry.Length != expected)
            throw new InvalidDataException($"{path}: {entry.FullName} holds {entry.Length} bytes, expected {expected}");
        if (expected > Array.MaxLength)
            throw new InvalidDataException($"{path}: {entry.FullName} is {expected} bytes, more than one .NET array holds");
        var bytes = new byte[expected];
        using var stream = entry.Open();
        try
        {
            stream.ReadExactly(bytes);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"{path}: {entry.FullName} ends before its declared {expected} bytes", e);
        }
        if (stream.ReadByte() >= 0) throw new InvalidDataException($"{path}: {entry.FullName} inflates to more than its declared {expected} bytes");
        return bytes;
    }

    private object? Unpickle(byte[] data)
    {
        var stack = new List<object?>();
        var memo = new Dictionary<long, object?>();
        var position = 0;
        object? Pop()
        {
            var value = stack[^1];
            stack.RemoveAt(stack.Count - 1);
            return value;
        }
        List<object?> PopToMark()
        {
            var mark = stack.FindLastIndex(item => item is Mark);
            if (mark < 0) throw new InvalidDataException($"{path}: data.pkl pops past its mark");
            var items = stack.GetRange(mark + 1, stack.Count - mark - 1);
            stack.RemoveRange(mark, stack.Count - mark);
            return items;
        }
        ReadOnlySpan<byte> Take(int count)
        {
            if (position + count > data.Length) throw new EndOfStreamException("unexpected end of data.pkl");
            var span = data.AsSpan(position, count);
            position += count;
            return span;
        }
        string Line()
        {
            var end = Array.IndexOf(data, (byte)'\n', position);
            if (end < 0) throw new EndOfStreamException("unterminated line in data.pkl");
            var text = Encoding.ASCII.GetString(data, position, end - position);
            position = end + 1;
            return text;
        }

        while (true)
        {
            var opcode = Take(1)[0];
            switch (opcode)
            {
                case 0x80: Take(1); break;                                                     // PROTO
                case 0x95: Take(8); break;                                                     // FRAME
                case (byte)'.': return Pop();                                                  // STOP
                case (byte)'(': stack.Add(new Mark()); break;                                  // MARK
                case (byte)'}': stack.Add(new PyDict()); break;                                // EMPTY_DICT
                case (byte)']': stack.Add(new List<object?>()); break;                         // EMPTY_LIST
                case (byte)')': stack.Add(Array.Empty<object?>()); break;                      // EMPTY_TUPLE
                case (byte)'N': stack.Add(null); break;                                        // NONE
                case 0x88: stack.Add(true); break;                                             // NEWTRUE
                case 0x89: stack.Add(false); break;                                            // NEWFALSE
                case (byte)'K': stack.Add((long)Take(1)[0]); break;                            // BININT1
                case (byte)'M': stack.Add((long)BinaryPrimitives.ReadUInt16LittleEndian(Take(2))); break; // BININT2
                case (byte)'J': stack.Add((long)BinaryPrimitives.ReadInt32LittleEndian(Take(4))); break;  // BININT
                case 0x8a:                                                                     // LONG1
                {
                    var length = Take(1)[0];
                    var bytes = Take(length);
                    long value = 0;
                    for (var i = length - 1; i >= 0; i--) value = (value << 8) | bytes[i];
                    if (length is > 0 and < 8 && (bytes[length - 1] & 0x80) != 0) value -= 1L << (8 * length);
                    stack.Add(value);
                    break;
                }
                case (byte)'G': stack.Add(BinaryPrimitives.ReadDoubleBigEndian(Take(8))); break; // BINFLOAT
                case (byte)'X': { var n = BinaryPrimitives.ReadInt32LittleEndian(Take(4)); stack.Add(Encoding.UTF8.GetString(Take(n))); break; } // BINUNICODE
                case 0x8c: { var n = Take(1)[0]; stack.Add(Encoding.UTF8.GetString(Take(n))); break; }   // SHORT_BINUNICODE
                case (byte)'q': memo[Take(1)[0]] = stack[^1]; break;                           // BINPUT
                case (byte)'r': memo[BinaryPrimitives.ReadUInt32LittleEndian(Take(4))] = stack[^1]; break; // LONG_BINPUT
                case 0x94: memo[memo.Count] = stack[^1]; break;                                // MEMOIZE
                case (byte)'h': stack.Add(memo[Take(1)[0]]); break;                            // BINGET
                case (byte)'j': stack.Add(memo[BinaryPrimitives.ReadUInt32LittleEndian(Take(4))]); break; // LONG_BINGET
                case (byte)'c': { var module = Line(); stack.Add(new Global(module, Line())); break; } // GLOBAL
                case 0x93: { var name = (string)Pop()!; stack.Add(new Global((string)Pop()!, name)); break; } // STACK_GLOBAL
                case (byte)'t': stack.Add(PopToMark().ToArray()); break;                       // TUPLE
                case 0x85: stack.Add(new[] { Pop() }); break;                                  // TUPLE1
                case 0x86: { var b = Pop(); stack.Add(new[] { Pop(), b }); break; }            // TUPLE2
                case 0x87: { var c = Pop(); var b = Pop(); stack.Add(new[] { Pop(), b, c }); break; } // TUPLE3
                case (byte)'l': stack.Add(PopToMark()); break;                                 // LIST
                case (byte)'a': { var item = Pop(); if (!Scanning(stack[^1])) ((List<object?>)stack[^1]!).Add(item); break; } // APPEND
                case (byte)'e': { var items = PopToMark(); if (!Scanning(stack[^1])) ((List<object?>)stack[^1]!).AddRange(items); break; } // APPENDS
                case (byte)'d': { var items = PopToMark(); var dict = new PyDict(); for (var i = 0; i < items.Count; i += 2) dict.Add(new(items[i]!, items[i + 1])); stack.Add(dict); break; } // DICT
                case (byte)'s': { var value = Pop(); var key = Pop(); if (!Scanning(stack[^1])) ((PyDict)stack[^1]!).Add(new(key!, value)); break; } // SETITEM
                case (byte)'u': { var items = PopToMark(); if (Scanning(stack[^1])) break; var dict = (PyDict)stack[^1]!; for (var i = 0; i < items.Count; i += 2) dict.Add(new(items[i]!, items[i + 1])); break; } // SETITEMS
                case (byte)'Q': stack.Add(PersistentLoad(Pop())); break;                       // BINPERSID
                case (byte)'R': { var arguments = (object?[])Pop()!; stack.Add(Call(Pop(), arguments)); break; } // REDUCE
                case 0x81: { var arguments = (object?[])Pop()!; stack.Add(Call(Pop(), arguments)); break; } // NEWOBJ
                case (byte)'b': Pop(); break;                                                  // BUILD: state of OrderedDict/tensor, unused
                default:
                    throw new InvalidDataException($"{path}: unsupported pickle opcode 0x{opcode:x2} at byte {position - 1} of data.pkl");
            }
        }
    }

    // Scanning walks objects of classes it does not model; filling one of those is not an error.
    private bool Scanning(object? target) => scanned is not null && target is Opaque;

    private object PersistentLoad(object? id)
    {
        if (id is not object?[] { Length: >= 5 } tuple || tuple[0] is not "storage")
            throw new InvalidDataException($"{path}: unsupported persistent id in data.pkl");
        var type = tuple[1] switch
        {
            Global g => g.Name,
            string s => s,
            _ => throw new InvalidDataException($"{path}: unsupported storage type"),
        };
        var reference = new StorageReference((string)tuple[2]!, scanned is not null && !KnownStorage(type) ? null : StorageDType(type), (long)tuple[4]!);
        scanned?.Add(reference);
        return reference;
    }

    private static bool KnownStorage(string type) => type is "FloatStorage" or "DoubleStorage" or "HalfStorage" or "BFloat16Storage" or "LongStorage"
        or "IntStorage" or "ShortStorage" or "CharStorage" or "ByteStorage" or "BoolStorage";

    private DType StorageDType(string type) => type switch
    {
        "FloatStorage" => DType.Float32,
        "DoubleStorage" => DType.Float64,
        "HalfStorage" => DType.Float16,
        "BFloat16Storage" => DType.BFloat16,
        "LongStorage" => DType.Int64,
        "IntStorage" => DType.Int32,
        "ShortStorage" => DType.Int16,
        "CharStorage" => DType.Int8,
        "ByteStorage" => DType.UInt8,
        "BoolStorage" => DType.Bool,
        _ => throw new InvalidDataException($"{path}: storage type {type} is not supported"),
    };

    private object? Call(object? callable, object?[] arguments)
    {
        if (callable is not Global global) throw new InvalidDataException($"{path}: data.pkl calls something that is not a global");
        if (scanned is not null) return (global.Module, global.Name) == ("collections", "OrderedDict") ? new PyDict() : new Opaque();
        return (global.Module, global.Name) switch
        {
            ("collections", "OrderedDict") => new PyDict(),
            ("torch._utils", "_rebuild_tensor_v2") => RebuildTensor(arguments),
            ("torch._utils", "_rebuild_parameter") => arguments[0],
            ("torch._utils", "_rebuild_parameter_with_state") => arguments[0],
            ("torch.jit._pickle", "restore_type_tag") => arguments[0],
            _ => throw new InvalidDataException($"{path}: data.pkl needs {global.Module}.{global.Name}, which a state dict of tensors does not use"),
        };
    }

    private Tensor RebuildTensor(object?[] arguments)
    {
        var storage = (StorageReference)arguments[0]!;
        var dtype = storage.DType ?? throw new InvalidDataException($"{path}: storage data/{storage.Key} has an unknown type");
        var offset = (long)arguments[1]!;
        var sizes = ((object?[])arguments[2]!).Select(v => (long)v!).ToArray();
        var strides = ((object?[])arguments[3]!).Select(v => (long)v!).ToArray();
        if (!storages.TryGetValue(storage.Key, out var flat))
        {
            var entry = archive.GetEntry(prefix + "data/" + storage.Key)
                ?? throw new InvalidDataException($"{path}: storage data/{storage.Key} is missing from the zip");
            if (storage.Count < 0) throw new InvalidDataException($"{path}: storage data/{storage.Key} declares {storage.Count} elements");
            var expected = checked(storage.Count * dtype.ElementSize());
            var bytes = ReadAll(entry, expected);
            flat = Tensor.FromBytes(bytes, dtype, [storage.Count]);
            storages[storage.Key] = flat;
        }
        return flat.AsStrided(sizes, strides, offset);
    }
}
