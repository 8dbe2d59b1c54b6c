/* Neural-network functions the op table (nc_ops.h) does not hold: recurrent kernels, initialisation, gradient clipping.
   Stateless: modules (parameters, buffers, training mode) live in the managed facade. Ownership as in
   nc_tensor.h; optional tensor arguments (bias, weight, running statistics) may be null. */
#ifndef NEURALCORE_NC_NN_H
#define NEURALCORE_NC_NN_H

#include "nc_common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Loss reductions (the Reduction arguments of nc_ops.h): libtorch's at::Reduction codes. */
enum { NC_REDUCTION_NONE = 0, NC_REDUCTION_MEAN = 1, NC_REDUCTION_SUM = 2 };

/* libtorch's fused recurrent kernels. params: per layer and direction w_ih, w_hh[, b_ih, b_hh].
   cell is used (and required) for NC_RNN_LSTM only; *cell_out is null for the other modes. With batch_sizes, input is
   a packed sequence's data (sum of lengths, features) and output is packed the same way; batch_first is then ignored. */
enum { NC_RNN_LSTM = 0, NC_RNN_GRU = 1, NC_RNN_TANH = 2, NC_RNN_RELU = 3 };
NC_API nc_status nc_nn_rnn(int32_t mode, const nc_tensor* input, const nc_tensor* batch_sizes, const nc_tensor* hidden, const nc_tensor* cell,
                           const nc_tensor* const* params, int32_t param_count, int32_t has_biases, int64_t num_layers,
                           double dropout, int32_t training, int32_t bidirectional, int32_t batch_first,
                           nc_tensor** output, nc_tensor** hidden_out, nc_tensor** cell_out);
/* RNNBase.flatten_parameters: on CUDA with cuDNN, moves params (as for nc_nn_rnn, all one dtype, distinct) into one
   contiguous buffer in cuDNN's layout, in place, so that each call uses them without copying. *flattened is 1 if it
   did, 0 where it does not apply (CPU, no cuDNN, mixed dtypes, shared parameters). */
NC_API nc_status nc_nn_rnn_flatten_parameters(int32_t mode, const nc_tensor* const* params, int32_t param_count, int32_t has_biases,
                                              int64_t input_size, int64_t hidden_size, int64_t num_layers, int32_t batch_first,
                                              int32_t bidirectional, int32_t* flattened);

/* ---- parameters ---- */
NC_API nc_status nc_nn_uniform_inplace(const nc_tensor* tensor, double low, double high);
NC_API nc_status nc_nn_normal_inplace(const nc_tensor* tensor, double mean, double std);
/* Replaces the tensor's data (device, dtype, storage) keeping its identity, as module.to() does for parameters. */
NC_API nc_status nc_nn_set_data(const nc_tensor* tensor, const nc_tensor* data);
/* torch.nn.utils.clip_grad_norm_: scales the gradients in place; writes the norm before clipping.
   norm_type <= 0 means the infinity norm. Parameters without gradients are skipped. */
NC_API nc_status nc_nn_clip_grad_norm(const nc_tensor* const* params, int32_t count, double max_norm, double norm_type,
                                      double* total_norm);

/* ---- data parallelism ---- */
/* torch.nn.parallel's Broadcast for DataParallel's replicas: copies tensor to each of count devices (results[i] on
   device i, always a new tensor). Under grad mode, with tensor requiring grad, the copies share one autograd node whose
   backward sums their gradients in device order on tensor's device, so the reduction never depends on which replica
   finished first. */
NC_API nc_status nc_nn_broadcast(const nc_tensor* tensor, const int32_t* device_types, const int32_t* device_indices, int32_t count,
                                 nc_tensor** results);

#ifdef __cplusplus
}
#endif

#endif
