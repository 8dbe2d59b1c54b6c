/* CUDA devices, their properties, synchronisation, seeds and libtorch's caching allocator.
   On a libtorch without CUDA (or with no device visible) the functions that need a device fail with a
   message that starts "CUDA is not available: " and gives the reason; the memory statistics read 0 and
   emptying the cache does nothing, as in PyTorch. device = -1 means the current device. */
#ifndef NEURALCORE_NC_CUDA_H
#define NEURALCORE_NC_CUDA_H

#include "nc_common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* 1 when the shim was compiled against a libtorch with CUDA. Cannot fail. */
NC_API int32_t nc_cuda_is_built(void);

/* Why no CUDA device can be used ("" when one can), into buffer (NUL-terminated, truncated to capacity).
   Returns the full length. Cannot fail. */
NC_API int32_t nc_cuda_unavailable_reason(char* buffer, int32_t capacity);

/* The device's name (NUL-terminated, truncated to name_capacity), total memory in bytes, compute capability
   and multiprocessor count. */
NC_API nc_status nc_cuda_device_properties(int32_t device, char* name, int32_t name_capacity, int64_t* total_memory,
                                           int32_t* major, int32_t* minor, int32_t* multiprocessors);

NC_API nc_status nc_cuda_current_device(int32_t* device);
NC_API nc_status nc_cuda_set_device(int32_t device);

/* Waits for every kernel queued on the device. */
NC_API nc_status nc_cuda_synchronize(int32_t device);

/* Seeds the generator of every CUDA device (a no-op without CUDA, as torch.cuda.manual_seed_all). */
NC_API nc_status nc_cuda_manual_seed_all(uint64_t seed);

/* The caching allocator's bytes held by tensors (allocated) and from the driver (reserved), now and at peak. */
NC_API nc_status nc_cuda_memory_stats(int32_t device, int64_t* allocated, int64_t* reserved, int64_t* peak_allocated,
                                      int64_t* peak_reserved);
NC_API nc_status nc_cuda_reset_peak_memory_stats(int32_t device);

/* Returns the allocator's unused cached blocks to the driver. */
NC_API nc_status nc_cuda_empty_cache(void);

/* A copy of a CPU tensor in page-locked memory, from which copies to a CUDA device can run asynchronously;
   the tensor itself when already pinned. Needs CUDA. */
NC_API nc_status nc_tensor_pin_memory(const nc_tensor* tensor, nc_tensor** out);

/* 1 when the tensor's memory is page-locked; 0 otherwise, and always 0 without CUDA. */
NC_API nc_status nc_tensor_is_pinned(const nc_tensor* tensor, int32_t* pinned);

#ifdef __cplusplus
}
#endif

#endif
