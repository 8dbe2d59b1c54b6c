/* Process-wide libtorch settings: threads, seeds, version, CUDA presence. */
#ifndef NEURALCORE_NC_RUNTIME_H
#define NEURALCORE_NC_RUNTIME_H

#include "nc_common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The libtorch version the shim was compiled against. Cannot fail. */
NC_API void nc_runtime_torch_version(int32_t* major, int32_t* minor, int32_t* patch);

/* Intra-op threads of libtorch's thread pool. */
NC_API nc_status nc_runtime_set_num_threads(int32_t count);
NC_API nc_status nc_runtime_get_num_threads(int32_t* count);

/* The address of the calling thread's record of the byte size (numel * element size) of the last tensor handle
   a function returned on that thread. Valid for the thread's lifetime. Cannot fail. */
NC_API int64_t* nc_runtime_created_bytes_address(void);

/* glibc malloc: serve allocations below mmap_threshold bytes from the heap and keep up to trim_threshold
   free bytes instead of returning them to the system. Tensors of a training step are allocated and freed every
   step; with glibc's defaults each large buffer is a fresh mmap whose pages fault in again (about 2 million
   faults per CNN epoch). Returns 1 when applied, 0 on other C libraries. Cannot fail. */
NC_API int32_t nc_runtime_tune_host_allocator(int64_t mmap_threshold, int64_t trim_threshold);

/* Intra-op threads for parallel regions started by the calling thread only (OpenMP's per-thread setting);
   other threads and libtorch's global setting are unchanged. A helper thread (a data loader's) that runs
   ATen ops with the global setting would start a second OpenMP team and oversubscribe the cores. */
NC_API nc_status nc_runtime_set_thread_num_threads(int32_t count);

/* Seeds the CPU generator (and CUDA generators where present). */
NC_API nc_status nc_runtime_manual_seed(uint64_t seed);

/* The CPU generator's state as a new UInt8 tensor (torch.get_rng_state), and restoring it (torch.set_rng_state). */
NC_API nc_status nc_runtime_get_rng_state(nc_tensor** out);
NC_API nc_status nc_runtime_set_rng_state(const nc_tensor* state);

/* 1 when the linked libtorch has CUDA and a device is visible. Cannot fail; 0 on CPU-only builds. */
NC_API int32_t nc_runtime_cuda_is_available(void);
NC_API int32_t nc_runtime_cuda_device_count(void);

#ifdef __cplusplus
}
#endif

#endif
