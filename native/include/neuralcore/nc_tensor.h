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

/* ---- creation from the caller's data (the factories, zeros … eye, are in nc_ops.h) ---- */
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
NC_API nc_status nc_tensor_alias(const nc_tensor* tensor, nc_tensor** out);
NC_API nc_status nc_tensor_copy_inplace(const nc_tensor* destination, const nc_tensor* source);
NC_API nc_status nc_tensor_fill_inplace(const nc_tensor* tensor, nc_scalar value);
NC_API nc_status nc_tensor_zero_inplace(const nc_tensor* tensor);

/* Operators (elementwise, reductions, products, shape) are generated from the op table: see nc_ops.h. */

/* ---- lists of tensors, as some operators return them ---- */
typedef struct nc_tensor_list nc_tensor_list;
/* Drops the list and the references it still holds. Accepts null. Cannot fail. */
NC_API void nc_tensor_list_free(nc_tensor_list* list);
/* Number of tensors in the list; 0 for null. Cannot fail. */
NC_API int64_t nc_tensor_list_size(const nc_tensor_list* list);
/* A new handle to the tensor at index (owned by the caller). */
NC_API nc_status nc_tensor_list_get(const nc_tensor_list* list, int64_t index, nc_tensor** out);

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
