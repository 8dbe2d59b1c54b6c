// Tensor lifetime, creation, data exchange with the caller, conversion.
#include <atomic>
#include <cstring>
#include <memory>

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/TensorIndexing.h>

#include "guard.h"
#include "ops_support.h"
#include "neuralcore/nc_tensor.h"

using namespace neuralcore;

namespace {

std::vector<at::indexing::TensorIndex> to_indices(const nc_index* indices, int32_t count) {
  if (count < 0 || (count > 0 && indices == nullptr)) throw std::invalid_argument("index list is null");
  std::vector<at::indexing::TensorIndex> result;
  result.reserve(static_cast<size_t>(count));
  for (int32_t i = 0; i < count; ++i) {
    const auto& index = indices[i];
    switch (index.kind) {
      case NC_INDEX_INTEGER: result.emplace_back(index.start); break;
      case NC_INDEX_SLICE: {
        result.emplace_back(at::indexing::Slice(
            (index.flags & NC_SLICE_HAS_START) ? c10::optional<int64_t>(index.start) : c10::nullopt,
            (index.flags & NC_SLICE_HAS_STOP) ? c10::optional<int64_t>(index.stop) : c10::nullopt,
            index.step));
        break;
      }
      case NC_INDEX_ELLIPSIS: result.emplace_back(at::indexing::Ellipsis); break;
      case NC_INDEX_NONE: result.emplace_back(at::indexing::None); break;
      case NC_INDEX_BOOLEAN: result.emplace_back(index.start != 0); break;
      default: throw std::invalid_argument("unknown index kind " + std::to_string(index.kind));
    }
  }
  return result;
}


int32_t fill_dims(at::IntArrayRef values, int64_t* target, int32_t capacity) {
  const auto count = static_cast<int32_t>(values.size());
  for (int32_t i = 0; i < count && i < capacity; ++i) target[i] = values[i];
  return count;
}

void check_byte_count(int64_t expected, int64_t given, const char* what) {
  if (expected != given)
    throw std::invalid_argument(std::string(what) + ": the buffer holds " + std::to_string(given) +
                                " bytes but the tensor needs " + std::to_string(expected));
}

}  // namespace

extern "C" {

void nc_tensor_free(nc_tensor* tensor) { delete tensor; }

int64_t nc_tensor_nbytes(const nc_tensor* tensor) {
  if (tensor == nullptr || !tensor->value.defined()) return 0;
  return tensor->value.numel() * static_cast<int64_t>(tensor->value.element_size());
}

nc_status nc_tensor_info_get(const nc_tensor* tensor, nc_tensor_info* info) {
  NC_GUARD({
    const auto& t = unwrap(tensor);
    nc_tensor_info result{};
    result.defined = t.defined() ? 1 : 0;
    if (t.defined()) {
      result.numel = t.numel();
      result.nbytes = t.numel() * static_cast<int64_t>(t.element_size());
      result.dtype = static_cast<int32_t>(t.scalar_type());
      result.device_type = static_cast<int32_t>(t.device().type());
      result.device_index = t.device().index();
      result.ndim = static_cast<int32_t>(t.dim());
      result.requires_grad = t.requires_grad() ? 1 : 0;
      result.is_leaf = t.is_leaf() ? 1 : 0;
      result.is_contiguous = t.is_contiguous() ? 1 : 0;
    }
    *info = result;
  });
}

nc_status nc_tensor_sizes(const nc_tensor* tensor, int64_t* sizes, int32_t capacity, int32_t* ndim) {
  NC_GUARD(*ndim = fill_dims(unwrap(tensor).sizes(), sizes, capacity));
}

nc_status nc_tensor_strides(const nc_tensor* tensor, int64_t* strides, int32_t capacity, int32_t* ndim) {
  NC_GUARD(*ndim = fill_dims(unwrap(tensor).strides(), strides, capacity));
}

nc_status nc_tensor_from_data(const void* data, int64_t nbytes, const int64_t* shape, int32_t ndim, int32_t dtype, nc_tensor** out) {
  NC_GUARD({
    const auto sizes = to_shape(shape, ndim);
    const auto type = to_dtype(dtype);
    check_byte_count(checked_nbytes(sizes, type, "from_data"), nbytes, "from_data");
    auto result = at::empty(sizes, at::TensorOptions().dtype(type));
    if (nbytes > 0) {
      if (data == nullptr) throw std::invalid_argument("from_data: data is null");
      std::memcpy(result.data_ptr(), data, static_cast<size_t>(nbytes));
    }
    *out = wrap(std::move(result));
  });
}

nc_status nc_tensor_from_blob(void* data, const int64_t* shape, int32_t ndim, int32_t dtype, nc_deleter deleter,
                              void* context, nc_tensor** out) {
  // The deleter must run exactly once: by the storage when the tensor exists, here when it could not be made. A
  // storage that libtorch made and dropped inside a failing from_blob has already run it, hence the shared flag.
  auto pending = std::make_shared<std::atomic<bool>>(deleter != nullptr);
  auto release = [deleter, context, pending] {
    if (pending->exchange(false)) deleter(context);
  };
  const auto status = guard([&] {
    const auto sizes = to_shape(shape, ndim);
    const auto type = to_dtype(dtype);
    checked_nbytes(sizes, type, "from_blob");
    auto tensor = at::from_blob(data, sizes, [release](void*) { release(); }, at::TensorOptions().dtype(type));
    *out = wrap(std::move(tensor));
  });
  if (status != NC_OK) release();
  return status;
}

nc_status nc_tensor_copy_to_buffer(const nc_tensor* tensor, int32_t dtype, void* buffer, int64_t nbytes) {
  NC_GUARD({
    auto source = unwrap(tensor).detach().to(at::kCPU, to_dtype(dtype)).resolve_conj().resolve_neg().contiguous();
    const auto expected = source.numel() * static_cast<int64_t>(source.element_size());
    check_byte_count(expected, nbytes, "copy_to_buffer");
    if (expected > 0) {
      if (buffer == nullptr) throw std::invalid_argument("copy_to_buffer: buffer is null");
      std::memcpy(buffer, source.data_ptr(), static_cast<size_t>(expected));
    }
  });
}

nc_status nc_tensor_item(const nc_tensor* tensor, nc_scalar* out) { NC_GUARD(*out = from_scalar(unwrap(tensor).item())); }

nc_status nc_tensor_to(const nc_tensor* tensor, int32_t dtype, int32_t device_type, int32_t device_index,
                       int32_t non_blocking, int32_t copy, nc_tensor** out) {
  NC_GUARD({
    const auto& t = unwrap(tensor);
    const auto target_dtype = dtype < 0 ? t.scalar_type() : to_dtype(dtype);
    const auto target_device = device_type < 0 ? t.device() : to_device(device_type, device_index);
    *out = wrap(t.to(target_device, target_dtype, non_blocking != 0, copy != 0));
  });
}

nc_status nc_tensor_alias(const nc_tensor* tensor, nc_tensor** out) { NC_GUARD(*out = wrap(unwrap(tensor))); }
nc_status nc_tensor_copy_inplace(const nc_tensor* destination, const nc_tensor* source) {
  NC_GUARD(unwrap(destination).copy_(unwrap(source)));
}
nc_status nc_tensor_fill_inplace(const nc_tensor* tensor, nc_scalar value) { NC_GUARD(unwrap(tensor).fill_(to_scalar(value))); }
nc_status nc_tensor_zero_inplace(const nc_tensor* tensor) { NC_GUARD(unwrap(tensor).zero_()); }

nc_status nc_tensor_index(const nc_tensor* tensor, const nc_index* indices, int32_t count, nc_tensor** out) {
  NC_GUARD(*out = wrap(unwrap(tensor).index(to_indices(indices, count))));
}
nc_status nc_tensor_index_put_inplace(const nc_tensor* tensor, const nc_index* indices, int32_t count, const nc_tensor* value) {
  NC_GUARD(at::Tensor target = unwrap(tensor); target.index_put_(to_indices(indices, count), unwrap(value)));
}
nc_status nc_tensor_index_tensor(const nc_tensor* tensor, const nc_tensor* index, nc_tensor** out) {
  NC_GUARD(*out = wrap(unwrap(tensor).index({unwrap(index)})));
}

void nc_tensor_list_free(nc_tensor_list* list) { delete list; }
int64_t nc_tensor_list_size(const nc_tensor_list* list) { return list == nullptr ? 0 : static_cast<int64_t>(list->items.size()); }
nc_status nc_tensor_list_get(const nc_tensor_list* list, int64_t index, nc_tensor** out) {
  NC_GUARD({
    if (list == nullptr) throw std::invalid_argument("tensor list handle is null");
    if (index < 0 || index >= static_cast<int64_t>(list->items.size()))
      throw std::invalid_argument("index " + std::to_string(index) + " is outside a list of " + std::to_string(list->items.size()));
    *out = wrap(list->items[static_cast<size_t>(index)]);
  });
}

}  // extern "C"
