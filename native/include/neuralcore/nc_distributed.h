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

/* The backends this build offers, comma-separated ("gloo" or "gloo,nccl"), into buffer (NUL-terminated, truncated).
   Returns the full length. Cannot fail. */
NC_API int32_t nc_dist_available_backends(char* buffer, int32_t capacity);

/* Joins a group of world_size processes. Rank 0 hosts the store at master_addr:master_port; every rank waits up to
   timeout_ms for the others. backend: "gloo" or "nccl". Gloo's transport binds to the network interface named
   gloo_interface (e.g. "eth0") when not null, else to the local address gloo_address when not null, else to
   127.0.0.1 for a loopback master and the address the hostname resolves to otherwise. Strings are UTF-8. */
NC_API nc_status nc_dist_init(const char* backend, const char* master_addr, int32_t master_port, int32_t rank, int32_t world_size,
                              int64_t timeout_ms, const char* gloo_interface, const char* gloo_address, nc_process_group** out);
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
   produces their gradients), into buckets of about bucket_bytes. A hook on each parameter copies what its .grad will
   hold after this backward (earlier accumulation included) into its bucket; buckets start an asynchronous all-reduce
   in bucket order as they fill, so communication overlaps the rest of backward. When backward ends, each .grad is
   replaced by the all-reduced bucket divided by the world size: every rank holds the same bytes.
   names: the parameters' names, separated by '\n' (for error messages); may be null.
   find_unused: 0 makes a backward that gives some parameter no gradient fail, naming those parameters; 1 lets such
   parameters contribute what their .grad holds (zeros when none), and parameters no rank used keep no .grad.
   The hooks stay until nc_dist_reducer_free; the reducer keeps the process group alive. */
typedef struct nc_dist_reducer nc_dist_reducer;
NC_API nc_status nc_dist_reducer_create(const nc_process_group* group, const nc_tensor* const* params, int32_t count, const char* names,
                                        int64_t bucket_bytes, int32_t find_unused, nc_dist_reducer** out);
/* enabled 0: backward passes only accumulate into .grad, with no communication (DDP's no_sync); 1: the default. */
NC_API nc_status nc_dist_reducer_set_sync(nc_dist_reducer* reducer, int32_t enabled);
/* Removes the hooks. Accepts null. Cannot fail. */
NC_API void nc_dist_reducer_free(nc_dist_reducer* reducer);

/* A new tensor: input summed (op NC_REDUCE_SUM) or averaged (NC_REDUCE_AVG) over the ranks, recorded in the autograd
   graph: its backward reduces the incoming gradient the same way across the ranks. */
NC_API nc_status nc_dist_all_reduce_autograd(const nc_process_group* group, const nc_tensor* input, int32_t op, nc_tensor** out);

#ifdef __cplusplus
}
#endif

#endif
