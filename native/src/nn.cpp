// Neural-network functions the op table does not generate: recurrent kernels, initialisation, gradient clipping.
#include <limits>
#include <set>
#include <vector>

#include <ATen/Context.h>
#include <ATen/detail/CUDAHooksInterface.h>
#include <c10/core/DeviceGuard.h>

#include <torch/csrc/autograd/custom_function.h>
#include <torch/csrc/autograd/grad_mode.h>

#include "guard.h"
#include "neuralcore/nc_nn.h"

using namespace neuralcore;

namespace {

// One node for all of a parameter's replicas: backward receives every replica's gradient at once and sums them in device
// order, where separate copies would each accumulate into the parameter in whatever order the replicas' graphs ran.
struct BroadcastFunction : public torch::autograd::Function<BroadcastFunction> {
  static torch::autograd::variable_list forward(torch::autograd::AutogradContext* context, const at::Tensor& input,
                                                const std::vector<c10::Device>& devices) {
    context->saved_data["device"] = input.device();
    torch::autograd::variable_list copies;
    copies.reserve(devices.size());
    for (const auto& device : devices) copies.push_back(input.to(device, /*non_blocking=*/false, /*copy=*/true));
    return copies;
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* context, torch::autograd::variable_list gradients) {
    const auto device = context->saved_data["device"].toDevice();
    at::Tensor sum;
    for (const auto& gradient : gradients) {
      if (!gradient.defined()) continue;
      auto local = gradient.to(device);
      sum = sum.defined() ? sum + local : local;
    }
    return {sum, at::Tensor()};
  }
};

}  // namespace

extern "C" {

nc_status nc_nn_rnn(int32_t mode, const nc_tensor* input, const nc_tensor* batch_sizes, const nc_tensor* hidden, const nc_tensor* cell,
                    const nc_tensor* const* params, int32_t param_count, int32_t has_biases, int64_t num_layers, double dropout,
                    int32_t training, int32_t bidirectional, int32_t batch_first, nc_tensor** output, nc_tensor** hidden_out,
                    nc_tensor** cell_out) {
  NC_GUARD({
    const auto weights = to_list(params, param_count);
    const auto& x = unwrap(input);
    const auto& h = unwrap(hidden);
    const bool biases = has_biases != 0, train = training != 0, both = bidirectional != 0, first = batch_first != 0;
    at::Tensor result, h_n, c_n;
    if (batch_sizes != nullptr) {
      const auto& sizes = unwrap(batch_sizes);
      switch (mode) {
        case NC_RNN_LSTM:
          std::tie(result, h_n, c_n) = at::lstm(x, sizes, {h, unwrap(cell)}, weights, biases, num_layers, dropout, train, both);
          break;
        case NC_RNN_GRU: std::tie(result, h_n) = at::gru(x, sizes, h, weights, biases, num_layers, dropout, train, both); break;
        case NC_RNN_TANH: std::tie(result, h_n) = at::rnn_tanh(x, sizes, h, weights, biases, num_layers, dropout, train, both); break;
        case NC_RNN_RELU: std::tie(result, h_n) = at::rnn_relu(x, sizes, h, weights, biases, num_layers, dropout, train, both); break;
        default: throw std::invalid_argument("unknown recurrent mode " + std::to_string(mode));
      }
    } else {
      switch (mode) {
        case NC_RNN_LSTM:
          std::tie(result, h_n, c_n) = at::lstm(x, {h, unwrap(cell)}, weights, biases, num_layers, dropout, train, both, first);
          break;
        case NC_RNN_GRU: std::tie(result, h_n) = at::gru(x, h, weights, biases, num_layers, dropout, train, both, first); break;
        case NC_RNN_TANH: std::tie(result, h_n) = at::rnn_tanh(x, h, weights, biases, num_layers, dropout, train, both, first); break;
        case NC_RNN_RELU: std::tie(result, h_n) = at::rnn_relu(x, h, weights, biases, num_layers, dropout, train, both, first); break;
        default: throw std::invalid_argument("unknown recurrent mode " + std::to_string(mode));
      }
    }
    std::unique_ptr<nc_tensor> a(wrap(std::move(result))), b(wrap(std::move(h_n)));
    std::unique_ptr<nc_tensor> c(c_n.defined() ? wrap(std::move(c_n)) : nullptr);
    *output = a.release();
    *hidden_out = b.release();
    *cell_out = c.release();
  });
}

nc_status nc_nn_rnn_flatten_parameters(int32_t mode, const nc_tensor* const* params, int32_t param_count, int32_t has_biases,
                                       int64_t input_size, int64_t hidden_size, int64_t num_layers, int32_t batch_first,
                                       int32_t bidirectional, int32_t* flattened) {
  NC_GUARD({
    *flattened = 0;
    const auto weights = to_list(params, param_count);
    if (weights.empty() || !at::detail::getCUDAHooks().compiledWithCuDNN() || !at::globalContext().userEnabledCuDNN()) return;
    const auto dtype = weights.front().scalar_type();
    std::set<const void*> storages;
    for (const auto& weight : weights) {
      if (!weight.is_cuda() || weight.scalar_type() != dtype) return;
      storages.insert(weight.data_ptr());
    }
    if (dtype != at::kHalf && dtype != at::kFloat && dtype != at::kDouble) return;
    if (storages.size() != weights.size()) return;
    // cuDNN's modes: RNN_RELU 0, RNN_TANH 1, LSTM 2, GRU 3.
    int64_t cudnn_mode = 0;
    switch (mode) {
      case NC_RNN_LSTM: cudnn_mode = 2; break;
      case NC_RNN_GRU: cudnn_mode = 3; break;
      case NC_RNN_TANH: cudnn_mode = 1; break;
      case NC_RNN_RELU: cudnn_mode = 0; break;
      default: throw std::invalid_argument("unknown recurrent mode " + std::to_string(mode));
    }
    at::NoGradGuard no_grad;
    c10::DeviceGuard device(weights.front().device());
    at::_cudnn_rnn_flatten_weight(weights, has_biases != 0 ? 4 : 2, input_size, cudnn_mode, hidden_size, /*proj_size=*/0, num_layers,
                                  batch_first != 0, bidirectional != 0);
    *flattened = 1;
  });
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

nc_status nc_nn_broadcast(const nc_tensor* tensor, const int32_t* device_types, const int32_t* device_indices, int32_t count,
                          nc_tensor** results) {
  NC_GUARD({
    if (count <= 0 || device_types == nullptr || device_indices == nullptr || results == nullptr)
      throw std::invalid_argument("broadcast needs at least one device");
    const auto& input = unwrap(tensor);
    std::vector<c10::Device> devices;
    for (int32_t i = 0; i < count; ++i) devices.push_back(to_device(device_types[i], device_indices[i]));
    auto copies = BroadcastFunction::apply(input, devices);
    std::vector<std::unique_ptr<nc_tensor>> owned;
    for (auto& copy : copies) owned.emplace_back(wrap(std::move(copy)));
    for (int32_t i = 0; i < count; ++i) results[i] = owned[static_cast<size_t>(i)].release();
  });
}

}  // extern "C"
