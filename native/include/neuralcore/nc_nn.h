/* Neural-network functions: layers, recurrent kernels, losses, initialisation and gradient clipping.
   Stateless: modules (parameters, buffers, training mode) live in the managed facade. Ownership as in
   nc_tensor.h; optional tensor arguments (bias, weight, running statistics) may be null. */
#ifndef NEURALCORE_NC_NN_H
#define NEURALCORE_NC_NN_H

#include "nc_common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Loss reductions: libtorch's at::Reduction codes. */
enum { NC_REDUCTION_NONE = 0, NC_REDUCTION_MEAN = 1, NC_REDUCTION_SUM = 2 };

NC_API nc_status nc_nn_linear(const nc_tensor* input, const nc_tensor* weight, const nc_tensor* bias, nc_tensor** out);

/* Convolution over spatial_dims (1, 2 or 3) dimensions; stride, padding, dilation (and output_padding when
   transposed) hold spatial_dims values each. */
NC_API nc_status nc_nn_convolution(const nc_tensor* input, const nc_tensor* weight, const nc_tensor* bias,
                                   const int64_t* stride, const int64_t* padding, const int64_t* dilation,
                                   int32_t transposed, const int64_t* output_padding, int32_t spatial_dims,
                                   int64_t groups, nc_tensor** out);

/* Pools over spatial_dims (1 or 2) dimensions; each array holds spatial_dims values. */
NC_API nc_status nc_nn_max_pool(const nc_tensor* input, const int64_t* kernel_size, const int64_t* stride,
                                const int64_t* padding, const int64_t* dilation, int32_t spatial_dims,
                                int32_t ceil_mode, nc_tensor** out);
NC_API nc_status nc_nn_avg_pool2d(const nc_tensor* input, const int64_t* kernel_size, const int64_t* stride,
                                  const int64_t* padding, int32_t ceil_mode, int32_t count_include_pad, nc_tensor** out);
NC_API nc_status nc_nn_adaptive_avg_pool2d(const nc_tensor* input, const int64_t* output_size, nc_tensor** out);

/* Updates running_mean/running_var in place when training. */
NC_API nc_status nc_nn_batch_norm(const nc_tensor* input, const nc_tensor* weight, const nc_tensor* bias,
                                  const nc_tensor* running_mean, const nc_tensor* running_var, int32_t training,
                                  double momentum, double eps, nc_tensor** out);
NC_API nc_status nc_nn_layer_norm(const nc_tensor* input, const int64_t* normalized_shape, int32_t ndim,
                                  const nc_tensor* weight, const nc_tensor* bias, double eps, nc_tensor** out);
NC_API nc_status nc_nn_dropout(const nc_tensor* input, double probability, int32_t training, nc_tensor** out);
/* padding_idx -1: none. */
NC_API nc_status nc_nn_embedding(const nc_tensor* weight, const nc_tensor* indices, int64_t padding_idx, nc_tensor** out);
NC_API nc_status nc_nn_leaky_relu(const nc_tensor* input, double negative_slope, nc_tensor** out);
/* tanh_approximation 0: exact erf form. */
NC_API nc_status nc_nn_gelu(const nc_tensor* input, int32_t tanh_approximation, nc_tensor** out);
NC_API nc_status nc_nn_silu(const nc_tensor* input, nc_tensor** out);

/* libtorch's fused recurrent kernels. params: per layer and direction w_ih, w_hh[, b_ih, b_hh].
   cell is used (and required) for NC_RNN_LSTM only; *cell_out is null for the other modes. */
enum { NC_RNN_LSTM = 0, NC_RNN_GRU = 1, NC_RNN_TANH = 2, NC_RNN_RELU = 3 };
NC_API nc_status nc_nn_rnn(int32_t mode, const nc_tensor* input, const nc_tensor* hidden, const nc_tensor* cell,
                           const nc_tensor* const* params, int32_t param_count, int32_t has_biases, int64_t num_layers,
                           double dropout, int32_t training, int32_t bidirectional, int32_t batch_first,
                           nc_tensor** output, nc_tensor** hidden_out, nc_tensor** cell_out);

/* ---- losses ---- */
/* target: class indices (Int64) or class probabilities (same shape as input). */
NC_API nc_status nc_nn_cross_entropy(const nc_tensor* input, const nc_tensor* target, const nc_tensor* weight,
                                     int32_t reduction, int64_t ignore_index, double label_smoothing, nc_tensor** out);
NC_API nc_status nc_nn_nll_loss(const nc_tensor* input, const nc_tensor* target, const nc_tensor* weight,
                                int32_t reduction, int64_t ignore_index, nc_tensor** out);
NC_API nc_status nc_nn_mse_loss(const nc_tensor* input, const nc_tensor* target, int32_t reduction, nc_tensor** out);
NC_API nc_status nc_nn_l1_loss(const nc_tensor* input, const nc_tensor* target, int32_t reduction, nc_tensor** out);
NC_API nc_status nc_nn_smooth_l1_loss(const nc_tensor* input, const nc_tensor* target, int32_t reduction, double beta, nc_tensor** out);
NC_API nc_status nc_nn_huber_loss(const nc_tensor* input, const nc_tensor* target, int32_t reduction, double delta, nc_tensor** out);
NC_API nc_status nc_nn_binary_cross_entropy(const nc_tensor* input, const nc_tensor* target, const nc_tensor* weight,
                                            int32_t reduction, nc_tensor** out);
NC_API nc_status nc_nn_binary_cross_entropy_with_logits(const nc_tensor* input, const nc_tensor* target, const nc_tensor* weight,
                                                        const nc_tensor* pos_weight, int32_t reduction, nc_tensor** out);

/* ---- parameters ---- */
NC_API nc_status nc_nn_uniform_inplace(const nc_tensor* tensor, double low, double high);
NC_API nc_status nc_nn_normal_inplace(const nc_tensor* tensor, double mean, double std);
/* Replaces the tensor's data (device, dtype, storage) keeping its identity, as module.to() does for parameters. */
NC_API nc_status nc_nn_set_data(const nc_tensor* tensor, const nc_tensor* data);
/* torch.nn.utils.clip_grad_norm_: scales the gradients in place; writes the norm before clipping.
   norm_type <= 0 means the infinity norm. Parameters without gradients are skipped. */
NC_API nc_status nc_nn_clip_grad_norm(const nc_tensor* const* params, int32_t count, double max_norm, double norm_type,
                                      double* total_norm);

#ifdef __cplusplus
}
#endif

#endif
