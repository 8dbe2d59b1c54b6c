// Internal: conversions and helpers that the generated op bodies (ops_generated.cpp) call. Hand-written.
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include <ATen/CPUGeneratorImpl.h>
#include <c10/core/GradMode.h>

#include "guard.h"

struct nc_tensor_list {
  std::vector<at::Tensor> items;
};

namespace neuralcore {

inline at::OptionalIntArrayRef optional_shape(const int64_t* values, int32_t count) {
  if (count < 0) return c10::nullopt;
  return to_shape(values, count);
}

inline c10::optional<at::ArrayRef<double>> optional_doubles(const double* values, int32_t count) {
  if (count < 0) return c10::nullopt;
  if (count > 0 && values == nullptr) throw std::invalid_argument("double array is null");
  return at::ArrayRef<double>(values, static_cast<size_t>(count));
}

inline c10::optional<c10::Device> optional_device(int32_t type, int32_t index) {
  if (type < 0) return c10::nullopt;
  return to_device(type, index);
}

inline at::TensorOptions tensor_options(c10::optional<at::ScalarType> dtype, c10::optional<c10::Device> device) {
  auto options = at::TensorOptions();
  if (dtype) options = options.dtype(*dtype);
  if (device) options = options.device(*device);
  return options;
}

// at:: factories ignore requires_grad in their options (only torch:: ones honour it), so it is set afterwards.
inline at::Tensor with_grad(at::Tensor tensor, bool requires_grad) {
  if (requires_grad) tensor.set_requires_grad(true);
  return tensor;
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

inline int64_t to_reduction(int32_t reduction) {
  if (reduction < 0 || reduction > 2) throw std::invalid_argument("unknown reduction " + std::to_string(reduction) + " (0 none, 1 mean, 2 sum)");
  return reduction;
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

// torch.nn.functional.interpolate: one size (or scale) for every spatial dimension, or one per dimension.
inline at::Tensor interpolate(const at::Tensor& input, at::OptionalIntArrayRef size, c10::optional<at::ArrayRef<double>> scale_factor,
                              const std::string& mode, c10::optional<bool> align_corners, bool antialias) {
  const auto spatial = static_cast<size_t>(std::max<int64_t>(input.dim() - 2, 0));
  if (spatial < 1 || spatial > 3)
    throw std::invalid_argument("interpolate expects 3-D, 4-D or 5-D input (N, C, spatial...), got " + std::to_string(input.dim()) + "-D");
  if (size.has_value() == scale_factor.has_value()) throw std::invalid_argument("interpolate needs exactly one of size and scaleFactor");
  std::vector<int64_t> sizes;
  std::vector<double> scales;
  if (size.has_value()) sizes = size->size() == 1 ? std::vector<int64_t>(spatial, (*size)[0]) : size->vec();
  else scales = scale_factor->size() == 1 ? std::vector<double>(spatial, (*scale_factor)[0]) : scale_factor->vec();
  if ((size.has_value() ? sizes.size() : scales.size()) != spatial)
    throw std::invalid_argument("interpolate: give one value or " + std::to_string(spatial) + " for a " + std::to_string(input.dim()) + "-D input");
  at::OptionalIntArrayRef out_size = size.has_value() ? at::OptionalIntArrayRef(sizes) : at::OptionalIntArrayRef();
  c10::optional<at::ArrayRef<double>> out_scales;
  if (!size.has_value()) out_scales = at::ArrayRef<double>(scales);
  const bool aligned = align_corners.value_or(false);
  const bool linear_family = mode == "linear" || mode == "bilinear" || mode == "bicubic" || mode == "trilinear";
  if (align_corners.has_value() && !linear_family)
    throw std::invalid_argument("alignCorners applies only to the linear, bilinear, bicubic and trilinear modes");
  if (antialias && mode != "bilinear" && mode != "bicubic") throw std::invalid_argument("antialias applies only to the bilinear and bicubic modes");
  auto expect = [&](size_t dims) {
    if (spatial != dims)
      throw std::invalid_argument("interpolate mode '" + mode + "' expects " + std::to_string(dims + 2) + "-D input, got " + std::to_string(input.dim()) + "-D");
  };
  if (mode == "nearest") {
    if (spatial == 1) return at::upsample_nearest1d(input, out_size, out_scales);
    if (spatial == 2) return at::upsample_nearest2d(input, out_size, out_scales);
    return at::upsample_nearest3d(input, out_size, out_scales);
  }
  if (mode == "nearest-exact") {
    if (spatial == 1) return at::_upsample_nearest_exact1d(input, out_size, out_scales);
    if (spatial == 2) return at::_upsample_nearest_exact2d(input, out_size, out_scales);
    return at::_upsample_nearest_exact3d(input, out_size, out_scales);
  }
  if (mode == "area") {
    if (!size.has_value())
      for (size_t i = 0; i < spatial; ++i) sizes.push_back(static_cast<int64_t>(std::floor(static_cast<double>(input.size(static_cast<int64_t>(i) + 2)) * scales[i])));
    if (spatial == 1) return at::adaptive_avg_pool1d(input, sizes);
    if (spatial == 2) return at::adaptive_avg_pool2d(input, sizes);
    return at::adaptive_avg_pool3d(input, sizes);
  }
  if (mode == "linear") return expect(1), at::upsample_linear1d(input, out_size, aligned, out_scales);
  if (mode == "bilinear") {
    expect(2);
    return antialias ? at::_upsample_bilinear2d_aa(input, out_size, aligned, out_scales) : at::upsample_bilinear2d(input, out_size, aligned, out_scales);
  }
  if (mode == "bicubic") {
    expect(2);
    return antialias ? at::_upsample_bicubic2d_aa(input, out_size, aligned, out_scales) : at::upsample_bicubic2d(input, out_size, aligned, out_scales);
  }
  if (mode == "trilinear") return expect(3), at::upsample_trilinear3d(input, out_size, aligned, out_scales);
  throw std::invalid_argument("unknown interpolation mode '" + mode + "': nearest, nearest-exact, linear, bilinear, bicubic, trilinear or area");
}

// torch.nn.functional.grid_sample's mode names as grid_sampler's codes.
inline at::Tensor grid_sample(const at::Tensor& input, const at::Tensor& grid, const std::string& mode, const std::string& padding_mode,
                              bool align_corners) {
  int64_t mode_code = mode == "bilinear" ? 0 : mode == "nearest" ? 1 : mode == "bicubic" ? 2 : -1;
  int64_t padding_code = padding_mode == "zeros" ? 0 : padding_mode == "border" ? 1 : padding_mode == "reflection" ? 2 : -1;
  if (mode_code < 0) throw std::invalid_argument("unknown grid_sample mode '" + mode + "': bilinear, nearest or bicubic");
  if (padding_code < 0) throw std::invalid_argument("unknown grid_sample padding mode '" + padding_mode + "': zeros, border or reflection");
  return at::grid_sampler(input, grid, mode_code, padding_code, align_corners);
}

// torch.nn.functional.normalize: x / max(‖x‖_p along dim, eps).
inline at::Tensor normalize(const at::Tensor& input, double p, int64_t dim, double eps) {
  return input / at::norm(input, c10::optional<at::Scalar>(p), at::IntArrayRef(dim), true).clamp_min(eps).expand_as(input);
}

// at::convolution gives terse errors for a wrong rank; the per-rank functions name the expected shapes.
inline at::Tensor convolution(const at::Tensor& input, const at::Tensor& weight, const c10::optional<at::Tensor>& bias, at::IntArrayRef stride,
                              at::IntArrayRef padding, at::IntArrayRef dilation, bool transposed, at::IntArrayRef output_padding, int64_t groups) {
  const auto dims = stride.size();
  if (padding.size() != dims || dilation.size() != dims || output_padding.size() != dims)
    throw std::invalid_argument("convolution: stride, padding, dilation and output padding need one value per spatial dimension");
  if (!transposed && dims == 2) return at::conv2d(input, weight, bias, stride, padding, dilation, groups);
  if (!transposed && dims == 1) return at::conv1d(input, weight, bias, stride, padding, dilation, groups);
  return at::convolution(input, weight, bias, stride, padding, dilation, transposed, output_padding, groups);
}

inline at::Tensor max_pool(const at::Tensor& input, at::IntArrayRef kernel_size, at::IntArrayRef stride, at::IntArrayRef padding,
                           at::IntArrayRef dilation, bool ceil_mode) {
  if (kernel_size.size() == 1) return at::max_pool1d(input, kernel_size, stride, padding, dilation, ceil_mode);
  if (kernel_size.size() == 2) return at::max_pool2d(input, kernel_size, stride, padding, dilation, ceil_mode);
  if (kernel_size.size() == 3) return at::max_pool3d(input, kernel_size, stride, padding, dilation, ceil_mode);
  throw std::invalid_argument("max_pool: the kernel needs 1, 2 or 3 sizes");
}

inline std::tuple<at::Tensor, at::Tensor> max_pool_with_indices(const at::Tensor& input, at::IntArrayRef kernel_size, at::IntArrayRef stride,
                                                                at::IntArrayRef padding, at::IntArrayRef dilation, bool ceil_mode) {
  if (kernel_size.size() == 1) return at::max_pool1d_with_indices(input, kernel_size, stride, padding, dilation, ceil_mode);
  if (kernel_size.size() == 2) return at::max_pool2d_with_indices(input, kernel_size, stride, padding, dilation, ceil_mode);
  if (kernel_size.size() == 3) return at::max_pool3d_with_indices(input, kernel_size, stride, padding, dilation, ceil_mode);
  throw std::invalid_argument("max_pool: the kernel needs 1, 2 or 3 sizes");
}

inline at::Tensor avg_pool(const at::Tensor& input, at::IntArrayRef kernel_size, at::IntArrayRef stride, at::IntArrayRef padding,
                           bool ceil_mode, bool count_include_pad) {
  if (kernel_size.size() == 1) return at::avg_pool1d(input, kernel_size, stride, padding, ceil_mode, count_include_pad);
  if (kernel_size.size() == 2) return at::avg_pool2d(input, kernel_size, stride, padding, ceil_mode, count_include_pad);
  if (kernel_size.size() == 3) return at::avg_pool3d(input, kernel_size, stride, padding, ceil_mode, count_include_pad);
  throw std::invalid_argument("avg_pool: the kernel needs 1, 2 or 3 sizes");
}

inline at::Tensor adaptive_avg_pool(const at::Tensor& input, at::IntArrayRef output_size) {
  if (output_size.size() == 1) return at::adaptive_avg_pool1d(input, output_size);
  if (output_size.size() == 2) return at::adaptive_avg_pool2d(input, output_size);
  if (output_size.size() == 3) return at::adaptive_avg_pool3d(input, output_size);
  throw std::invalid_argument("adaptive_avg_pool: the output size needs 1, 2 or 3 values");
}

inline std::tuple<at::Tensor, at::Tensor> adaptive_max_pool(const at::Tensor& input, at::IntArrayRef output_size) {
  if (output_size.size() == 1) return at::adaptive_max_pool1d(input, output_size);
  if (output_size.size() == 2) return at::adaptive_max_pool2d(input, output_size);
  if (output_size.size() == 3) return at::adaptive_max_pool3d(input, output_size);
  throw std::invalid_argument("adaptive_max_pool: the output size needs 1, 2 or 3 values");
}

// torch.nn.functional.local_response_norm: each channel divided by (k + alpha · mean of squares over `size` neighbouring
// channels)^beta, the window centred as PyTorch pads it.
inline at::Tensor local_response_norm(const at::Tensor& input, int64_t size, double alpha, double beta, double k) {
  if (input.dim() < 3) throw std::invalid_argument("local_response_norm: expected 3 or more dimensions, got " + std::to_string(input.dim()));
  if (size < 1) throw std::invalid_argument("local_response_norm: size must be positive");
  if (input.numel() == 0) return input.clone();
  auto div = input.mul(input).unsqueeze(1);
  if (input.dim() == 3) {
    div = at::constant_pad_nd(div, {0, 0, size / 2, (size - 1) / 2});
    div = at::avg_pool2d(div, {size, 1}, {1, 1}).squeeze(1);
  } else {
    const auto sizes = input.sizes();
    div = div.view({sizes[0], 1, sizes[1], sizes[2], -1});
    div = at::constant_pad_nd(div, {0, 0, 0, 0, size / 2, (size - 1) / 2});
    div = at::avg_pool3d(div, {size, 1, 1}, {1, 1, 1}).squeeze(1).view(sizes);
  }
  return input / div.mul(alpha).add(k).pow(beta);
}

// torch.nn.functional.rms_norm (PyTorch 2.4; composed here for every libtorch): x / sqrt(mean(x²) + eps) over the
// trailing normalized_shape dimensions, times weight; eps defaults to the dtype's machine epsilon.
inline at::Tensor composed_rms_norm(const at::Tensor& input, at::IntArrayRef normalized_shape, const c10::optional<at::Tensor>& weight,
                           c10::optional<double> eps) {
  const auto count = static_cast<int64_t>(normalized_shape.size());
  if (count == 0 || count > input.dim() || input.sizes().slice(static_cast<size_t>(input.dim() - count)) != normalized_shape)
    throw std::invalid_argument("rms_norm: normalized_shape " + c10::str(normalized_shape) + " is not the end of the input's shape " +
                                c10::str(input.sizes()));
  std::vector<int64_t> dims;
  for (int64_t i = input.dim() - count; i < input.dim(); ++i) dims.push_back(i);
  const double epsilon = eps.has_value() ? *eps
                         : input.scalar_type() == at::kDouble ? std::numeric_limits<double>::epsilon()
                                                               : static_cast<double>(std::numeric_limits<float>::epsilon());
  auto result = input * at::rsqrt(input.pow(2).mean(dims, /*keepdim=*/true) + epsilon);
  if (weight.has_value() && weight->defined()) result = result * *weight;
  return result;
}

// torch.nn.functional.embedding_bag: sums, means or maxima of bags of rows of weight. 2-D input is one bag per row;
// 1-D input is split into bags at offsets.
inline at::Tensor embedding_bag(const at::Tensor& input, const at::Tensor& weight, const c10::optional<at::Tensor>& offsets, const std::string& mode,
                                const c10::optional<at::Tensor>& per_sample_weights, bool include_last_offset, c10::optional<int64_t> padding_idx) {
  at::Tensor indices = input, bag_offsets;
  c10::optional<at::Tensor> sample_weights = per_sample_weights;
  if (input.dim() == 2) {
    if (offsets.has_value()) throw std::invalid_argument("embedding_bag: offsets must be null for 2-D input, whose rows are the bags");
    bag_offsets = at::arange(0, input.numel(), input.size(1), input.options());
    indices = input.reshape(-1);
    if (sample_weights.has_value()) sample_weights = sample_weights->reshape(-1);
  } else if (input.dim() == 1) {
    if (!offsets.has_value() || offsets->dim() != 1) throw std::invalid_argument("embedding_bag: 1-D input needs 1-D offsets");
    bag_offsets = *offsets;
  } else {
    throw std::invalid_argument("embedding_bag: input must be 1-D or 2-D, got " + std::to_string(input.dim()) + "-D");
  }
  // libtorch 1.13's CPU kernel reads out of bounds on inconsistent offsets or indices instead of failing: check first.
  if (indices.numel() > 0) {
    const auto rows = weight.size(0);
    if (indices.min().item<int64_t>() < 0 || indices.max().item<int64_t>() >= rows)
      throw std::invalid_argument("embedding_bag: indices must lie in [0, " + std::to_string(rows) + ")");
  }
  if (bag_offsets.numel() > 0) {
    const auto count = indices.numel();
    if (bag_offsets[0].item<int64_t>() != 0) throw std::invalid_argument("embedding_bag: offsets must start at 0");
    if (bag_offsets.numel() > 1 && (bag_offsets.diff() < 0).any().item<bool>())
      throw std::invalid_argument("embedding_bag: offsets must not decrease");
    const auto last = bag_offsets[-1].item<int64_t>();
    if (include_last_offset ? last != count : last > count)
      throw std::invalid_argument("embedding_bag: the last offset is " + std::to_string(last) + "; it must " +
                                  (include_last_offset ? "equal" : "not exceed") + " the number of indices (" + std::to_string(count) + ")");
  }
  int64_t mode_code;
  if (mode == "sum") mode_code = 0;
  else if (mode == "mean") mode_code = 1;
  else if (mode == "max") mode_code = 2;
  else throw std::invalid_argument("embedding_bag: mode must be sum, mean or max, got " + mode);
  if (sample_weights.has_value() && mode != "sum")
    throw std::invalid_argument("embedding_bag: per-sample weights need mode sum, got " + mode);
  c10::optional<int64_t> padding;  // none: libtorch reads -1 as the last row
  if (padding_idx.has_value()) padding = *padding_idx < 0 ? weight.size(0) + *padding_idx : *padding_idx;
  return std::get<0>(at::embedding_bag(weight, indices, bag_offsets, false, mode_code, false, sample_weights, include_last_offset, padding));
}

// torch.nn.functional.scaled_dot_product_attention: libtorch's fused kernels from 2.0 on (flash and memory-efficient
// attention on CUDA); on 1.13 the same math composed, with PyTorch's conventions: a boolean mask keeps True positions,
// a float mask is added to the scores, is_causal masks above the diagonal of the (L, S) score matrix.
inline at::Tensor dot_product_attention(const at::Tensor& query, const at::Tensor& key, const at::Tensor& value,
                                               const c10::optional<at::Tensor>& attn_mask, double dropout_p, bool is_causal) {
  if (is_causal && attn_mask.has_value() && attn_mask->defined())
    throw std::invalid_argument("scaled_dot_product_attention: give either attn_mask or is_causal, not both");
  if (dropout_p < 0 || dropout_p > 1) throw std::invalid_argument("scaled_dot_product_attention: dropout_p must lie in [0, 1]");
#if TORCH_VERSION_MAJOR >= 2
  return at::scaled_dot_product_attention(query, key, value, attn_mask, dropout_p, is_causal);
#else
  const auto length = query.size(-2), source = key.size(-2);
  auto scores = at::matmul(query, key.transpose(-2, -1)) / std::sqrt(static_cast<double>(query.size(-1)));
  if (is_causal) {
    const auto keep = at::ones({length, source}, query.options().dtype(at::kBool)).tril();
    scores = scores.masked_fill(keep.logical_not(), -std::numeric_limits<double>::infinity());
  }
  if (attn_mask.has_value() && attn_mask->defined()) {
    scores = attn_mask->scalar_type() == at::kBool ? scores.masked_fill(attn_mask->logical_not(), -std::numeric_limits<double>::infinity())
                                                    : scores + *attn_mask;
  }
  auto weights = at::softmax(scores, -1);
  if (dropout_p > 0) weights = at::dropout(weights, dropout_p, true);
  return at::matmul(weights, value);
#endif
}

// A loss's none/mean/sum (at::Reduction codes) for losses composed here rather than taken from libtorch.
inline at::Tensor reduce_loss(const at::Tensor& loss, int64_t reduction) {
  if (reduction == at::Reduction::Mean) return loss.mean();
  if (reduction == at::Reduction::Sum) return loss.sum();
  return loss;
}

// torch.nn.functional.gaussian_nll_loss, which libtorch lacks: var is per element, or one short of input's dimensions
// (or with a last dimension of 1) for one variance per sample; it is clamped to eps without stopping its gradient.
inline at::Tensor gaussian_nll_loss(const at::Tensor& input, const at::Tensor& target, at::Tensor var, bool full, double eps,
                                    int64_t reduction) {
  if (var.sizes() != input.sizes()) {
    const auto leading = input.dim() > 0 ? input.sizes().slice(0, static_cast<size_t>(input.dim() - 1)) : input.sizes();
    if (input.dim() > 0 && var.sizes() == leading) {
      var = var.unsqueeze(-1);
    } else if (!(var.dim() == input.dim() && var.dim() > 0 && var.sizes().slice(0, static_cast<size_t>(var.dim() - 1)) == leading &&
                 var.size(-1) == 1)) {
      throw std::invalid_argument("gaussian_nll_loss: var's shape " + c10::str(var.sizes()) + " fits neither input's " +
                                  c10::str(input.sizes()) + " nor one variance per sample");
    }
  }
  if ((var < 0).any().item<bool>()) throw std::invalid_argument("gaussian_nll_loss: var has negative entries");
  var = var.clone();
  {
    c10::NoGradGuard no_grad;
    var.clamp_min_(eps);
  }
  auto loss = 0.5 * (var.log() + (input - target).pow(2) / var);
  if (full) loss = loss + 0.5 * std::log(2 * M_PI);
  return reduce_loss(loss, reduction);
}

// torch.nn.functional.multilabel_soft_margin_loss: per-class logistic losses averaged over the classes, then reduced.
inline at::Tensor multilabel_soft_margin_loss(const at::Tensor& input, const at::Tensor& target, const c10::optional<at::Tensor>& weight,
                                              int64_t reduction) {
  auto loss = -(target * at::log_sigmoid(input) + (1 - target) * at::log_sigmoid(-input));
  if (weight.has_value() && weight->defined()) loss = loss * *weight;
  const auto class_dim = input.dim() - 1;
  return reduce_loss(loss.sum(class_dim) / input.size(class_dim), reduction);
}

}  // namespace neuralcore
