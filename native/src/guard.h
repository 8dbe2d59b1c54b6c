// Internal: the handle layout, conversions between the C ABI and libtorch, and nc_guard,
// which keeps every C++ exception on this side of the boundary.
#pragma once

#include <ATen/ATen.h>
#include <c10/util/Exception.h>
#include <torch/version.h>

#include <algorithm>
#include <functional>
#include <cstring>
#include <new>
#include <stdexcept>
#include <string>
#include <vector>

#include "neuralcore/nc_common.h"

struct nc_tensor {
  at::Tensor value;
};

namespace neuralcore {

void set_last_error(const char* message);

inline const at::Tensor& unwrap(const nc_tensor* handle) {
  if (handle == nullptr) throw std::invalid_argument("tensor handle is null");
  return handle->value;
}

// Bytes of the tensor most recently wrapped on this thread, read by the facade through the address that
// nc_runtime_created_bytes_address returns (a memory read instead of a second call per operation).
extern thread_local int64_t created_bytes;

inline nc_tensor* wrap(at::Tensor tensor) {
  created_bytes = tensor.defined() ? tensor.numel() * static_cast<int64_t>(tensor.element_size()) : 0;
  return new nc_tensor{std::move(tensor)};
}

// Copies text into a caller's buffer (NUL-terminated, truncated to capacity); returns the text's full length.
inline int32_t copy_text(const std::string& text, char* buffer, int32_t capacity) {
  if (buffer != nullptr && capacity > 0) {
    const auto count = std::min<size_t>(text.size(), static_cast<size_t>(capacity - 1));
    std::memcpy(buffer, text.data(), count);
    buffer[count] = '\0';
  }
  return static_cast<int32_t>(text.size());
}

inline at::Scalar to_scalar(nc_scalar value) {
  switch (value.kind) {
    case NC_SCALAR_INT: return at::Scalar(value.integer);
    case NC_SCALAR_BOOL: return at::Scalar(value.integer != 0);
    default: return at::Scalar(value.real);
  }
}

inline nc_scalar from_scalar(const at::Scalar& value) {
  nc_scalar result{};
  if (value.isBoolean()) {
    result.kind = NC_SCALAR_BOOL;
    result.integer = value.toBool() ? 1 : 0;
  } else if (value.isIntegral(false)) {
    result.kind = NC_SCALAR_INT;
    result.integer = value.toLong();
  } else {
    result.kind = NC_SCALAR_FLOAT;
    result.real = value.toDouble();
  }
  return result;
}

inline at::ScalarType to_dtype(int32_t dtype) {
  if (dtype < 0 || dtype >= static_cast<int32_t>(at::ScalarType::NumOptions))
    throw std::invalid_argument("unknown dtype code " + std::to_string(dtype));
  return static_cast<at::ScalarType>(dtype);
}

inline c10::Device to_device(int32_t device_type, int32_t device_index) {
  if (device_type < 0) return c10::Device(c10::DeviceType::CPU);
  return c10::Device(static_cast<c10::DeviceType>(device_type), static_cast<c10::DeviceIndex>(device_index));
}

inline c10::optional<at::Tensor> optional_tensor(const nc_tensor* handle) {
  if (handle == nullptr) return c10::nullopt;
  return handle->value;
}

// The tensors of a handle array; every handle must be non-null.
inline std::vector<at::Tensor> to_list(const nc_tensor* const* tensors, int32_t count) {
  if (count < 0 || (count > 0 && tensors == nullptr)) throw std::invalid_argument("tensor list is null");
  std::vector<at::Tensor> list;
  list.reserve(static_cast<size_t>(count));
  for (int32_t i = 0; i < count; ++i) list.push_back(unwrap(tensors[i]));
  return list;
}

inline at::IntArrayRef to_shape(const int64_t* values, int32_t count) {
  if (count < 0 || (count > 0 && values == nullptr)) throw std::invalid_argument("shape array is null or has a negative length");
  return at::IntArrayRef(values, static_cast<size_t>(count));
}

// Writes a file the one safe way: everything `write` hands to its sink goes to path + ".tmp", which is flushed to disk
// and then renamed over path, so a crash at any point leaves the old file or the new one, never a torn one (and the
// next write replaces a stale temporary file). Defined in io.cpp.
void write_atomically(const std::string& path, const std::function<void(const std::function<void(const void*, size_t)>&)>& write);

// Bytes a tensor of this shape and dtype needs, refusing negative sizes and int64 overflow before libtorch, whose own
// size arithmetic can wrap, ever sees the shape.
inline int64_t checked_nbytes(at::IntArrayRef shape, at::ScalarType dtype, const char* what) {
  auto describe = [&] {
    std::string text = "[";
    for (size_t i = 0; i < shape.size(); ++i) text += (i ? ", " : "") + std::to_string(shape[i]);
    return text + "]";
  };
  bool empty = false;
  for (auto size : shape) {
    if (size < 0) throw std::invalid_argument(std::string(what) + ": negative size in shape " + describe());
    empty = empty || size == 0;
  }
  if (empty) return 0;
  int64_t count = 1;
  for (auto size : shape)
    if (__builtin_mul_overflow(count, size, &count))
      throw std::invalid_argument(std::string(what) + ": shape " + describe() + " has more elements than int64 can count");
  int64_t bytes = 0;
  if (__builtin_mul_overflow(count, static_cast<int64_t>(c10::elementSize(dtype)), &bytes))
    throw std::invalid_argument(std::string(what) + ": shape " + describe() + " needs more bytes than int64 can count");
  return bytes;
}

template <class Body>
nc_status guard(Body&& body) noexcept {
  try {
    body();
    return NC_OK;
  } catch (const c10::OutOfMemoryError& e) {
    set_last_error(e.what_without_backtrace());
    return NC_OUT_OF_MEMORY;
  } catch (const c10::IndexError& e) {
    set_last_error(e.what_without_backtrace());
    return NC_INDEX_ERROR;
  } catch (const c10::ValueError& e) {
    set_last_error(e.what_without_backtrace());
    return NC_VALUE_ERROR;
  } catch (const c10::TypeError& e) {
    set_last_error(e.what_without_backtrace());
    return NC_TYPE_ERROR;
  } catch (const c10::NotImplementedError& e) {
    set_last_error(e.what_without_backtrace());
    return NC_NOT_IMPLEMENTED;
  } catch (const c10::Error& e) {
    set_last_error(e.what_without_backtrace());
    // libtorch 1.x reports a failed CPU allocation as a plain c10::Error; it is an out-of-memory all the same.
    if (std::strstr(e.what_without_backtrace(), "can't allocate memory") != nullptr) return NC_OUT_OF_MEMORY;
    return NC_ERROR;
  } catch (const std::bad_alloc&) {
    set_last_error("out of memory (std::bad_alloc)");
    return NC_OUT_OF_MEMORY;
  } catch (const std::invalid_argument& e) {
    set_last_error(e.what());
    return NC_INVALID_ARGUMENT;
  } catch (const std::exception& e) {
    set_last_error(e.what());
    return NC_STD_ERROR;
  } catch (...) {
    set_last_error("unknown C++ exception");
    return NC_UNKNOWN_ERROR;
  }
}

}  // namespace neuralcore

#define NC_GUARD(...) return ::neuralcore::guard([&] { __VA_ARGS__; })
