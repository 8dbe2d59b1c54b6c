/* Tensors: creation, data exchange, conversion and operators.
   Ownership: every nc_tensor** out receives a new handle owned by the caller (free it with
   nc_tensor_free). Input handles are borrowed; nothing here frees an input. A null input handle
   fails with NC_INVALID_ARGUMENT. In-place functions (suffix _inplace) mutate their first argument. */
#ifndef NEURALCORE_NC_TENSOR_H
#define NEURALCORE_NC_TENSOR_H

#include "nc_common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Drops the reference held by the handle. Accepts null. Cannot fail. */
NC_API void nc_tensor_free(nc_tensor* tensor);

/* numel * element size of this view; 0 for null or undefined. Cannot fail. */
NC_API int64_t nc_tensor_nbytes(const nc_tensor* tensor);

/* What the facade reads often, in one call. */
typedef struct nc_tensor_info {
  int64_t numel;
  int64_t nbytes;       /* numel * element size of this view */
  int32_t dtype;
  int32_t device_type;
  int32_t device_index;
  int32_t ndim;
  int32_t requires_grad;
  int32_t is_leaf;
  int32_t defined;
  int32_t is_contiguous;
} nc_tensor_info;
NC_API nc_status nc_tensor_info_get(const nc_tensor* tensor, nc_tensor_info* info);

/* Writes min(ndim, capacity) sizes (or strides) and the true ndim. */
NC_API nc_status nc_tensor_sizes(const nc_tensor* tensor, int64_t* sizes, int32_t capacity, int32_t* ndim);
NC_API nc_status nc_tensor_strides(const nc_tensor* tensor, int64_t* strides, int32_t capacity, int32_t* ndim);

/* ---- creation ---- */
NC_API nc_status nc_tensor_empty(const int64_t* shape, int32_t ndim, nc_options options, nc_tensor** out);
NC_API nc_status nc_tensor_zeros(const int64_t* shape, int32_t ndim, nc_options options, nc_tensor** out);
NC_API nc_status nc_tensor_ones(const int64_t* shape, int32_t ndim, nc_options options, nc_tensor** out);
NC_API nc_status nc_tensor_full(const int64_t* shape, int32_t ndim, nc_scalar value, nc_options options, nc_tensor** out);
NC_API nc_status nc_tensor_rand(const int64_t* shape, int32_t ndim, nc_options options, nc_tensor** out);
NC_API nc_status nc_tensor_randn(const int64_t* shape, int32_t ndim, nc_options options, nc_tensor** out);
NC_API nc_status nc_tensor_randint(int64_t low, int64_t high, const int64_t* shape, int32_t ndim, nc_options options, nc_tensor** out);
/* A random permutation of 0..n-1 (Int64) from a fresh generator seeded with seed: torch.randperm(n,
   generator=torch.Generator().manual_seed(seed)) gives the same permutation. The global generator is untouched. */
NC_API nc_status nc_tensor_randperm(int64_t n, uint64_t seed, nc_tensor** out);
/* options.dtype -1 infers the dtype from the scalars, as torch.arange does. */
NC_API nc_status nc_tensor_arange(nc_scalar start, nc_scalar end, nc_scalar step, nc_options options, nc_tensor** out);
NC_API nc_status nc_tensor_linspace(double start, double end, int64_t steps, nc_options options, nc_tensor** out);
NC_API nc_status nc_tensor_eye(int64_t rows, int64_t columns, nc_options options, nc_tensor** out);
NC_API nc_status nc_tensor_zeros_like(const nc_tensor* tensor, nc_tensor** out);
NC_API nc_status nc_tensor_ones_like(const nc_tensor* tensor, nc_tensor** out);
NC_API nc_status nc_tensor_rand_like(const nc_tensor* tensor, nc_tensor** out);
NC_API nc_status nc_tensor_randn_like(const nc_tensor* tensor, nc_tensor** out);
NC_API nc_status nc_tensor_full_like(const nc_tensor* tensor, nc_scalar value, nc_tensor** out);

/* Copies nbytes from data (which must equal numel(shape) * element size) into a new CPU tensor. */
NC_API nc_status nc_tensor_from_data(const void* data, int64_t nbytes, const int64_t* shape, int32_t ndim,
                                     int32_t dtype, nc_tensor** out);
/* Wraps caller memory without copying. deleter(context) runs once, on any thread, when the last
   tensor sharing this memory is gone; it also runs if this call fails. */
typedef void (*nc_deleter)(void* context);
NC_API nc_status nc_tensor_from_blob(void* data, const int64_t* shape, int32_t ndim, int32_t dtype,
                                     nc_deleter deleter, void* context, nc_tensor** out);
/* Copies the tensor's values (converted to dtype, moved to CPU, made contiguous) into buffer.
   nbytes must equal numel * element size of dtype. */
NC_API nc_status nc_tensor_copy_to_buffer(const nc_tensor* tensor, int32_t dtype, void* buffer, int64_t nbytes);
/* The value of a one-element tensor. */
NC_API nc_status nc_tensor_item(const nc_tensor* tensor, nc_scalar* out);

/* ---- conversion and copies ---- */
/* dtype -1 keeps the dtype; device_type -1 keeps the device. Returns the same storage when nothing changes
   and copy is 0, as torch's Tensor.to does. */
NC_API nc_status nc_tensor_to(const nc_tensor* tensor, int32_t dtype, int32_t device_type, int32_t device_index,
                              int32_t non_blocking, int32_t copy, nc_tensor** out);
NC_API nc_status nc_tensor_clone(const nc_tensor* tensor, nc_tensor** out);
NC_API nc_status nc_tensor_contiguous(const nc_tensor* tensor, nc_tensor** out);
NC_API nc_status nc_tensor_alias(const nc_tensor* tensor, nc_tensor** out);
NC_API nc_status nc_tensor_copy_inplace(const nc_tensor* destination, const nc_tensor* source);
NC_API nc_status nc_tensor_fill_inplace(const nc_tensor* tensor, nc_scalar value);
NC_API nc_status nc_tensor_zero_inplace(const nc_tensor* tensor);

/* ---- elementwise, one input ---- */
#define NC_DECLARE_UNARY(name)                                                     \
  NC_API nc_status nc_tensor_##name(const nc_tensor* tensor, nc_tensor** out);     \
  NC_API nc_status nc_tensor_##name##_inplace(const nc_tensor* tensor);
NC_DECLARE_UNARY(neg) NC_DECLARE_UNARY(abs) NC_DECLARE_UNARY(exp) NC_DECLARE_UNARY(log)
NC_DECLARE_UNARY(log2) NC_DECLARE_UNARY(log10) NC_DECLARE_UNARY(log1p) NC_DECLARE_UNARY(expm1)
NC_DECLARE_UNARY(sqrt) NC_DECLARE_UNARY(rsqrt) NC_DECLARE_UNARY(sin) NC_DECLARE_UNARY(cos)
NC_DECLARE_UNARY(tan) NC_DECLARE_UNARY(asin) NC_DECLARE_UNARY(acos) NC_DECLARE_UNARY(atan)
NC_DECLARE_UNARY(sinh) NC_DECLARE_UNARY(cosh) NC_DECLARE_UNARY(tanh) NC_DECLARE_UNARY(sigmoid)
NC_DECLARE_UNARY(relu) NC_DECLARE_UNARY(floor) NC_DECLARE_UNARY(ceil) NC_DECLARE_UNARY(round)
NC_DECLARE_UNARY(trunc) NC_DECLARE_UNARY(frac) NC_DECLARE_UNARY(sign) NC_DECLARE_UNARY(reciprocal)
NC_DECLARE_UNARY(square) NC_DECLARE_UNARY(erf) NC_DECLARE_UNARY(logical_not) NC_DECLARE_UNARY(bitwise_not)
#undef NC_DECLARE_UNARY

/* ---- elementwise, two inputs (broadcasting), and the same with a scalar right operand ---- */
#define NC_DECLARE_BINARY(name)                                                                         \
  NC_API nc_status nc_tensor_##name(const nc_tensor* left, const nc_tensor* right, nc_tensor** out);    \
  NC_API nc_status nc_tensor_##name##_scalar(const nc_tensor* left, nc_scalar right, nc_tensor** out);
#define NC_DECLARE_BINARY_INPLACE(name)                                                      \
  NC_API nc_status nc_tensor_##name##_inplace(const nc_tensor* left, const nc_tensor* right); \
  NC_API nc_status nc_tensor_##name##_scalar_inplace(const nc_tensor* left, nc_scalar right);
NC_DECLARE_BINARY(add) NC_DECLARE_BINARY(sub) NC_DECLARE_BINARY(mul) NC_DECLARE_BINARY(div)
NC_DECLARE_BINARY(remainder) NC_DECLARE_BINARY(pow) NC_DECLARE_BINARY(eq) NC_DECLARE_BINARY(ne)
NC_DECLARE_BINARY(lt) NC_DECLARE_BINARY(le) NC_DECLARE_BINARY(gt) NC_DECLARE_BINARY(ge)
NC_DECLARE_BINARY(bitwise_and) NC_DECLARE_BINARY(bitwise_or) NC_DECLARE_BINARY(bitwise_xor)
NC_DECLARE_BINARY_INPLACE(add) NC_DECLARE_BINARY_INPLACE(sub) NC_DECLARE_BINARY_INPLACE(mul)
NC_DECLARE_BINARY_INPLACE(div) NC_DECLARE_BINARY_INPLACE(remainder) NC_DECLARE_BINARY_INPLACE(pow)
#undef NC_DECLARE_BINARY
#undef NC_DECLARE_BINARY_INPLACE
NC_API nc_status nc_tensor_maximum(const nc_tensor* left, const nc_tensor* right, nc_tensor** out);
NC_API nc_status nc_tensor_minimum(const nc_tensor* left, const nc_tensor* right, nc_tensor** out);
NC_API nc_status nc_tensor_atan2(const nc_tensor* left, const nc_tensor* right, nc_tensor** out);
NC_API nc_status nc_tensor_logical_and(const nc_tensor* left, const nc_tensor* right, nc_tensor** out);
NC_API nc_status nc_tensor_logical_or(const nc_tensor* left, const nc_tensor* right, nc_tensor** out);
NC_API nc_status nc_tensor_logical_xor(const nc_tensor* left, const nc_tensor* right, nc_tensor** out);
/* scalar - tensor and scalar / tensor */
NC_API nc_status nc_tensor_rsub_scalar(nc_scalar left, const nc_tensor* right, nc_tensor** out);
NC_API nc_status nc_tensor_rdiv_scalar(nc_scalar left, const nc_tensor* right, nc_tensor** out);
NC_API nc_status nc_tensor_rpow_scalar(nc_scalar left, const nc_tensor* right, nc_tensor** out);
/* has_min / has_max select which bounds apply. */
NC_API nc_status nc_tensor_clamp(const nc_tensor* tensor, int32_t has_min, nc_scalar min, int32_t has_max, nc_scalar max, nc_tensor** out);
NC_API nc_status nc_tensor_clamp_inplace(const nc_tensor* tensor, int32_t has_min, nc_scalar min, int32_t has_max, nc_scalar max);
NC_API nc_status nc_tensor_where(const nc_tensor* condition, const nc_tensor* left, const nc_tensor* right, nc_tensor** out);
NC_API nc_status nc_tensor_masked_fill(const nc_tensor* tensor, const nc_tensor* mask, nc_scalar value, nc_tensor** out);
NC_API nc_status nc_tensor_masked_fill_inplace(const nc_tensor* tensor, const nc_tensor* mask, nc_scalar value);
NC_API nc_status nc_tensor_masked_select(const nc_tensor* tensor, const nc_tensor* mask, nc_tensor** out);
NC_API nc_status nc_tensor_gather(const nc_tensor* tensor, int64_t dim, const nc_tensor* index, nc_tensor** out);
NC_API nc_status nc_tensor_scatter(const nc_tensor* tensor, int64_t dim, const nc_tensor* index, const nc_tensor* source, nc_tensor** out);
NC_API nc_status nc_tensor_index_select(const nc_tensor* tensor, int64_t dim, const nc_tensor* index, nc_tensor** out);
NC_API nc_status nc_tensor_allclose(const nc_tensor* left, const nc_tensor* right, double rtol, double atol, int32_t equal_nan, int32_t* result);
NC_API nc_status nc_tensor_equal(const nc_tensor* left, const nc_tensor* right, int32_t* result);

/* ---- reductions. dims may be null with ndims 0 for "all dimensions". dtype -1 keeps torch's default. ---- */
NC_API nc_status nc_tensor_sum(const nc_tensor* tensor, const int64_t* dims, int32_t ndims, int32_t keep_dim, int32_t dtype, nc_tensor** out);
NC_API nc_status nc_tensor_mean(const nc_tensor* tensor, const int64_t* dims, int32_t ndims, int32_t keep_dim, int32_t dtype, nc_tensor** out);
NC_API nc_status nc_tensor_prod(const nc_tensor* tensor, int32_t has_dim, int64_t dim, int32_t keep_dim, int32_t dtype, nc_tensor** out);
/* correction: 1 for the unbiased estimate, 0 for the population one. */
NC_API nc_status nc_tensor_std(const nc_tensor* tensor, const int64_t* dims, int32_t ndims, int64_t correction, int32_t keep_dim, nc_tensor** out);
NC_API nc_status nc_tensor_var(const nc_tensor* tensor, const int64_t* dims, int32_t ndims, int64_t correction, int32_t keep_dim, nc_tensor** out);
NC_API nc_status nc_tensor_max_all(const nc_tensor* tensor, nc_tensor** out);
NC_API nc_status nc_tensor_min_all(const nc_tensor* tensor, nc_tensor** out);
NC_API nc_status nc_tensor_max_dim(const nc_tensor* tensor, int64_t dim, int32_t keep_dim, nc_tensor** values, nc_tensor** indices);
NC_API nc_status nc_tensor_min_dim(const nc_tensor* tensor, int64_t dim, int32_t keep_dim, nc_tensor** values, nc_tensor** indices);
NC_API nc_status nc_tensor_argmax(const nc_tensor* tensor, int32_t has_dim, int64_t dim, int32_t keep_dim, nc_tensor** out);
NC_API nc_status nc_tensor_argmin(const nc_tensor* tensor, int32_t has_dim, int64_t dim, int32_t keep_dim, nc_tensor** out);
NC_API nc_status nc_tensor_all(const nc_tensor* tensor, nc_tensor** out);
NC_API nc_status nc_tensor_any(const nc_tensor* tensor, nc_tensor** out);
NC_API nc_status nc_tensor_norm(const nc_tensor* tensor, double p, nc_tensor** out);
NC_API nc_status nc_tensor_logsumexp(const nc_tensor* tensor, const int64_t* dims, int32_t ndims, int32_t keep_dim, nc_tensor** out);
NC_API nc_status nc_tensor_cumsum(const nc_tensor* tensor, int64_t dim, nc_tensor** out);
NC_API nc_status nc_tensor_softmax(const nc_tensor* tensor, int64_t dim, nc_tensor** out);
NC_API nc_status nc_tensor_log_softmax(const nc_tensor* tensor, int64_t dim, nc_tensor** out);
NC_API nc_status nc_tensor_topk(const nc_tensor* tensor, int64_t k, int64_t dim, int32_t largest, int32_t sorted, nc_tensor** values, nc_tensor** indices);
NC_API nc_status nc_tensor_sort(const nc_tensor* tensor, int64_t dim, int32_t descending, nc_tensor** values, nc_tensor** indices);

/* ---- linear algebra ---- */
NC_API nc_status nc_tensor_matmul(const nc_tensor* left, const nc_tensor* right, nc_tensor** out);
NC_API nc_status nc_tensor_mm(const nc_tensor* left, const nc_tensor* right, nc_tensor** out);
NC_API nc_status nc_tensor_bmm(const nc_tensor* left, const nc_tensor* right, nc_tensor** out);
NC_API nc_status nc_tensor_dot(const nc_tensor* left, const nc_tensor* right, nc_tensor** out);
NC_API nc_status nc_tensor_outer(const nc_tensor* left, const nc_tensor* right, nc_tensor** out);

/* ---- shape ---- */
NC_API nc_status nc_tensor_view(const nc_tensor* tensor, const int64_t* shape, int32_t ndim, nc_tensor** out);
NC_API nc_status nc_tensor_reshape(const nc_tensor* tensor, const int64_t* shape, int32_t ndim, nc_tensor** out);
NC_API nc_status nc_tensor_expand(const nc_tensor* tensor, const int64_t* shape, int32_t ndim, nc_tensor** out);
NC_API nc_status nc_tensor_repeat(const nc_tensor* tensor, const int64_t* repeats, int32_t ndim, nc_tensor** out);
NC_API nc_status nc_tensor_permute(const nc_tensor* tensor, const int64_t* dims, int32_t ndim, nc_tensor** out);
NC_API nc_status nc_tensor_flip(const nc_tensor* tensor, const int64_t* dims, int32_t ndim, nc_tensor** out);
NC_API nc_status nc_tensor_transpose(const nc_tensor* tensor, int64_t dim0, int64_t dim1, nc_tensor** out);
/* has_dim 0 removes every dimension of size 1. */
NC_API nc_status nc_tensor_squeeze(const nc_tensor* tensor, int32_t has_dim, int64_t dim, nc_tensor** out);
NC_API nc_status nc_tensor_unsqueeze(const nc_tensor* tensor, int64_t dim, nc_tensor** out);
NC_API nc_status nc_tensor_flatten(const nc_tensor* tensor, int64_t start_dim, int64_t end_dim, nc_tensor** out);
/* A view with the given sizes and strides (in elements) starting storage_offset elements into the storage. */
NC_API nc_status nc_tensor_as_strided(const nc_tensor* tensor, const int64_t* sizes, const int64_t* strides, int32_t ndim,
                                      int64_t storage_offset, nc_tensor** out);
NC_API nc_status nc_tensor_narrow(const nc_tensor* tensor, int64_t dim, int64_t start, int64_t length, nc_tensor** out);
NC_API nc_status nc_tensor_select(const nc_tensor* tensor, int64_t dim, int64_t index, nc_tensor** out);
NC_API nc_status nc_tensor_cat(const nc_tensor* const* tensors, int32_t count, int64_t dim, nc_tensor** out);
NC_API nc_status nc_tensor_stack(const nc_tensor* const* tensors, int32_t count, int64_t dim, nc_tensor** out);

/* ---- indexing: one entry per position of x[a, b, ...] ---- */
enum { NC_INDEX_INTEGER = 0, NC_INDEX_SLICE = 1, NC_INDEX_ELLIPSIS = 2, NC_INDEX_NONE = 3, NC_INDEX_BOOLEAN = 4 };
enum { NC_SLICE_HAS_START = 1, NC_SLICE_HAS_STOP = 2 };
typedef struct nc_index {
  int32_t kind;
  int32_t flags;   /* NC_SLICE_* bits for slices */
  int64_t start;   /* the integer (negative counts from the end), or the slice start; the boolean as 0/1 */
  int64_t stop;
  int64_t step;
} nc_index;
NC_API nc_status nc_tensor_index(const nc_tensor* tensor, const nc_index* indices, int32_t count, nc_tensor** out);
NC_API nc_status nc_tensor_index_put_inplace(const nc_tensor* tensor, const nc_index* indices, int32_t count, const nc_tensor* value);
/* x[index_tensor]: integer (gather rows) or boolean (mask) indexing on the first dimension. */
NC_API nc_status nc_tensor_index_tensor(const nc_tensor* tensor, const nc_tensor* index, nc_tensor** out);

#ifdef __cplusplus
}
#endif

#endif
