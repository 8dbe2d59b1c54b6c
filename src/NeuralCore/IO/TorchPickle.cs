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
        using var scope = TensorScope.Begin();
        var root = ReadRoot(path);
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

    /// <summary>
    /// The file's object as .NET values: dicts become <c>OrderedDictionary&lt;object, object?&gt;</c> (keys as saved: string,
    /// long, …), lists <c>List&lt;object?&gt;</c>, tuples <c>object?[]</c>, ints long, floats double, None null; tensors are
    /// new and owned by the caller (tensors that shared storage in the file share it again).
    /// </summary>
    public static object? ReadObject(string path)
    {
        using var scope = TensorScope.Begin();
        var converted = new Dictionary<object, object?>(ReferenceEqualityComparer.Instance);
        var result = Convert(ReadRoot(path));
        return result;

        object? Convert(object? value)
        {
            if (value is null || value is string || value is long || value is double || value is bool) return value;
            if (converted.TryGetValue(value, out var done)) return done;
            switch (value)
            {
                case Tensor tensor:
                {
                    var kept = scope.Keep(tensor.Alias());
                    TensorScope.Unregister(kept);
                    converted[value] = kept;
                    return kept;
                }
                case PyDict dict:
                {
                    var result = new OrderedDictionary<object, object?>();
                    converted[value] = result;
                    foreach (var (key, item) in dict) result[Convert(key) ?? throw new InvalidDataException($"{path}: a dict key is None")] = Convert(item);
                    return result;
                }
                case List<object?> list:
                {
                    var result = new List<object?>(list.Count);
                    converted[value] = result;
                    result.AddRange(list.Select(Convert));
                    return result;
                }
                case object?[] tuple:
                {
                    var result = new object?[tuple.Length];
                    converted[value] = result;
                    for (var i = 0; i < tuple.Length; i++) result[i] = Convert(tuple[i]);
                    return result;
                }
                default:
                    throw new InvalidDataException($"{path}: holds {Describe(value)}, which has no .NET form here");
            }
        }
    }

    // Opens the zip and unpickles data.pkl; tensors are created in the caller's scope.
    private static object? ReadRoot(string path)
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
            try
            {
                return reader.Unpickle(reader.ReadAll(pickle, pickle.Length <= MaxPickleBytes ? pickle.Length
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

/// <summary>
/// Writes an object tree in <c>torch.save</c>'s zip format (pickle protocol 2; storages as <c>data/&lt;key&gt;</c>), with only
/// the globals <c>torch.load(weights_only=True)</c> accepts: tensors through <c>torch._utils._rebuild_tensor_v2</c>.
/// </summary>
internal sealed class TorchPickleWriter
{
    private readonly MemoryStream pickle = new();
    private readonly List<(string Key, Tensor Data)> storages = [];

    public static void Write(object? value, string path)
    {
        var writer = new TorchPickleWriter();
        using var scope = TensorScope.Begin();
        writer.pickle.Write([0x80, 0x02]);  // PROTO 2
        writer.Value(value, 0);
        writer.pickle.WriteByte((byte)'.');  // STOP

        var full = Path.GetFullPath(path);
        var temporary = full + ".tmp-" + Guid.NewGuid().ToString("N");
        try
        {
            using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.ReadWrite))
            using (var zip = new ZipArchive(file, ZipArchiveMode.Create))
            {
                // The folder name is the archive's name to torch.load; it reads version, then data.pkl and data/<key>.
                void Entry(string name, ReadOnlySpan<byte> bytes)
                {
                    using var stream = zip.CreateEntry("archive/" + name, CompressionLevel.NoCompression).Open();
                    stream.Write(bytes);
                }
                Entry("data.pkl", writer.pickle.ToArray());
                Entry("byteorder", "little"u8);
                foreach (var (key, data) in writer.storages)
                {
                    var bytes = new byte[data.NumberOfElements * data.DType.ElementSize()];
                    Interop.LibTorch.TensorCopyToBuffer<byte>(data, data.DType, bytes);
                    Entry("data/" + key, bytes);
                }
                Entry("version", "3\n"u8);
            }
            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }

    private const int MaxDepth = 256;

    private void Value(object? value, int depth)
    {
        if (depth > MaxDepth) throw new ArgumentException($"the object nests deeper than {MaxDepth} levels (a cycle?)", nameof(value));
        switch (value)
        {
            case null:
                pickle.WriteByte((byte)'N');
                return;
            case bool flag:
                pickle.WriteByte(flag ? (byte)0x88 : (byte)0x89);
                return;
            case string text:
                Text(text);
                return;
            case Tensor tensor:
                TensorValue(tensor);
                return;
            case double or float or Half:
                Float(System.Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture));
                return;
            case long or int or short or sbyte or byte or ushort or uint:
                Integer(System.Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture));
                return;
            case ulong big:
                Integer(big <= long.MaxValue ? (long)big : throw new ArgumentException($"{big} does not fit a signed 64-bit int", nameof(value)));
                return;
            case System.Collections.IDictionary dictionary:
                pickle.WriteByte((byte)'}');
                if (dictionary.Count == 0) return;
                pickle.WriteByte((byte)'(');
                foreach (System.Collections.DictionaryEntry entry in dictionary)
                {
                    Value(entry.Key, depth + 1);
                    Value(entry.Value, depth + 1);
                }
                pickle.WriteByte((byte)'u');  // SETITEMS
                return;
            case System.Runtime.CompilerServices.ITuple tuple:
                Tuple(Enumerable.Range(0, tuple.Length).Select(i => tuple[i]).ToArray(), depth);
                return;
            case object?[] array:
                Tuple(array, depth);
                return;
            case System.Collections.IEnumerable items:
                pickle.WriteByte((byte)']');
                var list = items.Cast<object?>().ToList();
                if (list.Count == 0) return;
                pickle.WriteByte((byte)'(');
                foreach (var item in list) Value(item, depth + 1);
                pickle.WriteByte((byte)'e');  // APPENDS
                return;
            default:
                // Generic dictionaries that are not IDictionary (IReadOnlyDictionary implementations).
                var readOnly = value.GetType().GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>));
                if (readOnly is not null)
                {
                    pickle.WriteByte((byte)'}');
                    pickle.WriteByte((byte)'(');
                    foreach (var entry in (System.Collections.IEnumerable)value)
                    {
                        var type = entry!.GetType();
                        Value(type.GetProperty("Key")!.GetValue(entry), depth + 1);
                        Value(type.GetProperty("Value")!.GetValue(entry), depth + 1);
                    }
                    pickle.WriteByte((byte)'u');
                    return;
                }
                throw new ArgumentException($"a {value.GetType().Name} has no PyTorch form: use tensors, numbers, strings, bools, null, lists, tuples and dictionaries", nameof(value));
        }
    }

    private void Tuple(object?[] items, int depth)
    {
        if (items.Length == 0)
        {
            pickle.WriteByte((byte)')');
            return;
        }
        pickle.WriteByte((byte)'(');
        foreach (var item in items) Value(item, depth + 1);
        pickle.WriteByte((byte)'t');
    }

    private void Integer(long value)
    {
        switch (value)
        {
            case >= 0 and < 256:
                pickle.WriteByte((byte)'K');
                pickle.WriteByte((byte)value);
                return;
            case >= 0 and < 65536:
                pickle.WriteByte((byte)'M');
                Span<byte> two = stackalloc byte[2];
                BinaryPrimitives.WriteUInt16LittleEndian(two, (ushort)value);
                pickle.Write(two);
                return;
            case >= int.MinValue and <= int.MaxValue:
                pickle.WriteByte((byte)'J');
                Span<byte> four = stackalloc byte[4];
                BinaryPrimitives.WriteInt32LittleEndian(four, (int)value);
                pickle.Write(four);
                return;
            default:
                pickle.Write([0x8a, 8]);  // LONG1, 8 bytes of two's complement
                Span<byte> eight = stackalloc byte[8];
                BinaryPrimitives.WriteInt64LittleEndian(eight, value);
                pickle.Write(eight);
                return;
        }
    }

    private void Float(double value)
    {
        pickle.WriteByte((byte)'G');
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteDoubleBigEndian(bytes, value);
        pickle.Write(bytes);
    }

    private void Text(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        pickle.WriteByte((byte)'X');
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(length, bytes.Length);
        pickle.Write(length);
        pickle.Write(bytes);
    }

    private void Global(string module, string name) => pickle.Write(Encoding.ASCII.GetBytes($"c{module}\n{name}\n"));

    // _rebuild_tensor_v2(storage, offset, size, stride, requires_grad, backward_hooks) over a contiguous CPU copy.
    private void TensorValue(Tensor tensor)
    {
        var data = tensor.Detach().To(Device.Cpu).Contiguous();
        var key = storages.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        storages.Add((key, data));
        var shape = data.Shape;
        var strides = new long[shape.Length];
        long stride = 1;
        for (var i = shape.Length - 1; i >= 0; i--)
        {
            strides[i] = stride;
            stride *= shape[i];
        }
        Global("torch._utils", "_rebuild_tensor_v2");
        pickle.WriteByte((byte)'(');
        // The persistent id: ('storage', torch.<Type>Storage, key, location, element count).
        pickle.WriteByte((byte)'(');
        Text("storage");
        Global("torch", StorageName(data.DType));
        Text(key);
        Text("cpu");
        Integer(data.NumberOfElements);
        pickle.WriteByte((byte)'t');
        pickle.WriteByte((byte)'Q');  // BINPERSID
        Integer(0);
        Tuple(shape.Select(s => (object?)s).ToArray(), 0);
        Tuple(strides.Select(s => (object?)s).ToArray(), 0);
        pickle.WriteByte(0x89);  // requires_grad False
        Global("collections", "OrderedDict");
        pickle.WriteByte((byte)')');
        pickle.WriteByte((byte)'R');
        pickle.WriteByte((byte)'t');
        pickle.WriteByte((byte)'R');
    }

    private static string StorageName(DType dtype) => dtype switch
    {
        DType.Float32 => "FloatStorage",
        DType.Float64 => "DoubleStorage",
        DType.Float16 => "HalfStorage",
        DType.BFloat16 => "BFloat16Storage",
        DType.Int64 => "LongStorage",
        DType.Int32 => "IntStorage",
        DType.Int16 => "ShortStorage",
        DType.Int8 => "CharStorage",
        DType.UInt8 => "ByteStorage",
        DType.Bool => "BoolStorage",
        _ => throw new ArgumentException($"{dtype.Name()} tensors have no PyTorch storage type here", nameof(dtype)),
    };
}
