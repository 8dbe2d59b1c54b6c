// Stateless neural-network functions over ATen.
#include <limits>
#include <vector>

#include <torch/csrc/autograd/grad_mode.h>

#include "guard.h"
#include "neuralcore/nc_nn.h"

using namespace neuralcore;

namespace {

c10::optional<at::Tensor> optional_tensor(const nc_tensor* tensor) {
  if (tensor == nullptr) return c10::nullopt;
  return tensor->value;
}

std::vector<at::Tensor> to_list(const nc_tensor* const* tensors, int32_t count) {
  if (count < 0 || (count > 0 && tensors == nullptr)) throw std::invalid_argument("tensor list is null");
  std::vector<at::Tensor> list;
  list.reserve(static_cast<size_t>(count));
  for (int32_t i = 0; i < count; ++i) list.push_back(unwrap(tensors[i]));
  return list;
}

at::IntArrayRef spatial(const int64_t* values, int32_t dims) { return to_shape(values, dims); }

}  // namespace

extern "C" {

nc_status nc_nn_linear(const nc_tensor* input, const nc_tensor* weight, const nc_tensor* bias, nc_tensor** out) {
  NC_GUARD(*out = wrap(at::linear(unwrap(input), unwrap(weight), optional_tensor(bias))));
}

nc_status nc_nn_convolution(const nc_tensor* input, const nc_tensor* weight, const nc_tensor* bias, const int64_t* stride,
                            const int64_t* padding, const int64_t* dilation, int32_t transposed, const int64_t* output_padding,
                            int32_t spatial_dims, int64_t groups, nc_tensor** out) {
  NC_GUARD({
    std::vector<int64_t> zeros(static_cast<size_t>(spatial_dims > 0 ? spatial_dims : 0), 0);
    const auto& x = unwrap(input);
    // at::convolution gives terse errors for a wrong rank; the per-rank functions name the expected shapes.
    if (!transposed && spatial_dims == 2) {
      *out = wrap(at::conv2d(x, unwrap(weight), optional_tensor(bias), spatial(stride, 2), spatial(padding, 2), spatial(dilation, 2), groups));
    } else if (!transposed && spatial_dims == 1) {
      *out = wrap(at::conv1d(x, unwrap(weight), optional_tensor(bias), spatial(stride, 1), spatial(padding, 1), spatial(dilation, 1), groups));
    } else {
      *out = wrap(at::convolution(x, unwrap(weight), optional_tensor(bias), spatial(stride, spatial_dims), spatial(padding, spatial_dims),
                                  spatial(dilation, spatial_dims), transposed != 0,
                                  transposed ? spatial(output_padding, spatial_dims) : at::IntArrayRef(zeros), groups));
    }
  });
}

nc_status nc_nn_max_pool(const nc_tensor* input, const int64_t* kernel_size, const int64_t* stride, const int64_t* padding,
                         const int64_t* dilation, int32_t spatial_dims, int32_t ceil_mode, nc_tensor** out) {
  NC_GUARD({
    if (spatial_dims == 1)
      *out = wrap(at::max_pool1d(unwrap(input), spatial(kernel_size, 1), spatial(stride, 1), spatial(padding, 1), spatial(dilation, 1), ceil_mode != 0));
    else if (spatial_dims == 2)
      *out = wrap(at::max_pool2d(unwrap(input), spatial(kernel_size, 2), spatial(stride, 2), spatial(padding, 2), spatial(dilation, 2), ceil_mode != 0));
    else
      throw std::invalid_argument("max_pool: spatial_dims must be 1 or 2");
  });
}

nc_status nc_nn_avg_pool2d(const nc_tensor* input, const int64_t* kernel_size, const int64_t* stride, const int64_t* padding,
                           int32_t ceil_mode, int32_t count_include_pad, nc_tensor** out) {
  NC_GUARD(*out = wrap(at::avg_pool2d(unwrap(input), spatial(kernel_size, 2), spatial(stride, 2), spatial(padding, 2), ceil_mode != 0,
                                      count_include_pad != 0)));
}

nc_status nc_nn_adaptive_avg_pool2d(const nc_tensor* input, const int64_t* output_size, nc_tensor** out) {
  NC_GUARD(*out = wrap(at::adaptive_avg_pool2d(unwrap(input), spatial(output_size, 2))));
}

nc_status nc_nn_batch_norm(const nc_tensor* input, const nc_tensor* weight, const nc_tensor* bias, const nc_tensor* running_mean,
                           const nc_tensor* running_var, int32_t training, double momentum, double eps, nc_tensor** out) {
  NC_GUARD(*out = wrap(at::batch_norm(unwrap(input), optional_tensor(weight), optional_tensor(bias), optional_tensor(running_mean),
                                      optional_tensor(running_var), training != 0, momentum, eps, true)));
}

nc_status nc_nn_layer_norm(const nc_tensor* input, const int64_t* normalized_shape, int32_t ndim, const nc_tensor* weight,
                           const nc_tensor* bias, double eps, nc_tensor** out) {
  NC_GUARD(*out = wrap(at::layer_norm(unwrap(input), to_shape(normalized_shape, ndim), optional_tensor(weight), optional_tensor(bias), eps)));
}

nc_status nc_nn_dropout(const nc_tensor* input, double probability, int32_t training, nc_tensor** out) {
  NC_GUARD(*out = wrap(at::dropout(unwrap(input), probability, training != 0)));
}

nc_status nc_nn_embedding(const nc_tensor* weight, const nc_tensor* indices, int64_t padding_idx, nc_tensor** out) {
  NC_GUARD(*out = wrap(at::embedding(unwrap(weight), unwrap(indices), padding_idx)));
}

nc_status nc_nn_leaky_relu(const nc_tensor* input, double negative_slope, nc_tensor** out) {
  NC_GUARD(*out = wrap(at::leaky_relu(unwrap(input), negative_slope)));
}

nc_status nc_nn_gelu(const nc_tensor* input, int32_t tanh_approximation, nc_tensor** out) {
  NC_GUARD(*out = wrap(at::gelu(unwrap(input), tanh_approximation ? "tanh" : "none")));
}

nc_status nc_nn_silu(const nc_tensor* input, nc_tensor** out) { NC_GUARD(*out = wrap(at::silu(unwrap(input)))); }

nc_status nc_nn_rnn(int32_t mode, const nc_tensor* input, const nc_tensor* hidden, const nc_tensor* cell, const nc_tensor* const* params,
                    int32_t param_count, int32_t has_biases, int64_t num_layers, double dropout, int32_t training,
                    int32_t bidirectional, int32_t batch_first, nc_tensor** output, nc_tensor** hidden_out, nc_tensor** cell_out) {
  NC_GUARD({
    const auto weights = to_list(params, param_count);
    const auto& x = unwrap(input);
    const auto& h = unwrap(hidden);
    at::Tensor result, h_n, c_n;
    switch (mode) {
      case NC_RNN_LSTM:
        std::tie(result, h_n, c_n) = at::lstm(x, {h, unwrap(cell)}, weights, has_biases != 0, num_layers, dropout, training != 0,
                                              bidirectional != 0, batch_first != 0);
        break;
      case NC_RNN_GRU:
        std::tie(result, h_n) = at::gru(x, h, weights, has_biases != 0, num_layers, dropout, training != 0, bidirectional != 0, batch_first != 0);
        break;
      case NC_RNN_TANH:
        std::tie(result, h_n) = at::rnn_tanh(x, h, weights, has_biases != 0, num_layers, dropout, training != 0, bidirectional != 0, batch_first != 0);
        break;
      case NC_RNN_RELU:
        std::tie(result, h_n) = at::rnn_relu(x, h, weights, has_biases != 0, num_layers, dropout, training != 0, bidirectional != 0, batch_first != 0);
        break;
      default:
        throw std::invalid_argument("unknown recurrent mode " + std::to_string(mode));
    }
    std::unique_ptr<nc_tensor> a(wrap(std::move(result))), b(wrap(std::move(h_n)));
    std::unique_ptr<nc_tensor> c(c_n.defined() ? wrap(std::move(c_n)) : nullptr);
    *output = a.release();
    *hidden_out = b.release();
    *cell_out = c.release();
  });
}

nc_status nc_nn_cross_entropy(const nc_tensor* input, const nc_tensor* target, const nc_tensor* weight, int32_t reduction,
                              int64_t ignore_index, double label_smoothing, nc_tensor** out) {
  NC_GUARD(*out = wrap(at::cross_entropy_loss(unwrap(input), unwrap(target), optional_tensor(weight), reduction, ignore_index, label_smoothing)));
}

nc_status nc_nn_nll_loss(const nc_tensor* input, const nc_tensor* target, const nc_tensor* weight, int32_t reduction, int64_t ignore_index,
                         nc_tensor** out) {
  NC_GUARD(*out = wrap(at::nll_loss_nd(unwrap(input), unwrap(target), optional_tensor(weight), reduction, ignore_index)));
}

nc_status nc_nn_mse_loss(const nc_tensor* input, const nc_tensor* target, int32_t reduction, nc_tensor** out) {
  NC_GUARD(*out = wrap(at::mse_loss(unwrap(input), unwrap(target), reduction)));
}

nc_status nc_nn_l1_loss(const nc_tensor* input, const nc_tensor* target, int32_t reduction, nc_tensor** out) {
  NC_GUARD(*out = wrap(at::l1_loss(unwrap(input), unwrap(target), reduction)));
}

nc_status nc_nn_smooth_l1_loss(const nc_tensor* input, const nc_tensor* target, int32_t reduction, double beta, nc_tensor** out) {
  NC_GUARD(*out = wrap(at::smooth_l1_loss(unwrap(input), unwrap(target), reduction, beta)));
}

nc_status nc_nn_huber_loss(const nc_tensor* input, const nc_tensor* target, int32_t reduction, double delta, nc_tensor** out) {
  NC_GUARD(*out = wrap(at::huber_loss(unwrap(input), unwrap(target), reduction, delta)));
}

nc_status nc_nn_binary_cross_entropy(const nc_tensor* input, const nc_tensor* target, const nc_tensor* weight, int32_t reduction,
                                     nc_tensor** out) {
  NC_GUARD(*out = wrap(at::binary_cross_entropy(unwrap(input), unwrap(target), optional_tensor(weight), reduction)));
}

nc_status nc_nn_binary_cross_entropy_with_logits(const nc_tensor* input, const nc_tensor* target, const nc_tensor* weight,
                                                 const nc_tensor* pos_weight, int32_t reduction, nc_tensor** out) {
  NC_GUARD(*out = wrap(at::binary_cross_entropy_with_logits(unwrap(input), unwrap(target), optional_tensor(weight),
                                                            optional_tensor(pos_weight), reduction)));
}

nc_status nc_nn_uniform_inplace(const nc_tensor* tensor, double low, double high) {
  NC_GUARD({
    at::NoGradGuard no_grad;
    unwrap(tensor).uniform_(low, high);
  });
}

nc_status nc_nn_normal_inplace(const nc_tensor* tensor, double mean, double std) {
  NC_GUARD({
    at::NoGradGuard no_grad;
    unwrap(tensor).normal_(mean, std);
  });
}

nc_status nc_nn_set_data(const nc_tensor* tensor, const nc_tensor* data) {
  NC_GUARD({
    at::Tensor target = unwrap(tensor);
    target.set_data(unwrap(data));
  });
}

nc_status nc_nn_clip_grad_norm(const nc_tensor* const* params, int32_t count, double max_norm, double norm_type, double* total_norm) {
  NC_GUARD({
    at::NoGradGuard no_grad;
    std::vector<at::Tensor> grads;
    for (const auto& param : to_list(params, count))
      if (param.grad().defined()) grads.push_back(param.grad());
    if (grads.empty()) {
      *total_norm = 0.0;
      return;
    }
    // Same arithmetic as torch.nn.utils.clip_grad_norm_.
    at::Tensor norm;
    if (norm_type <= 0) {
      std::vector<at::Tensor> maxima;
      for (const auto& g : grads) maxima.push_back(g.abs().max());
      norm = at::stack(maxima).max();
    } else {
      std::vector<at::Tensor> norms;
      for (const auto& g : grads) norms.push_back(g.norm(norm_type));
      norm = at::stack(norms).norm(norm_type);
    }
    auto coefficient = (max_norm / (norm + 1e-6)).clamp_max(1.0);
    for (auto& g : grads) g.mul_(coefficient.to(g.device()));
    *total_norm = norm.item<double>();
  });
}

}  // extern "C"
