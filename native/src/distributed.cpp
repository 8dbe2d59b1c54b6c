// c10d process groups (Gloo; NCCL where the libtorch has it) over a TCPStore rendezvous.
#include <chrono>
#include <vector>

// libtorch 2.x compiles the Gloo process group's declarations only under this macro; Linux builds ship Gloo.
#ifndef USE_C10D_GLOO
#define USE_C10D_GLOO
#endif
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/Types.hpp>
#include <torch/csrc/distributed/c10d/Work.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#if defined(USE_C10D_NCCL)
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif
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

void all_reduce(const nc_process_group& group, at::Tensor tensor, int32_t op) {
  std::vector<at::Tensor> tensors{tensor};
  c10d::AllreduceOptions options;
  options.reduceOp = reduce_op(op);
  wait(group.group->allreduce(tensors, options), group);
  if (op == NC_REDUCE_AVG) tensor.div_(group.world_size);
}

// Buckets of parameters whose gradients are averaged together, as PyTorch's DDP reducer does.
class GradientReducer : public std::enable_shared_from_this<GradientReducer> {
 public:
  GradientReducer(const nc_process_group& group, std::vector<at::Tensor> parameters, int64_t bucket_bytes)
      : group_(group.group), world_(group.world_size), timeout_(group.timeout), parameters_(std::move(parameters)) {
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
  }

  // Called by a parameter's hook with the gradient backward just produced for it.
  void ready(size_t parameter, const at::Tensor& gradient) {
    if (!in_backward_) {
      in_backward_ = true;
      auto self = shared_from_this();
      torch::autograd::Engine::get_default_engine().queue_callback([self] { self->finish(); });
    }
    auto& [b, offset] = slot_[parameter];
    auto& bucket = buckets_[b];
    bucket.flat.narrow(0, offset, gradient.numel()).copy_(gradient.reshape({-1}));
    bucket.local.emplace_back(parameter, gradient.detach());
    if (++bucket.arrived == bucket.members.size()) {
      std::vector<at::Tensor> tensors{bucket.flat};
      c10d::AllreduceOptions options;
      options.reduceOp = c10d::ReduceOp::SUM;
      bucket.work = group_->allreduce(tensors, options);
    }
  }

 private:
  // End of backward: wait for every bucket, then put the average in place of this rank's contribution.
  void finish() {
    in_backward_ = false;
    for (auto& bucket : buckets_) {
      if (bucket.arrived != bucket.members.size())
        throw std::runtime_error("DistributedDataParallel: backward did not produce a gradient for every parameter "
                                 "(unused parameters are not supported); ranks would disagree");
      bucket.work->wait(timeout_);
      bucket.flat.div_(world_);
      for (auto& [parameter, local] : bucket.local) {
        const auto& [b, offset] = slot_[parameter];
        auto averaged = bucket.flat.narrow(0, offset, local.numel()).view_as(local);
        auto& grad = parameters_[parameter].mutable_grad();
        grad.add_(averaged - local);  // keeps gradients accumulated by earlier backward passes
      }
      bucket.local.clear();
      bucket.arrived = 0;
      bucket.work.reset();
    }
  }

  struct Bucket {
    std::vector<size_t> members;
    at::Tensor flat;
    size_t arrived = 0;
    std::vector<std::pair<size_t, at::Tensor>> local;
    c10::intrusive_ptr<c10d::Work> work;
  };

  c10::intrusive_ptr<BackendGroup> group_;
  int32_t world_;
  std::chrono::milliseconds timeout_;
  std::vector<at::Tensor> parameters_;
  std::vector<Bucket> buckets_;
  std::vector<std::pair<size_t, int64_t>> slot_;
  bool in_backward_ = false;
};

bool is_loopback(const std::string& address) { return address == "localhost" || address.rfind("127.", 0) == 0 || address == "::1"; }

}  // namespace

#if defined(USE_C10D_NCCL)
constexpr bool kNcclBuilt = true;
constexpr const char* kBackends = "gloo,nccl";
#else
constexpr bool kNcclBuilt = false;
constexpr const char* kBackends = "gloo";
#endif

extern "C" {

int32_t nc_dist_available_backends(char* buffer, int32_t capacity) { return copy_text(kBackends, buffer, capacity); }

nc_status nc_dist_init(const char* backend, const char* master_addr, int32_t master_port, int32_t rank, int32_t world_size,
                       int64_t timeout_ms, nc_process_group** out) {
  NC_GUARD({
    const std::string name(backend != nullptr ? backend : "");
    if (name != "gloo" && !(name == "nccl" && kNcclBuilt))
      throw std::invalid_argument("backend '" + name + "' is not available in this build (available: " + kBackends + ")");
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
    auto options = c10d::ProcessGroupGloo::Options::create();
    options->timeout = result->timeout;
    const std::string address(master_addr);
    options->devices.push_back(is_loopback(address) ? c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1")
                                                    : c10d::ProcessGroupGloo::createDefaultDevice());
    result->group = c10::make_intrusive<c10d::ProcessGroupGloo>(result->store, rank, world_size, options);
    *out = result.release();
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

nc_status nc_dist_register_gradient_averaging(const nc_process_group* group, const nc_tensor* const* params, int32_t count,
                                              int64_t bucket_bytes, int32_t* hook_ids) {
  NC_GUARD({
    const auto& g = unwrap_group(group);
    if (count < 0 || (count > 0 && (params == nullptr || hook_ids == nullptr))) throw std::invalid_argument("parameters are null");
    std::vector<at::Tensor> parameters;
    for (int32_t i = 0; i < count; ++i) parameters.push_back(unwrap(params[i]));
    auto reducer = std::make_shared<GradientReducer>(g, parameters, bucket_bytes);
    for (int32_t i = 0; i < count; ++i)
      hook_ids[i] = static_cast<int32_t>(parameters[static_cast<size_t>(i)].register_hook(
          [reducer, i](const at::Tensor& gradient) { reducer->ready(static_cast<size_t>(i), gradient); }));
  });
}

nc_status nc_dist_remove_gradient_hooks(const nc_tensor* const* params, int32_t count, const int32_t* hook_ids) {
  NC_GUARD({
    for (int32_t i = 0; i < count; ++i) unwrap(params[i]).remove_hook(static_cast<unsigned>(hook_ids[i]));
  });
}

}  // extern "C"
