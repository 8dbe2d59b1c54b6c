// c10d process groups (Gloo where its headers were found, NCCL where the libtorch has it) over a TCPStore rendezvous.
#include <chrono>
#include <sstream>
#include <vector>

#if defined(NC_WITH_GLOO)
// libtorch 2.x compiles the Gloo process group's declarations only under this macro; Linux builds ship Gloo.
#ifndef USE_C10D_GLOO
#define USE_C10D_GLOO
#endif
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#endif
#include <torch/csrc/distributed/c10d/ProcessGroup.hpp>
#include <torch/csrc/distributed/c10d/Types.hpp>
#include <torch/csrc/distributed/c10d/Work.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#if defined(USE_C10D_NCCL)
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif
#include <torch/csrc/autograd/custom_function.h>
#include <torch/csrc/autograd/engine.h>

#include "guard.h"
#include "neuralcore/nc_distributed.h"

using namespace neuralcore;

// The common base of Gloo and NCCL groups: ProcessGroup in libtorch 1.x, Backend from 2.0.
#if TORCH_VERSION_MAJOR >= 2
using BackendGroup = c10d::Backend;
#else
using BackendGroup = c10d::ProcessGroup;
#endif

struct nc_process_group {
  c10::intrusive_ptr<c10d::Store> store;
  c10::intrusive_ptr<BackendGroup> group;
  int32_t rank;
  int32_t world_size;
  std::chrono::milliseconds timeout;
};

namespace {

const nc_process_group& unwrap_group(const nc_process_group* group) {
  if (group == nullptr) throw std::invalid_argument("process group handle is null");
  return *group;
}

c10d::ReduceOp reduce_op(int32_t op) {
  switch (op) {
    case NC_REDUCE_SUM:
    case NC_REDUCE_AVG: return c10d::ReduceOp::SUM;  // Gloo has no average: sum, then divide (NCCL alike)
    case NC_REDUCE_MIN: return c10d::ReduceOp::MIN;
    case NC_REDUCE_MAX: return c10d::ReduceOp::MAX;
    case NC_REDUCE_PRODUCT: return c10d::ReduceOp::PRODUCT;
    default: throw std::invalid_argument("unknown reduce op " + std::to_string(op));
  }
}

template <class WorkPointer>
void wait(const WorkPointer& work, const nc_process_group& group) {
  work->wait(group.timeout);
}

// In place; waits up to timeout. Average is a sum divided here, as neither Gloo nor NCCL 1.x averages.
void all_reduce(BackendGroup& group, int32_t world_size, std::chrono::milliseconds timeout, at::Tensor tensor, int32_t op) {
  std::vector<at::Tensor> tensors{tensor};
  c10d::AllreduceOptions options;
  options.reduceOp = reduce_op(op);
  group.allreduce(tensors, options)->wait(timeout);
  if (op == NC_REDUCE_AVG) tensor.div_(world_size);
}

void all_reduce(const nc_process_group& group, at::Tensor tensor, int32_t op) {
  all_reduce(*group.group, group.world_size, group.timeout, std::move(tensor), op);
}

// Buckets of parameters whose gradients are averaged together, as PyTorch's DDP reducer does. Each bucket holds
// what .grad accumulated (earlier backward passes included) and, once all-reduced and divided by the world size,
// replaces .grad: every rank then holds the same bytes, so replicas never drift apart.
class GradientReducer : public std::enable_shared_from_this<GradientReducer> {
 public:
  GradientReducer(const nc_process_group& group, std::vector<at::Tensor> parameters, std::vector<std::string> names,
                  int64_t bucket_bytes, bool find_unused)
      : group_(group.group), rank_(group.rank), world_(group.world_size), timeout_(group.timeout),
        parameters_(std::move(parameters)), names_(std::move(names)), find_unused_(find_unused) {
    // Reverse order: backward produces the last layers' gradients first.
    int64_t filled = 0;
    for (size_t i = parameters_.size(); i-- > 0;) {
      const auto bytes = parameters_[i].numel() * static_cast<int64_t>(parameters_[i].element_size());
      if (buckets_.empty() || (filled > 0 && filled + bytes > bucket_bytes) ||
          parameters_[i].scalar_type() != parameters_[buckets_.back().members.front()].scalar_type() ||
          parameters_[i].device() != parameters_[buckets_.back().members.front()].device()) {
        buckets_.emplace_back();
        filled = 0;
      }
      buckets_.back().members.push_back(i);
      filled += bytes;
    }
    slot_.resize(parameters_.size());
    for (size_t b = 0; b < buckets_.size(); ++b) {
      int64_t offset = 0;
      for (auto member : buckets_[b].members) {
        slot_[member] = {b, offset};
        offset += parameters_[member].numel();
      }
      buckets_[b].flat = at::zeros({offset}, parameters_[buckets_[b].members.front()].options().requires_grad(false));
    }
    marked_.assign(parameters_.size(), false);
  }

  void set_sync(bool enabled) { sync_ = enabled; }

  const std::vector<at::Tensor>& parameters() const { return parameters_; }

  // Called by a parameter's hook with the gradient backward just produced for it, before it is added to .grad.
  void ready(size_t parameter, const at::Tensor& gradient) {
    used_local_[parameter] = true;
    if (!sync_) return;  // no_sync: gradients only accumulate in .grad
    if (!in_backward_) {
      in_backward_ = true;
      auto self = shared_from_this();
      torch::autograd::Engine::get_default_engine().queue_callback([self] { self->finish(); });
    }
    if (marked_[parameter]) return;
    marked_[parameter] = true;
    const auto& grad = parameters_[parameter].grad();
    // What .grad will hold once backward adds this gradient: the same addition, so the same bits.
    slot(parameter).copy_((grad.defined() ? grad + gradient : gradient).reshape({-1}));
    ++buckets_[slot_[parameter].first].arrived;
    launch_ready_buckets();
  }

 private:
  at::Tensor slot(size_t parameter) {
    const auto& [b, offset] = slot_[parameter];
    return buckets_[b].flat.narrow(0, offset, parameters_[parameter].numel());
  }

  // Buckets start strictly in order, so every rank issues its collectives in the same sequence even when
  // gradients arrive in different orders or some parameters are unused on some ranks.
  void launch_ready_buckets() {
    while (next_bucket_ < buckets_.size() && buckets_[next_bucket_].arrived == buckets_[next_bucket_].members.size()) {
      auto& bucket = buckets_[next_bucket_++];
      std::vector<at::Tensor> tensors{bucket.flat};
      c10d::AllreduceOptions options;
      options.reduceOp = c10d::ReduceOp::SUM;
      bucket.work = group_->allreduce(tensors, options);
    }
  }

  void reset() {
    for (auto& bucket : buckets_) {
      bucket.arrived = 0;
      bucket.work.reset();
    }
    std::fill(marked_.begin(), marked_.end(), false);
    next_bucket_ = 0;
    in_backward_ = false;
  }

  void wait_launched() {
    for (auto& bucket : buckets_)
      if (bucket.work) bucket.work->wait(timeout_);
  }

  // End of backward: parameters that got no gradient, then the averages in place of .grad.
  void finish() {
    std::vector<size_t> unused;
    for (size_t i = 0; i < parameters_.size(); ++i)
      if (!marked_[i]) unused.push_back(i);
    if (!unused.empty() && !find_unused_) {
      std::string listed;
      for (auto i : unused) listed += (listed.empty() ? "" : ", ") + names_[i];
      try {
        wait_launched();
      } catch (...) {
      }
      reset();
      throw std::runtime_error("DistributedDataParallel: rank " + std::to_string(rank_) +
                               ": these parameters received no gradient in this backward pass: " + listed +
                               ". Every parameter must take part in producing the loss, or pass "
                               "findUnusedParameters: true so that parameters without a gradient take part as zeros "
                               "(what .grad already holds) and all ranks still agree.");
    }
    // An unused parameter contributes what its .grad already holds (zeros when it has none).
    for (auto i : unused) {
      const auto& grad = parameters_[i].grad();
      if (grad.defined()) slot(i).copy_(grad.reshape({-1}));
      else slot(i).zero_();
      marked_[i] = true;
      ++buckets_[slot_[i].first].arrived;
    }
    launch_ready_buckets();
    c10::intrusive_ptr<c10d::Work> used_work;
    at::Tensor used;
    if (find_unused_) {
      // Which parameters got a gradient on any rank since the last synchronisation: the others keep no .grad, as in PyTorch.
      auto local = at::zeros({static_cast<int64_t>(parameters_.size())}, at::kInt);
      for (size_t i = 0; i < parameters_.size(); ++i)
        if (used_local_[i]) local.data_ptr<int32_t>()[i] = 1;
      used = local.to(parameters_.front().device());
      std::vector<at::Tensor> tensors{used};
      used_work = group_->allreduce(tensors, c10d::AllreduceOptions());
    }
    try {
      wait_launched();
      if (used_work) used_work->wait(timeout_);
    } catch (...) {
      reset();
      throw;
    }
    if (used.defined()) used = used.to(at::kCPU);
    for (auto& bucket : buckets_) {
      bucket.flat.div_(world_);
      for (auto member : bucket.members) {
        if (used.defined() && used.data_ptr<int32_t>()[member] == 0) continue;
        auto averaged = slot(member).view(parameters_[member].sizes());
        auto& grad = parameters_[member].mutable_grad();
        if (grad.defined()) grad.copy_(averaged);
        else grad = averaged.clone();
      }
    }
    std::fill(used_local_.begin(), used_local_.end(), false);
    reset();
  }

  struct Bucket {
    std::vector<size_t> members;
    at::Tensor flat;
    size_t arrived = 0;
    c10::intrusive_ptr<c10d::Work> work;
  };

  c10::intrusive_ptr<BackendGroup> group_;
  int32_t rank_;
  int32_t world_;
  std::chrono::milliseconds timeout_;
  std::vector<at::Tensor> parameters_;
  std::vector<std::string> names_;
  bool find_unused_;
  std::vector<Bucket> buckets_;
  std::vector<std::pair<size_t, int64_t>> slot_;
  std::vector<bool> marked_;
  std::vector<bool> used_local_ = std::vector<bool>(parameters_.size(), false);
  size_t next_bucket_ = 0;
  bool sync_ = true;
  bool in_backward_ = false;
};

// all_reduce whose backward all-reduces the gradient the same way (torch.distributed.nn.functional.all_reduce):
// the gradient of every rank's loss with respect to a rank's contribution is the sum over ranks.
struct AllReduceFunction : public torch::autograd::Function<AllReduceFunction> {
  static at::Tensor forward(torch::autograd::AutogradContext* context, const at::Tensor& input,
                            const c10::intrusive_ptr<BackendGroup>& group, int64_t op, int64_t world, int64_t timeout_ms) {
    context->saved_data["group"] = c10::IValue::make_capsule(group);
    context->saved_data["op"] = op;
    context->saved_data["world"] = world;
    context->saved_data["timeout"] = timeout_ms;
    return reduce(input, group, op, world, timeout_ms);
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* context, torch::autograd::variable_list outputs) {
    auto group = c10::static_intrusive_pointer_cast<BackendGroup>(context->saved_data["group"].toCapsule());
    auto gradient = reduce(outputs[0], group, context->saved_data["op"].toInt(), context->saved_data["world"].toInt(),
                           context->saved_data["timeout"].toInt());
    return {gradient, at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor()};
  }

  static at::Tensor reduce(const at::Tensor& input, const c10::intrusive_ptr<BackendGroup>& group, int64_t op, int64_t world,
                           int64_t timeout_ms) {
    auto result = input.detach().clone(at::MemoryFormat::Contiguous);
    all_reduce(*group, static_cast<int32_t>(world), std::chrono::milliseconds(timeout_ms), result, static_cast<int32_t>(op));
    return result;
  }
};

}  // namespace

struct nc_dist_reducer {
  std::shared_ptr<GradientReducer> reducer;
  std::vector<unsigned> hooks;
};

namespace {

bool is_loopback(const std::string& address) { return address == "localhost" || address.rfind("127.", 0) == 0 || address == "::1"; }

}  // namespace

#if defined(USE_C10D_NCCL)
constexpr bool kNcclBuilt = true;
#else
constexpr bool kNcclBuilt = false;
#endif
#if defined(NC_WITH_GLOO)
constexpr bool kGlooBuilt = true;
#else
constexpr bool kGlooBuilt = false;
#endif
constexpr const char* kBackends = kGlooBuilt ? (kNcclBuilt ? "gloo,nccl" : "gloo") : (kNcclBuilt ? "nccl" : "");

extern "C" {

int32_t nc_dist_available_backends(char* buffer, int32_t capacity) { return copy_text(kBackends, buffer, capacity); }

nc_status nc_dist_init(const char* backend, const char* master_addr, int32_t master_port, int32_t rank, int32_t world_size,
                       int64_t timeout_ms, const char* gloo_interface, const char* gloo_address, nc_process_group** out) {
  NC_GUARD({
    const std::string name(backend != nullptr ? backend : "");
    if (!(name == "gloo" && kGlooBuilt) && !(name == "nccl" && kNcclBuilt))
      throw std::invalid_argument("backend '" + name + "' is not available in this build (available: " +
                                  (*kBackends != '\0' ? kBackends : "none") + ")" +
                                  (name == "gloo" ? "; the libtorch it was built against ships no Gloo headers (set GLOO_INCLUDE_DIR)" : ""));
    if (master_addr == nullptr) throw std::invalid_argument("master address is null");
    if (world_size < 1 || rank < 0 || rank >= world_size)
      throw std::invalid_argument("rank " + std::to_string(rank) + " is outside a world of " + std::to_string(world_size));
    auto result = std::make_unique<nc_process_group>();
    result->rank = rank;
    result->world_size = world_size;
    result->timeout = std::chrono::milliseconds(timeout_ms);
    c10d::TCPStoreOptions store_options;
    store_options.port = static_cast<std::uint16_t>(master_port);
    store_options.isServer = rank == 0;
    store_options.numWorkers = static_cast<std::size_t>(world_size);
    store_options.waitWorkers = true;
    store_options.timeout = result->timeout;
    result->store = c10::make_intrusive<c10d::TCPStore>(master_addr, store_options);
#if defined(USE_C10D_NCCL)
    if (name == "nccl") {
      auto options = c10d::ProcessGroupNCCL::Options::create();
      options->timeout = result->timeout;
      result->group = c10::make_intrusive<c10d::ProcessGroupNCCL>(result->store, rank, world_size, options);
      *out = result.release();
      return;
    }
#endif
#if defined(NC_WITH_GLOO)
    auto options = c10d::ProcessGroupGloo::Options::create();
    options->timeout = result->timeout;
    const std::string address(master_addr);
    if (gloo_interface != nullptr && *gloo_interface != '\0')
      options->devices.push_back(c10d::ProcessGroupGloo::createDeviceForInterface(gloo_interface));
    else if (gloo_address != nullptr && *gloo_address != '\0')
      options->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname(gloo_address));
    else
      options->devices.push_back(is_loopback(address) ? c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1")
                                                      : c10d::ProcessGroupGloo::createDefaultDevice());
    result->group = c10::make_intrusive<c10d::ProcessGroupGloo>(result->store, rank, world_size, options);
    *out = result.release();
#endif
  });
}

void nc_dist_free(nc_process_group* group) { delete group; }

nc_status nc_dist_all_reduce(const nc_process_group* group, const nc_tensor* tensor, int32_t op) {
  NC_GUARD(all_reduce(unwrap_group(group), unwrap(tensor), op));
}

nc_status nc_dist_broadcast(const nc_process_group* group, const nc_tensor* tensor, int32_t root) {
  NC_GUARD({
    const auto& g = unwrap_group(group);
    std::vector<at::Tensor> tensors{unwrap(tensor)};
    c10d::BroadcastOptions options;
    options.rootRank = root;
    wait(g.group->broadcast(tensors, options), g);
  });
}

nc_status nc_dist_all_gather(const nc_process_group* group, const nc_tensor* input, nc_tensor** outputs) {
  NC_GUARD({
    const auto& g = unwrap_group(group);
    const auto& x = unwrap(input);
    std::vector<std::vector<at::Tensor>> gathered(1);
    for (int32_t i = 0; i < g.world_size; ++i) gathered[0].push_back(at::empty_like(x));
    std::vector<at::Tensor> inputs{x};
    wait(g.group->allgather(gathered, inputs), g);
    std::vector<std::unique_ptr<nc_tensor>> wrapped;
    for (auto& tensor : gathered[0]) wrapped.emplace_back(wrap(std::move(tensor)));
    for (size_t i = 0; i < wrapped.size(); ++i) outputs[i] = wrapped[i].release();
  });
}

nc_status nc_dist_reduce_scatter(const nc_process_group* group, const nc_tensor* const* inputs, const nc_tensor* output, int32_t op) {
  NC_GUARD({
    const auto& g = unwrap_group(group);
    if (inputs == nullptr) throw std::invalid_argument("reduce_scatter: inputs are null");
    // Gloo has no reduce_scatter: reduce every block, keep this rank's.
    std::vector<at::Tensor> blocks;
    for (int32_t i = 0; i < g.world_size; ++i) blocks.push_back(unwrap(inputs[i]).contiguous().view({-1}));
    auto stacked = at::cat(blocks);
    all_reduce(g, stacked, op);
    const auto& target = unwrap(output);
    const auto size = blocks[static_cast<size_t>(g.rank)].numel();
    target.copy_(stacked.narrow(0, size * g.rank, size).view_as(target));
  });
}

nc_status nc_dist_barrier(const nc_process_group* group) {
  NC_GUARD({
    const auto& g = unwrap_group(group);
    wait(g.group->barrier(), g);
  });
}

nc_status nc_dist_reducer_create(const nc_process_group* group, const nc_tensor* const* params, int32_t count, const char* names,
                                 int64_t bucket_bytes, int32_t find_unused, nc_dist_reducer** out) {
  NC_GUARD({
    const auto& g = unwrap_group(group);
    const auto parameters = to_list(params, count);
    std::vector<std::string> labels(parameters.size());
    std::istringstream lines(names != nullptr ? names : "");
    for (size_t i = 0; i < labels.size(); ++i)
      if (!std::getline(lines, labels[i]) || labels[i].empty()) labels[i] = "parameter " + std::to_string(i);
    auto result = std::make_unique<nc_dist_reducer>();
    result->reducer = std::make_shared<GradientReducer>(g, parameters, std::move(labels), bucket_bytes, find_unused != 0);
    for (int32_t i = 0; i < count; ++i) {
      std::weak_ptr<GradientReducer> weak = result->reducer;
      result->hooks.push_back(parameters[static_cast<size_t>(i)].register_hook([weak, i](const at::Tensor& gradient) {
        if (auto reducer = weak.lock()) reducer->ready(static_cast<size_t>(i), gradient);
      }));
    }
    *out = result.release();
  });
}

nc_status nc_dist_reducer_set_sync(nc_dist_reducer* reducer, int32_t enabled) {
  NC_GUARD({
    if (reducer == nullptr) throw std::invalid_argument("reducer handle is null");
    reducer->reducer->set_sync(enabled != 0);
  });
}

void nc_dist_reducer_free(nc_dist_reducer* reducer) {
  if (reducer == nullptr) return;
  const auto& parameters = reducer->reducer->parameters();
  for (size_t i = 0; i < reducer->hooks.size(); ++i) {
    try {
      parameters[i].remove_hook(reducer->hooks[i]);
    } catch (...) {
    }
  }
  delete reducer;
}

nc_status nc_dist_all_reduce_autograd(const nc_process_group* group, const nc_tensor* input, int32_t op, nc_tensor** out) {
  NC_GUARD({
    const auto& g = unwrap_group(group);
    if (op != NC_REDUCE_SUM && op != NC_REDUCE_AVG) throw std::invalid_argument("a differentiable all-reduce supports sum and average only");
    *out = wrap(AllReduceFunction::apply(unwrap(input), g.group, static_cast<int64_t>(op), static_cast<int64_t>(g.world_size),
                                         static_cast<int64_t>(g.timeout.count())));
  });
}

}  // extern "C"
