// Internal: conversions and helpers that the generated op bodies (ops_generated.cpp) call. Hand-written.
#pragma once

#include <string>
#include <vector>

#include "guard.h"

struct nc_tensor_list {
  std::vector<at::Tensor> items;
};

namespace neuralcore {

inline c10::optional<at::Tensor> optional_tensor(const nc_tensor* handle) {
  if (handle == nullptr) return c10::nullopt;
  return handle->value;
}

inline std::vector<at::Tensor> to_list(const nc_tensor* const* tensors, int32_t count) {
  if (count < 0 || (count > 0 && tensors == nullptr)) throw std::invalid_argument("tensor list is null");
  std::vector<at::Tensor> list;
  list.reserve(static_cast<size_t>(count));
  for (int32_t i = 0; i < count; ++i) list.push_back(unwrap(tensors[i]));
  return list;
}

inline at::OptionalIntArrayRef optional_shape(const int64_t* values, int32_t count) {
  if (count < 0) return c10::nullopt;
  return to_shape(values, count);
}

inline c10::optional<at::ScalarType> optional_dtype(int32_t dtype) {
  if (dtype < 0) return c10::nullopt;
  return to_dtype(dtype);
}

inline std::string to_text(const char* text) {
  if (text == nullptr) throw std::invalid_argument("string argument is null");
  return text;
}

inline c10::optional<c10::string_view> optional_text(const char* text) {
  if (text == nullptr) return c10::nullopt;
  return c10::string_view(text);
}

inline nc_tensor_list* wrap_list(std::vector<at::Tensor> items) { return new nc_tensor_list{std::move(items)}; }

// x % -1 and x % 1 are both 0 for every integer x, but the CPU's integer division traps (SIGFPE) on INT_MIN % -1:
// integer divisors of -1 become 1. (Division by zero is already a ZeroDivisionError in libtorch.)
inline at::Tensor safe_divisor(const at::Tensor& left, const at::Tensor& right) {
  if (!at::isIntegralType(at::result_type(left, right), /*includeBool=*/true)) return right;
  return right.masked_fill(right == -1, 1);
}

inline at::Scalar safe_divisor(const at::Tensor& left, const at::Scalar& right) {
  if (!at::isIntegralType(at::result_type(left, right), /*includeBool=*/true)) return right;
  return right.isIntegral(false) && right.toLong() == -1 ? at::Scalar(int64_t{1}) : right;
}

// Variance or standard deviation over dims (all when empty) with Bessel's correction when unbiased; the correction
// overload's types differ between libtorch 1.13 and 2.x, and this call compiles against both.
inline at::Tensor moment(bool variance, const at::Tensor& self, at::IntArrayRef dims, bool unbiased, bool keep_dim) {
  c10::optional<at::IntArrayRef> dim_list;
  if (!dims.empty()) dim_list = dims;
  auto correction = c10::optional<int64_t>(unbiased ? 1 : 0);
  return variance ? at::var(self, dim_list, correction, keep_dim) : at::std(self, dim_list, correction, keep_dim);
}

}  // namespace neuralcore
