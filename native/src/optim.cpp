// Optimizers over torch::optim.
#include <cstdio>
#include <memory>
#include <sstream>
#include <vector>

#include <torch/optim.h>

#include "guard.h"
#include "neuralcore/nc_optim.h"

using namespace neuralcore;

struct nc_optimizer {
  std::unique_ptr<torch::optim::Optimizer> value;
  int32_t kind = -1;
  int32_t foreach = -1;  // Adam and AdamW: 1 multi-tensor step, 0 per parameter, -1 multi-tensor on CUDA (PyTorch's default)
  int64_t foreach_steps = 0;  // how many steps took the multi-tensor form (tests read it)
};

namespace {

torch::optim::Optimizer& unwrap_optimizer(const nc_optimizer* optimizer) {
  if (optimizer == nullptr) throw std::invalid_argument("optimizer handle is null");
  return *optimizer->value;
}

std::unique_ptr<torch::optim::OptimizerOptions> make_options(int32_t kind, const nc_optimizer_options& o) {
  switch (kind) {
    case NC_OPTIM_SGD:
      return std::make_unique<torch::optim::SGDOptions>(
          torch::optim::SGDOptions(o.learning_rate).momentum(o.momentum).dampening(o.dampening).weight_decay(o.weight_decay).nesterov(o.nesterov != 0));
    case NC_OPTIM_ADAM:
      return std::make_unique<torch::optim::AdamOptions>(torch::optim::AdamOptions(o.learning_rate)
                                                             .betas(std::make_tuple(o.beta1, o.beta2))
                                                             .eps(o.eps)
                                                             .weight_decay(o.weight_decay)
                                                             .amsgrad(o.amsgrad != 0));
    case NC_OPTIM_ADAMW:
      return std::make_unique<torch::optim::AdamWOptions>(torch::optim::AdamWOptions(o.learning_rate)
                                                              .betas(std::make_tuple(o.beta1, o.beta2))
                                                              .eps(o.eps)
                                                              .weight_decay(o.weight_decay)
                                                              .amsgrad(o.amsgrad != 0));
    case NC_OPTIM_RMSPROP:
      return std::make_unique<torch::optim::RMSpropOptions>(torch::optim::RMSpropOptions(o.learning_rate)
                                                                .alpha(o.alpha)
                                                                .eps(o.eps)
                                                                .weight_decay(o.weight_decay)
                                                                .momentum(o.momentum)
                                                                .centered(o.centered != 0));
    case NC_OPTIM_ADAGRAD:
      return std::make_unique<torch::optim::AdagradOptions>(torch::optim::AdagradOptions(o.learning_rate)
                                                                .lr_decay(o.learning_rate_decay)
                                                                .weight_decay(o.weight_decay)
                                                                .initial_accumulator_value(o.initial_accumulator_value)
                                                                .eps(o.eps));
    default:
      throw std::invalid_argument("unknown optimizer kind " + std::to_string(kind));
  }
}

template <class Optimizer, class Options>
std::unique_ptr<torch::optim::Optimizer> make(std::vector<torch::optim::OptimizerParamGroup> groups, const nc_optimizer_options& first,
                                              int32_t kind) {
  auto defaults = make_options(kind, first);
  return std::make_unique<Optimizer>(std::move(groups), static_cast<Options&>(*defaults));
}

torch::optim::OptimizerParamGroup& group_at(torch::optim::Optimizer& optimizer, int32_t group) {
  auto& groups = optimizer.param_groups();
  if (group < 0 || static_cast<size_t>(group) >= groups.size())
    throw std::invalid_argument("parameter group " + std::to_string(group) + " does not exist (the optimizer has " +
                                std::to_string(groups.size()) + ")");
  return groups[static_cast<size_t>(group)];
}

// The parameter at a position over all groups, and the key its state has in torch::optim (a string in 1.x, the
// TensorImpl pointer from 2.0).
const at::Tensor& parameter_at(torch::optim::Optimizer& optimizer, int32_t index) {
  int64_t remaining = index;
  if (remaining >= 0)
    for (auto& group : optimizer.param_groups()) {
      if (remaining < static_cast<int64_t>(group.params().size())) return group.params()[static_cast<size_t>(remaining)];
      remaining -= static_cast<int64_t>(group.params().size());
    }
  throw std::invalid_argument("parameter " + std::to_string(index) + " is not one of the optimizer's");
}

#if TORCH_VERSION_MAJOR >= 2
void* state_key(const at::Tensor& parameter) { return parameter.unsafeGetTensorImpl(); }
#else
std::string state_key(const at::Tensor& parameter) { return c10::guts::to_string(parameter.unsafeGetTensorImpl()); }
#endif

// Reads or writes one entry of a parameter state of type State; write null reads. False: the state is another type.
// TORCH_ARG accessors are overloaded (getter, setter), so entries are named by a macro rather than member pointers.
#define NC_STATE_TENSOR(field)                                      \
  if (name == #field) {                                             \
    if (write != nullptr) state->field(write->detach().clone());    \
    else *read = state->field();                                    \
    return true;                                                    \
  }
template <class State>
bool state_entry(torch::optim::OptimizerParamState& base, const std::string& name, at::Tensor* read, const at::Tensor* write) {
  auto* state = dynamic_cast<State*>(&base);
  if (state == nullptr) return false;
  if constexpr (std::is_same_v<State, torch::optim::SGDParamState>) {
    NC_STATE_TENSOR(momentum_buffer)
  } else {
    if (name == "step") {
      if (write != nullptr) state->step(static_cast<int64_t>(write->item<double>()));
      else *read = at::scalar_tensor(static_cast<double>(state->step()), at::kFloat);
      return true;
    }
    if constexpr (std::is_same_v<State, torch::optim::AdamParamState> || std::is_same_v<State, torch::optim::AdamWParamState>) {
      NC_STATE_TENSOR(exp_avg)
      NC_STATE_TENSOR(exp_avg_sq)
      NC_STATE_TENSOR(max_exp_avg_sq)
    } else if constexpr (std::is_same_v<State, torch::optim::RMSpropParamState>) {
      NC_STATE_TENSOR(square_avg)
      NC_STATE_TENSOR(momentum_buffer)
      NC_STATE_TENSOR(grad_avg)
    } else if constexpr (std::is_same_v<State, torch::optim::AdagradParamState>) {
      NC_STATE_TENSOR(sum)
    }
  }
  throw std::invalid_argument("this optimizer keeps no state entry '" + name + "'");
}
#undef NC_STATE_TENSOR

bool any_state_entry(torch::optim::OptimizerParamState& state, const std::string& name, at::Tensor* read, const at::Tensor* write) {
  return state_entry<torch::optim::SGDParamState>(state, name, read, write) ||
         state_entry<torch::optim::AdamParamState>(state, name, read, write) ||
         state_entry<torch::optim::AdamWParamState>(state, name, read, write) ||
         state_entry<torch::optim::RMSpropParamState>(state, name, read, write) ||
         state_entry<torch::optim::AdagradParamState>(state, name, read, write);
}

std::unique_ptr<torch::optim::OptimizerParamState> new_state(torch::optim::OptimizerOptions& options) {
  if (dynamic_cast<torch::optim::SGDOptions*>(&options)) return std::make_unique<torch::optim::SGDParamState>();
  if (dynamic_cast<torch::optim::AdamOptions*>(&options)) return std::make_unique<torch::optim::AdamParamState>();
  if (dynamic_cast<torch::optim::AdamWOptions*>(&options)) return std::make_unique<torch::optim::AdamWParamState>();
  if (dynamic_cast<torch::optim::RMSpropOptions*>(&options)) return std::make_unique<torch::optim::RMSpropParamState>();
  if (dynamic_cast<torch::optim::AdagradOptions*>(&options)) return std::make_unique<torch::optim::AdagradParamState>();
  throw std::invalid_argument("unknown optimizer options");
}

torch::optim::OptimizerOptions& options_of_parameter(torch::optim::Optimizer& optimizer, int32_t index) {
  int64_t remaining = index;
  for (auto& group : optimizer.param_groups()) {
    if (remaining < static_cast<int64_t>(group.params().size())) return group.options();
    remaining -= static_cast<int64_t>(group.params().size());
  }
  throw std::invalid_argument("parameter " + std::to_string(index) + " is not one of the optimizer's");
}

// Reads (write null) or writes a hyper-parameter by PyTorch's name.
#define NC_NUMBER(o, field)                                         \
  if (name == #field) {                                             \
    if (write != nullptr) (o)->field(*write);                       \
    return static_cast<double>((o)->field());                       \
  }
#define NC_FLAG(o, field)                                           \
  if (name == #field) {                                             \
    if (write != nullptr) (o)->field(*write != 0);                  \
    return (o)->field() ? 1.0 : 0.0;                                \
  }
#define NC_BETAS(o)                                                 \
  if (name == "beta1" || name == "beta2") {                         \
    auto pair = (o)->betas();                                       \
    auto& beta = name == "beta1" ? std::get<0>(pair) : std::get<1>(pair); \
    if (write != nullptr) {                                         \
      beta = *write;                                                \
      (o)->betas(pair);                                             \
    }                                                               \
    return beta;                                                    \
  }
double option(torch::optim::OptimizerOptions& options, const std::string& name, const double* write) {
  using namespace torch::optim;
  if (name == "lr") {
    if (write != nullptr) options.set_lr(*write);
    return options.get_lr();
  }
  if (auto* o = dynamic_cast<SGDOptions*>(&options)) {
    NC_NUMBER(o, momentum)
    NC_NUMBER(o, dampening)
    NC_NUMBER(o, weight_decay)
    NC_FLAG(o, nesterov)
  } else if (auto* o = dynamic_cast<AdamOptions*>(&options)) {
    NC_BETAS(o)
    NC_NUMBER(o, eps)
    NC_NUMBER(o, weight_decay)
    NC_FLAG(o, amsgrad)
  } else if (auto* o = dynamic_cast<AdamWOptions*>(&options)) {
    NC_BETAS(o)
    NC_NUMBER(o, eps)
    NC_NUMBER(o, weight_decay)
    NC_FLAG(o, amsgrad)
  } else if (auto* o = dynamic_cast<RMSpropOptions*>(&options)) {
    NC_NUMBER(o, alpha)
    NC_NUMBER(o, eps)
    NC_NUMBER(o, weight_decay)
    NC_NUMBER(o, momentum)
    NC_FLAG(o, centered)
  } else if (auto* o = dynamic_cast<AdagradOptions*>(&options)) {
    NC_NUMBER(o, lr_decay)
    NC_NUMBER(o, weight_decay)
    NC_NUMBER(o, initial_accumulator_value)
    NC_NUMBER(o, eps)
  }
  throw std::invalid_argument("this optimizer has no hyper-parameter '" + name + "'");
}
#undef NC_NUMBER
#undef NC_FLAG
#undef NC_BETAS

// Adam's and AdamW's step as torch::optim's, over whole lists of parameters: each operation is one _foreach_ call per
// group instead of one kernel per parameter (PyTorch's multi-tensor step, its default on CUDA). On the CPU the lists
// run the same kernels one by one, so both forms give the same bits there.
void foreach_adam_step(torch::optim::Optimizer& optimizer, bool decoupled) {
  at::NoGradGuard no_grad;
  for (auto& group : optimizer.param_groups()) {
    double lr, beta1, beta2, eps, weight_decay;
    bool amsgrad;
    if (decoupled) {
      auto& o = static_cast<torch::optim::AdamWOptions&>(group.options());
      std::tie(lr, beta1, beta2, eps, weight_decay, amsgrad) =
          std::make_tuple(o.lr(), std::get<0>(o.betas()), std::get<1>(o.betas()), o.eps(), o.weight_decay(), o.amsgrad());
    } else {
      auto& o = static_cast<torch::optim::AdamOptions&>(group.options());
      std::tie(lr, beta1, beta2, eps, weight_decay, amsgrad) =
          std::make_tuple(o.lr(), std::get<0>(o.betas()), std::get<1>(o.betas()), o.eps(), o.weight_decay(), o.amsgrad());
    }
    std::vector<at::Tensor> params, grads, averages, squares, maxima;
    std::vector<at::Scalar> denominators, step_sizes;
    for (auto& p : group.params()) {
      if (!p.grad().defined()) continue;
      TORCH_CHECK(!p.grad().is_sparse(), "Adam does not support sparse gradients");
      auto key = state_key(p);
      auto found = optimizer.state().find(key);
      if (found == optimizer.state().end()) {
        std::unique_ptr<torch::optim::OptimizerParamState> created;
        auto init = [&](auto state) {
          state->step(0);
          state->exp_avg(at::zeros_like(p, at::MemoryFormat::Preserve));
          state->exp_avg_sq(at::zeros_like(p, at::MemoryFormat::Preserve));
          if (amsgrad) state->max_exp_avg_sq(at::zeros_like(p, at::MemoryFormat::Preserve));
          created = std::move(state);
        };
        if (decoupled) init(std::make_unique<torch::optim::AdamWParamState>());
        else init(std::make_unique<torch::optim::AdamParamState>());
        found = optimizer.state().emplace(key, std::move(created)).first;
      }
      auto record = [&](auto& state) {
        state.step(state.step() + 1);
        averages.push_back(state.exp_avg());
        squares.push_back(state.exp_avg_sq());
        if (amsgrad) maxima.push_back(state.max_exp_avg_sq());
        const auto step = static_cast<double>(state.step());
        denominators.emplace_back(std::sqrt(1 - std::pow(beta2, step)));
        step_sizes.emplace_back(-lr / (1 - std::pow(beta1, step)));
      };
      if (decoupled) record(static_cast<torch::optim::AdamWParamState&>(*found->second));
      else record(static_cast<torch::optim::AdamParamState&>(*found->second));
      params.push_back(p);
      grads.push_back(p.grad());
    }
    if (params.empty()) continue;
    if (weight_decay != 0) {
      if (decoupled) at::_foreach_mul_(params, 1 - lr * weight_decay);
      else grads = at::_foreach_add(grads, params, weight_decay);
    }
    at::_foreach_mul_(averages, beta1);
    at::_foreach_add_(averages, grads, 1 - beta1);
    at::_foreach_mul_(squares, beta2);
    at::_foreach_addcmul_(squares, grads, grads, 1 - beta2);
    if (amsgrad) at::_foreach_maximum_(maxima, squares);
    auto denominator = at::_foreach_sqrt(amsgrad ? maxima : squares);
    at::_foreach_div_(denominator, denominators);
    at::_foreach_add_(denominator, eps);
    at::_foreach_addcdiv_(params, averages, denominator, step_sizes);
  }
}

bool all_on_cuda(torch::optim::Optimizer& optimizer) {
  for (auto& group : optimizer.param_groups())
    for (auto& p : group.params())
      if (p.grad().defined() && !p.is_cuda()) return false;
  return true;
}

}  // namespace

extern "C" {

nc_status nc_optimizer_foreach_steps(const nc_optimizer* optimizer, int64_t* steps) {
  NC_GUARD({
    if (optimizer == nullptr) throw std::invalid_argument("optimizer handle is null");
    *steps = optimizer->foreach_steps;
  });
}

nc_status nc_optimizer_set_foreach(const nc_optimizer* optimizer, int32_t mode) {
  NC_GUARD({
    if (optimizer == nullptr) throw std::invalid_argument("optimizer handle is null");
    if (mode < -1 || mode > 1) throw std::invalid_argument("foreach mode must be -1, 0 or 1");
    const_cast<nc_optimizer*>(optimizer)->foreach = mode;
  });
}

nc_status nc_optimizer_get_option(const nc_optimizer* optimizer, int32_t group, const char* name, double* value) {
  NC_GUARD({
    if (name == nullptr) throw std::invalid_argument("option name is null");
    *value = option(group_at(unwrap_optimizer(optimizer), group).options(), name, nullptr);
  });
}

nc_status nc_optimizer_set_option(const nc_optimizer* optimizer, int32_t group, const char* name, double value) {
  NC_GUARD({
    if (name == nullptr) throw std::invalid_argument("option name is null");
    option(group_at(unwrap_optimizer(optimizer), group).options(), name, &value);
  });
}

nc_status nc_optimizer_get_state(const nc_optimizer* optimizer, int32_t parameter, const char* name, nc_tensor** out) {
  NC_GUARD({
    if (name == nullptr) throw std::invalid_argument("state name is null");
    *out = nullptr;
    auto& value = unwrap_optimizer(optimizer);
    const auto& tensor = parameter_at(value, parameter);
    auto found = value.state().find(state_key(tensor));
    if (found == value.state().end()) return;
    at::Tensor entry;
    any_state_entry(*found->second, name, &entry, nullptr);
    if (entry.defined()) *out = wrap(std::move(entry));
  });
}

nc_status nc_optimizer_set_state(const nc_optimizer* optimizer, int32_t parameter, const char* name, const nc_tensor* value) {
  NC_GUARD({
    if (name == nullptr) throw std::invalid_argument("state name is null");
    auto& target = unwrap_optimizer(optimizer);
    const auto& tensor = parameter_at(target, parameter);
    const auto& entry = unwrap(value);
    auto& states = target.state();
    auto key = state_key(tensor);
    auto found = states.find(key);
    if (found == states.end()) found = states.emplace(key, new_state(options_of_parameter(target, parameter))).first;
    at::NoGradGuard no_grad;
    any_state_entry(*found->second, name, nullptr, &entry);
  });
}

nc_status nc_optimizer_clear_state(const nc_optimizer* optimizer, int32_t parameter) {
  NC_GUARD({
    auto& target = unwrap_optimizer(optimizer);
    const auto& tensor = parameter_at(target, parameter);
    auto key = state_key(tensor);
    target.state().erase(key);
    // libtorch's Adagrad reads its state without checking that it exists: give back what its constructor makes.
    if (auto* adagrad = dynamic_cast<torch::optim::AdagradOptions*>(&options_of_parameter(target, parameter))) {
      auto state = std::make_unique<torch::optim::AdagradParamState>();
      state->step(0);
      state->sum(torch::full_like(tensor.data(), adagrad->initial_accumulator_value(), at::MemoryFormat::Preserve));
      target.state()[key] = std::move(state);
    }
  });
}

nc_status nc_optimizer_create(int32_t kind, const nc_tensor* const* params, const int32_t* group_sizes, int32_t group_count,
                              const nc_optimizer_options* group_options, nc_optimizer** out) {
  NC_GUARD({
    if (group_count <= 0 || group_sizes == nullptr || group_options == nullptr) throw std::invalid_argument("optimizer: no parameter groups given");
    std::vector<torch::optim::OptimizerParamGroup> groups;
    int64_t offset = 0;
    for (int32_t g = 0; g < group_count; ++g) {
      if (group_sizes[g] <= 0) throw std::invalid_argument("optimizer: parameter group " + std::to_string(g) + " is empty");
      std::vector<at::Tensor> tensors;
      for (int32_t i = 0; i < group_sizes[g]; ++i) tensors.push_back(unwrap(params[offset + i]));
      offset += group_sizes[g];
      groups.emplace_back(std::move(tensors), make_options(kind, group_options[g]));
    }
    std::unique_ptr<torch::optim::Optimizer> optimizer;
    switch (kind) {
      case NC_OPTIM_SGD: optimizer = make<torch::optim::SGD, torch::optim::SGDOptions>(std::move(groups), group_options[0], kind); break;
      case NC_OPTIM_ADAM: optimizer = make<torch::optim::Adam, torch::optim::AdamOptions>(std::move(groups), group_options[0], kind); break;
      case NC_OPTIM_ADAMW: optimizer = make<torch::optim::AdamW, torch::optim::AdamWOptions>(std::move(groups), group_options[0], kind); break;
      case NC_OPTIM_RMSPROP: optimizer = make<torch::optim::RMSprop, torch::optim::RMSpropOptions>(std::move(groups), group_options[0], kind); break;
      case NC_OPTIM_ADAGRAD: optimizer = make<torch::optim::Adagrad, torch::optim::AdagradOptions>(std::move(groups), group_options[0], kind); break;
      default: throw std::invalid_argument("unknown optimizer kind " + std::to_string(kind));
    }
    *out = new nc_optimizer{std::move(optimizer), kind};
  });
}

void nc_optimizer_free(nc_optimizer* optimizer) { delete optimizer; }

nc_status nc_optimizer_step(const nc_optimizer* optimizer) {
  NC_GUARD({
    auto& value = unwrap_optimizer(optimizer);
    const bool adam = optimizer->kind == NC_OPTIM_ADAM || optimizer->kind == NC_OPTIM_ADAMW;
    if (adam && (optimizer->foreach == 1 || (optimizer->foreach == -1 && all_on_cuda(value)))) {
      foreach_adam_step(value, optimizer->kind == NC_OPTIM_ADAMW);
      const_cast<nc_optimizer*>(optimizer)->foreach_steps++;
    } else
      value.step();
  });
}

nc_status nc_optimizer_zero_grad(const nc_optimizer* optimizer, int32_t set_to_none) {
  NC_GUARD({
    for (auto& group : unwrap_optimizer(optimizer).param_groups()) {
      for (auto& param : group.params()) {
        auto& grad = param.mutable_grad();
        if (!grad.defined()) continue;
        if (set_to_none) {
          grad = at::Tensor();
        } else {
          grad = grad.detach();
          grad.zero_();
        }
      }
    }
  });
}

nc_status nc_optimizer_get_learning_rate(const nc_optimizer* optimizer, int32_t group, double* learning_rate) {
  NC_GUARD(*learning_rate = group_at(unwrap_optimizer(optimizer), group).options().get_lr());
}

nc_status nc_optimizer_set_learning_rate(const nc_optimizer* optimizer, int32_t group, double learning_rate) {
  NC_GUARD(group_at(unwrap_optimizer(optimizer), group).options().set_lr(learning_rate));
}

namespace {
// The hyper-parameter OneCycleLR and CyclicLR cycle: SGD's and RMSprop's momentum, Adam's and AdamW's beta1.
double momentum_of(torch::optim::OptimizerOptions& options) {
  if (auto* sgd = dynamic_cast<torch::optim::SGDOptions*>(&options)) return sgd->momentum();
  if (auto* rms = dynamic_cast<torch::optim::RMSpropOptions*>(&options)) return rms->momentum();
  if (auto* adam = dynamic_cast<torch::optim::AdamOptions*>(&options)) return std::get<0>(adam->betas());
  if (auto* adamw = dynamic_cast<torch::optim::AdamWOptions*>(&options)) return std::get<0>(adamw->betas());
  throw std::invalid_argument("optimizer must support momentum or beta1 (Adagrad has neither)");
}

void set_momentum(torch::optim::OptimizerOptions& options, double value) {
  if (auto* sgd = dynamic_cast<torch::optim::SGDOptions*>(&options)) {
    sgd->momentum(value);
  } else if (auto* rms = dynamic_cast<torch::optim::RMSpropOptions*>(&options)) {
    rms->momentum(value);
  } else if (auto* adam = dynamic_cast<torch::optim::AdamOptions*>(&options)) {
    adam->betas(std::make_tuple(value, std::get<1>(adam->betas())));
  } else if (auto* adamw = dynamic_cast<torch::optim::AdamWOptions*>(&options)) {
    adamw->betas(std::make_tuple(value, std::get<1>(adamw->betas())));
  } else {
    throw std::invalid_argument("optimizer must support momentum or beta1 (Adagrad has neither)");
  }
}
}  // namespace

nc_status nc_optimizer_get_momentum(const nc_optimizer* optimizer, int32_t group, double* momentum) {
  NC_GUARD(*momentum = momentum_of(group_at(unwrap_optimizer(optimizer), group).options()));
}

nc_status nc_optimizer_set_momentum(const nc_optimizer* optimizer, int32_t group, double momentum) {
  NC_GUARD(set_momentum(group_at(unwrap_optimizer(optimizer), group).options(), momentum));
}

nc_status nc_optimizer_save(const nc_optimizer* optimizer, const char* path) {
  NC_GUARD({
    if (path == nullptr) throw std::invalid_argument("save: path is null");
    torch::serialize::OutputArchive archive;
    unwrap_optimizer(optimizer).save(archive);
    std::ostringstream buffer;
    archive.save_to(buffer);
    const auto bytes = buffer.str();
    write_atomically(path, [&](const auto& sink) { sink(bytes.data(), bytes.size()); });
  });
}

nc_status nc_optimizer_load(const nc_optimizer* optimizer, const char* path) {
  NC_GUARD({
    if (path == nullptr) throw std::invalid_argument("load: path is null");
    torch::serialize::InputArchive archive;
    archive.load_from(path);
    unwrap_optimizer(optimizer).load(archive);
  });
}

}  // extern "C"
