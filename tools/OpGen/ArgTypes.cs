namespace NeuralCore.OpGen;

/// <summary>
/// How one argument type of the table crosses each layer, in one place. Templates name the argument {n}; in the C++
/// conversion, {n} is the converted local and {p} the C parameter it comes from.
/// </summary>
/// <param name="CSharp">Its type in the wrappers and the facade.</param>
/// <param name="C">The C parameters it becomes.</param>
/// <param name="Cpp">The C++ statement that converts them into a libtorch value.</param>
/// <param name="Import">The parameters of the LibraryImport.</param>
/// <param name="Call">What the wrapper passes for them.</param>
/// <param name="Pin">Statements that pin the argument around the call (the call is indented under them).</param>
/// <param name="Borrow">A statement that borrows the argument's handle for the call.</param>
/// <param name="NullChecked">The wrapper throws ArgumentNullException for null.</param>
public sealed record ArgType(string CSharp, string[] C, string Cpp, string[] Import, string[] Call, string[]? Pin = null,
    string? Borrow = null, bool NullChecked = false)
{
    public static readonly IReadOnlyDictionary<string, ArgType> All = new Dictionary<string, ArgType>
    {
        ["Tensor"] = new("Tensor", ["const nc_tensor* {n}"], "const at::Tensor& {n} = unwrap({p});", ["IntPtr {n}"], ["{n}Borrow.Pointer"],
            Borrow: "using var {n}Borrow = new TensorBorrow({n});", NullChecked: true),
        ["Tensor?"] = new("Tensor?", ["const nc_tensor* {n}"], "c10::optional<at::Tensor> {n} = optional_tensor({p});", ["IntPtr {n}"],
            ["{n}Borrow.Pointer"], Borrow: "using var {n}Borrow = new TensorBorrow({n});"),
        ["Tensor[]"] = new("ReadOnlySpan<Tensor>", ["const nc_tensor* const* {n}", "int32_t {n}_count"],
            "std::vector<at::Tensor> {n} = to_list({p}, {p}_count);", ["IntPtr* {n}", "int {n}Count"], ["{n}Pointer", "{n}.Length"],
            Pin: ["using var {n}Borrowed = BorrowedTensors.Of({n});", "fixed (IntPtr* {n}Pointer = {n}Borrowed.Pointers)"]),
        ["Scalar"] = new("Scalar", ["nc_scalar {n}"], "at::Scalar {n} = to_scalar({p});", ["NativeScalar {n}"], ["{n}.ToNative()"]),
        ["Scalar?"] = new("Scalar?", ["int32_t has_{n}", "nc_scalar {n}"],
            "c10::optional<at::Scalar> {n} = has_{p} ? c10::optional<at::Scalar>(to_scalar({p})) : c10::nullopt;",
            ["int has{n}", "NativeScalar {n}"], ["{n}.HasValue ? 1 : 0", "({n} ?? 0).ToNative()"]),
        ["long"] = new("long", ["int64_t {n}"], "int64_t {n} = {p};", ["long {n}"], ["{n}"]),
        ["ulong"] = new("ulong", ["uint64_t {n}"], "uint64_t {n} = {p};", ["ulong {n}"], ["{n}"]),
        ["long?"] = new("long?", ["int32_t has_{n}", "int64_t {n}"], "c10::optional<int64_t> {n} = has_{p} ? c10::optional<int64_t>({p}) : c10::nullopt;",
            ["int has{n}", "long {n}"], ["{n}.HasValue ? 1 : 0", "{n} ?? 0"]),
        ["double"] = new("double", ["double {n}"], "double {n} = {p};", ["double {n}"], ["{n}"]),
        ["double?"] = new("double?", ["int32_t has_{n}", "double {n}"], "c10::optional<double> {n} = has_{p} ? c10::optional<double>({p}) : c10::nullopt;",
            ["int has{n}", "double {n}"], ["{n}.HasValue ? 1 : 0", "{n} ?? 0"]),
        ["bool"] = new("bool", ["int32_t {n}"], "bool {n} = {p} != 0;", ["int {n}"], ["{n} ? 1 : 0"]),
        ["bool?"] = new("bool?", ["int32_t {n}"], "c10::optional<bool> {n} = {p} < 0 ? c10::optional<bool>() : c10::optional<bool>({p} != 0);",
            ["int {n}"], ["{n} is { } {n}Value ? ({n}Value ? 1 : 0) : -1"]),
        ["Reduction"] = new("Reduction", ["int32_t {n}"], "int64_t {n} = to_reduction({p});", ["int {n}"], ["(int){n}"]),
        ["DType"] = new("DType", ["int32_t {n}"], "at::ScalarType {n} = to_dtype({p});", ["int {n}"], ["(int){n}"]),
        ["DType?"] = new("DType?", ["int32_t {n}"], "c10::optional<at::ScalarType> {n} = optional_dtype({p});", ["int {n}"],
            ["{n} is { } {n}Value ? (int){n}Value : -1"]),
        ["Device?"] = new("Device?", ["int32_t {n}_type", "int32_t {n}_index"], "c10::optional<c10::Device> {n} = optional_device({p}_type, {p}_index);",
            ["int {n}Type", "int {n}Index"], ["{n} is { } {n}Value ? (int){n}Value.Type : -1", "{n}?.Index ?? -1"]),
        ["long[]"] = new("ReadOnlySpan<long>", ["const int64_t* {n}", "int32_t {n}_count"], "at::IntArrayRef {n} = to_shape({p}, {p}_count);",
            ["long* {n}", "int {n}Count"], ["{n}Pointer", "{n}.Length"], Pin: ["fixed (long* {n}Pointer = {n})"]),
        ["long[]?"] = new("long[]?", ["const int64_t* {n}", "int32_t {n}_count"], "at::OptionalIntArrayRef {n} = optional_shape({p}, {p}_count);",
            ["long* {n}", "int {n}Count"], ["{n}Pointer", "{n}?.Length ?? -1"], Pin: ["fixed (long* {n}Pointer = {n})"]),
        ["double[]?"] = new("double[]?", ["const double* {n}", "int32_t {n}_count"],
            "c10::optional<at::ArrayRef<double>> {n} = optional_doubles({p}, {p}_count);", ["double* {n}", "int {n}Count"],
            ["{n}Pointer", "{n}?.Length ?? -1"], Pin: ["fixed (double* {n}Pointer = {n})"]),
        ["string"] = new("string", ["const char* {n}"], "std::string {n} = to_text({p});", ["string {n}"], ["{n}"], NullChecked: true),
        ["string?"] = new("string?", ["const char* {n}"], "c10::optional<c10::string_view> {n} = optional_text({p});", ["string? {n}"], ["{n}"]),
    };

    public static string Fill(string template, string name, string? parameter = null) =>
        template.Replace("{n}", name).Replace("{p}", parameter ?? name);
}
