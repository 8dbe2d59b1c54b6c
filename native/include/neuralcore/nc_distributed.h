/* torch.distributed's c10d engine: a process group (Gloo on CPU) rendezvousing through a TCPStore, and collectives.
   Collectives work in place on the caller's tensors and wait for completion up to the group's timeout. */
#ifndef NEURALCORE_NC_DISTRIBUTED_H
#define NEURALCORE_NC_DISTRIBUTED_H

#include "nc_common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct nc_process_group nc_process_group;

enum { NC_REDUCE_SUM = 0, NC_REDUCE_AVG = 1, NC_REDUCE_MIN = 2, NC_REDUCE_MAX = 3, NC_REDUCE_PRODUCT = 4 };

/* Joins a group of world_size processes. Rank 0 hosts the store at master_addr:master_port; every rank waits up to
   timeout_ms for the others. backend: "gloo". Strings are UTF-8. */
/* The backends this build offers, comma-separated ("gloo" or "gloo,nccl"), into buffer (NUL-terminated, truncated).
   Returns the full length. Cannot fail. */
NC_API int32_t nc_dist_available_backends(char* buffer, int32_t capacity);

NC_API nc_status nc_dist_init(const char* backend, const char* master_addr, int32_t master_port, int32_t rank, int32_t world_size,
                              int64_t timeout_ms, nc_process_group** out);
/* Accepts null. Cannot fail. */
NC_API void nc_dist_free(nc_process_group* group);
NC_API nc_status nc_dist_all_reduce(const nc_process_group* group, const nc_tensor* tensor, int32_t op);
NC_API nc_status nc_dist_broadcast(const nc_process_group* group, const nc_tensor* tensor, int32_t root);
/* outputs receives world_size new tensors, rank i's input at position i. */
NC_API nc_status nc_dist_all_gather(const nc_process_group* group, const nc_tensor* input, nc_tensor** outputs);
/* inputs holds world_size tensors; output receives the reduction of every rank's inputs[rank]. */
NC_API nc_status nc_dist_reduce_scatter(const nc_process_group* group, const nc_tensor* const* inputs, const nc_tensor* output, int32_t op);
NC_API nc_status nc_dist_barrier(const nc_process_group* group);

/* Distributed data parallel gradient averaging. The parameters are grouped, in reverse order (the order backward
   produces their gradients), into buckets of about bucket_bytes; a hook on each parameter copies its gradient into
   its bucket as backward produces it, and a full bucket starts an asynchronous all-reduce, so communication overlaps
   the rest of backward. When backward ends, the averaged values replace this rank's contribution in each .grad
   (gradients accumulated by earlier backward passes are kept). Writes one hook id per parameter; the hooks keep the
   process group and the buckets alive until removed. */
NC_API nc_status nc_dist_register_gradient_averaging(const nc_process_group* group, const nc_tensor* const* params, int32_t count,
                                                     int64_t bucket_bytes, int32_t* hook_ids);
NC_API nc_status nc_dist_remove_gradient_hooks(const nc_tensor* const* params, int32_t count, const int32_t* hook_ids);

#ifdef __cplusplus
}
#endif

#endif
