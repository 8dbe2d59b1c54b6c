// Autograd: gradients, backward, torch.autograd.grad and the thread's grad mode.
#include <algorithm>
#include <vector>

#include <ATen/autocast_mode.h>
#include <torch/csrc/autograd/autograd.h>
#include <torch/csrc/autograd/function.h>
#include <torch/csrc/autograd/grad_mode.h>

#include "guard.h"
#include "neuralcore/nc_autograd.h"

using namespace neuralcore;

namespace {
thread_local std::string grad_fn_name;

// libtorch 2.4 replaced the per-device autocast functions with ones taking the device type.
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
bool autocast_enabled(c10::DeviceType type) { return at::autocast::is_autocast_enabled(type); }
void set_autocast_enabled(c10::DeviceType type, bool enabled) { at::autocast::set_autocast_enabled(type, enabled); }
at::ScalarType autocast_dtype(c10::DeviceType type) { return at::autocast::get_autocast_dtype(type); }
void set_autocast_dtype(c10::DeviceType type, at::ScalarType dtype) { at::autocast::set_autocast_dtype(type, dtype); }
#else
bool autocast_enabled(c10::DeviceType type) {
  return type == c10::DeviceType::CPU ? at::autocast::is_cpu_enabled() : at::autocast::is_enabled();
}
void set_autocast_enabled(c10::DeviceType type, bool enabled) {
  if (type == c10::DeviceType::CPU) at::autocast::set_cpu_enabled(enabled);
  else at::autocast::set_enabled(enabled);
}
at::ScalarType autocast_dtype(c10::DeviceType type) {
  return type == c10::DeviceType::CPU ? at::autocast::get_autocast_cpu_dtype() : at::autocast::get_autocast_gpu_dtype();
}
void set_autocast_dtype(c10::DeviceType type, at::ScalarType dtype) {
  if (type == c10::DeviceType::CPU) at::autocast::set_autocast_cpu_dtype(dtype);
  else at::autocast::set_autocast_gpu_dtype(dtype);
}
#endif

c10::DeviceType autocast_device(int32_t device_type) {
  if (device_type != static_cast<int32_t>(c10::DeviceType::CPU) && device_type != static_cast<int32_t>(c10::DeviceType::CUDA))
    throw std::invalid_argument("autocast supports the CPU and CUDA device types");
  return static_cast<c10::DeviceType>(device_type);
}
}  // namespace

extern "C" {

nc_status nc_tensor_set_requires_grad(const nc_tensor* tensor, int32_t requires_grad) {
  NC_GUARD(unwrap(tensor).set_requires_grad(requires_grad != 0));
}

nc_status nc_tensor_grad_identity(const nc_tensor* tensor, const void** identity) {
  NC_GUARD({
    const auto& gradient = unwrap(tensor).grad();
    *identity = gradient.defined() ? gradient.unsafeGetTensorImpl() : nullptr;
  });
}

nc_status nc_tensor_grad(const nc_tensor* tensor, nc_tensor** out) {
  NC_GUARD({
    const auto& gradient = unwrap(tensor).grad();
    *out = gradient.defined() ? wrap(gradient) : nullptr;
  });
}

nc_status nc_tensor_set_grad(const nc_tensor* tensor, const nc_tensor* gradient) {
  NC_GUARD(unwrap(tensor).mutable_grad() = gradient != nullptr ? gradient->value : at::Tensor());
}

nc_status nc_tensor_retain_grad(const nc_tensor* tensor) { NC_GUARD(unwrap(tensor).retain_grad()); }

nc_status nc_tensor_backward(const nc_tensor* tensor, const nc_tensor* gradient, int32_t retain_graph, int32_t create_graph) {
  NC_GUARD(unwrap(tensor).backward(gradient != nullptr ? gradient->value : at::Tensor(), retain_graph != 0, create_graph != 0));
}

nc_status nc_tensor_detach(const nc_tensor* tensor, nc_tensor** out) { NC_GUARD(*out = wrap(unwrap(tensor).detach())); }

nc_status nc_tensor_detach_inplace(const nc_tensor* tensor) { NC_GUARD(unwrap(tensor).detach_()); }

nc_status nc_tensor_grad_fn_name(const nc_tensor* tensor, const char** name) {
  NC_GUARD({
    const auto& node = unwrap(tensor).grad_fn();
    grad_fn_name = node ? node->name() : std::string();
    *name = grad_fn_name.c_str();
  });
}

nc_status nc_autograd_grad(const nc_tensor* const* outputs, const nc_tensor* const* grad_outputs, int32_t output_count,
                           const nc_tensor* const* inputs, int32_t input_count, int32_t retain_graph,
                           int32_t create_graph, int32_t allow_unused, nc_tensor** results) {
  NC_GUARD({
    if (output_count <= 0 || outputs == nullptr) throw std::invalid_argument("grad: no outputs given");
    if (input_count <= 0 || inputs == nullptr) throw std::invalid_argument("grad: no inputs given");
    std::vector<at::Tensor> output_list, grad_output_list;
    for (int32_t i = 0; i < output_count; ++i) {
      output_list.push_back(unwrap(outputs[i]));
      grad_output_list.push_back(grad_outputs != nullptr && grad_outputs[i] != nullptr ? grad_outputs[i]->value : at::Tensor());
    }
    const auto input_list = to_list(inputs, input_count);
    auto gradients = torch::autograd::grad(
        output_list, input_list, grad_output_list,
        retain_graph < 0 ? c10::nullopt : c10::optional<bool>(retain_graph != 0), create_graph != 0, allow_unused != 0);
    // Wrap everything first so that a failure part-way leaks nothing into results.
    std::vector<std::unique_ptr<nc_tensor>> wrapped;
    for (auto& gradient : gradients) wrapped.emplace_back(gradient.defined() ? wrap(std::move(gradient)) : nullptr);
    for (size_t i = 0; i < wrapped.size(); ++i) results[i] = wrapped[i].release();
  });
}

nc_status nc_autocast_enter(int32_t device_type, int32_t enabled, int32_t dtype, int32_t* previous_enabled, int32_t* previous_dtype) {
  NC_GUARD({
    const auto type = autocast_device(device_type);
    *previous_enabled = autocast_enabled(type) ? 1 : 0;
    *previous_dtype = static_cast<int32_t>(autocast_dtype(type));
    set_autocast_dtype(type, to_dtype(dtype));
    set_autocast_enabled(type, enabled != 0);
    at::autocast::increment_nesting();
  });
}

nc_status nc_autocast_exit(int32_t device_type, int32_t previous_enabled, int32_t previous_dtype) {
  NC_GUARD({
    const auto type = autocast_device(device_type);
    if (at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();
    set_autocast_enabled(type, previous_enabled != 0);
    set_autocast_dtype(type, to_dtype(previous_dtype));
  });
}

nc_status nc_autocast_is_enabled(int32_t device_type, int32_t* enabled) {
  NC_GUARD(*enabled = autocast_enabled(autocast_device(device_type)) ? 1 : 0);
}

nc_status nc_amp_unscale(const nc_tensor* const* gradients, int32_t count, double inverse_scale, int32_t* found_inf) {
  NC_GUARD({
    // CUDA gradients go through torch.amp's one fused check-and-unscale per device and dtype; the others (the CPU, where
    // libtorch 1.13 has no such kernel) are checked and multiplied one by one. One device sync at the end, as PyTorch.
    std::vector<std::pair<std::pair<c10::Device, at::ScalarType>, std::vector<at::Tensor>>> cuda_groups;
    bool found = false;
    at::NoGradGuard no_grad;
    for (int32_t i = 0; i < count; ++i) {
      const auto& gradient = unwrap(gradients[i]);
      if (gradient.is_cuda()) {
        const auto key = std::make_pair(gradient.device(), gradient.scalar_type());
        auto group = std::find_if(cuda_groups.begin(), cuda_groups.end(), [&](const auto& g) { return g.first == key; });
        if (group == cuda_groups.end()) group = cuda_groups.insert(cuda_groups.end(), {key, {}});
        group->second.push_back(gradient);
        continue;
      }
      if (!gradient.isfinite().all().item<bool>()) found = true;
      gradient.mul_(inverse_scale);
    }
    std::vector<at::Tensor> flags;
    for (auto& [key, list] : cuda_groups) {
      auto flag = at::zeros({1}, at::TensorOptions().dtype(at::kFloat).device(key.first));
      auto inverse = at::full({1}, inverse_scale, at::TensorOptions().dtype(at::kFloat).device(key.first));
      at::_amp_foreach_non_finite_check_and_unscale_(list, flag, inverse);
      flags.push_back(flag);
    }
    for (auto& flag : flags)
      if (flag.item<float>() != 0) found = true;
    *found_inf = found ? 1 : 0;
  });
}

int32_t nc_autograd_is_enabled(void) { return at::GradMode::is_enabled() ? 1 : 0; }

int32_t nc_autograd_set_enabled(int32_t enabled) {
  const bool previous = at::GradMode::is_enabled();
  at::GradMode::set_enabled(enabled != 0);
  return previous ? 1 : 0;
}

}  // extern "C"
