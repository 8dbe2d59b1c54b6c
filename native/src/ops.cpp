// Operators: elementwise, reductions, linear algebra, shape and indexing.
#include <vector>

#include <ATen/TensorIndexing.h>

#include "guard.h"
#include "neuralcore/nc_tensor.h"

using namespace neuralcore;

namespace {

c10::optional<at::ScalarType> optional_dtype(int32_t dtype) {
  if (dtype < 0) return c10::nullopt;
  return to_dtype(dtype);
}

std::vector<at::Tensor> to_list(const nc_tensor* const* tensors, int32_t count) {
  if (count < 0 || (count > 0 && tensors == nullptr)) throw std::invalid_argument("tensor list is null");
  std::vector<at::Tensor> list;
  list.reserve(static_cast<size_t>(count));
  for (int32_t i = 0; i < count; ++i) list.push_back(unwrap(tensors[i]));
  return list;
}

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

void write_pair(std::tuple<at::Tensor, at::Tensor> pair, nc_tensor** first, nc_tensor** second) {
  auto* a = wrap(std::move(std::get<0>(pair)));
  auto* b = wrap(std::move(std::get<1>(pair)));
  *first = a;
  *second = b;
}

}  // namespace

namespace {

// x % -1 and x % 1 are both 0 for every integer x, but the CPU's integer division traps (SIGFPE) on INT_MIN % -1:
// integer divisors of -1 become 1. (Division by zero is already a ZeroDivisionError in libtorch.)
at::Tensor safe_divisor(const at::Tensor& left, const at::Tensor& right) {
  if (!at::isIntegralType(at::result_type(left, right), /*includeBool=*/true)) return right;
  return right.masked_fill(right == -1, 1);
}

at::Scalar safe_divisor(const at::Tensor& left, const at::Scalar& right) {
  if (!at::isIntegralType(at::result_type(left, right), /*includeBool=*/true)) return right;
  return right.isIntegral(false) && right.toLong() == -1 ? at::Scalar(int64_t{1}) : right;
}

}  // namespace

extern "C" {

#define NC_DEFINE_UNARY(name)                                                                                   \
  nc_status nc_tensor_##name(const nc_tensor* tensor, nc_tensor** out) { NC_GUARD(*out = wrap(unwrap(tensor).name())); } \
  nc_status nc_tensor_##name##_inplace(const nc_tensor* tensor) { NC_GUARD(unwrap(tensor).name##_()); }
NC_DEFINE_UNARY(neg) NC_DEFINE_UNARY(abs) NC_DEFINE_UNARY(exp) NC_DEFINE_UNARY(log)
NC_DEFINE_UNARY(log2) NC_DEFINE_UNARY(log10) NC_DEFINE_UNARY(log1p) NC_DEFINE_UNARY(expm1)
NC_DEFINE_UNARY(sqrt) NC_DEFINE_UNARY(rsqrt) NC_DEFINE_UNARY(sin) NC_DEFINE_UNARY(cos)
NC_DEFINE_UNARY(tan) NC_DEFINE_UNARY(asin) NC_DEFINE_UNARY(acos) NC_DEFINE_UNARY(atan)
NC_DEFINE_UNARY(sinh) NC_DEFINE_UNARY(cosh) NC_DEFINE_UNARY(tanh) NC_DEFINE_UNARY(sigmoid)
NC_DEFINE_UNARY(relu) NC_DEFINE_UNARY(floor) NC_DEFINE_UNARY(ceil) NC_DEFINE_UNARY(round)
NC_DEFINE_UNARY(trunc) NC_DEFINE_UNARY(frac) NC_DEFINE_UNARY(sign) NC_DEFINE_UNARY(reciprocal)
NC_DEFINE_UNARY(square) NC_DEFINE_UNARY(erf) NC_DEFINE_UNARY(logical_not) NC_DEFINE_UNARY(bitwise_not)
#undef NC_DEFINE_UNARY

#define NC_DEFINE_BINARY(name)                                                                  \
  nc_status nc_tensor_##name(const nc_tensor* left, const nc_tensor* right, nc_tensor** out) { \
    NC_GUARD(*out = wrap(at::name(unwrap(left), unwrap(right))));                               \
  }                                                                                             \
  nc_status nc_tensor_##name##_scalar(const nc_tensor* left, nc_scalar right, nc_tensor** out) { \
    NC_GUARD(*out = wrap(at::name(unwrap(left), to_scalar(right))));                            \
  }
#define NC_DEFINE_BINARY_INPLACE(name)                                                     \
  nc_status nc_tensor_##name##_inplace(const nc_tensor* left, const nc_tensor* right) {    \
    NC_GUARD(unwrap(left).name##_(unwrap(right)));                                          \
  }                                                                                        \
  nc_status nc_tensor_##name##_scalar_inplace(const nc_tensor* left, nc_scalar right) {    \
    NC_GUARD(unwrap(left).name##_(to_scalar(right)));                                       \
  }
NC_DEFINE_BINARY(add) NC_DEFINE_BINARY(sub) NC_DEFINE_BINARY(mul) NC_DEFINE_BINARY(div)
NC_DEFINE_BINARY(pow) NC_DEFINE_BINARY(eq) NC_DEFINE_BINARY(ne)
NC_DEFINE_BINARY(lt) NC_DEFINE_BINARY(le) NC_DEFINE_BINARY(gt) NC_DEFINE_BINARY(ge)
NC_DEFINE_BINARY(bitwise_and) NC_DEFINE_BINARY(bitwise_or) NC_DEFINE_BINARY(bitwise_xor)
NC_DEFINE_BINARY_INPLACE(add) NC_DEFINE_BINARY_INPLACE(sub) NC_DEFINE_BINARY_INPLACE(mul)
NC_DEFINE_BINARY_INPLACE(div) NC_DEFINE_BINARY_INPLACE(pow)
#undef NC_DEFINE_BINARY
#undef NC_DEFINE_BINARY_INPLACE

nc_status nc_tensor_remainder(const nc_tensor* left, const nc_tensor* right, nc_tensor** out) {
  NC_GUARD(*out = wrap(at::remainder(unwrap(left), safe_divisor(unwrap(left), unwrap(right)))));
}
nc_status nc_tensor_remainder_scalar(const nc_tensor* left, nc_scalar right, nc_tensor** out) {
  NC_GUARD(*out = wrap(at::remainder(unwrap(left), safe_divisor(unwrap(left), to_scalar(right)))));
}
nc_status nc_tensor_remainder_inplace(const nc_tensor* left, const nc_tensor* right) {
  NC_GUARD(unwrap(left).remainder_(safe_divisor(unwrap(left), unwrap(right))));
}
nc_status nc_tensor_remainder_scalar_inplace(const nc_tensor* left, nc_scalar right) {
  NC_GUARD(unwrap(left).remainder_(safe_divisor(unwrap(left), to_scalar(right))));
}

#define NC_DEFINE_TENSOR_PAIR(name)                                                             \
  nc_status nc_tensor_##name(const nc_tensor* left, const nc_tensor* right, nc_tensor** out) { \
    NC_GUARD(*out = wrap(at::name(unwrap(left), unwrap(right))));                               \
  }
NC_DEFINE_TENSOR_PAIR(maximum) NC_DEFINE_TENSOR_PAIR(minimum) NC_DEFINE_TENSOR_PAIR(atan2)
NC_DEFINE_TENSOR_PAIR(logical_and) NC_DEFINE_TENSOR_PAIR(logical_or) NC_DEFINE_TENSOR_PAIR(logical_xor)
NC_DEFINE_TENSOR_PAIR(matmul) NC_DEFINE_TENSOR_PAIR(mm) NC_DEFINE_TENSOR_PAIR(bmm) NC_DEFINE_TENSOR_PAIR(dot)
NC_DEFINE_TENSOR_PAIR(outer)
#undef NC_DEFINE_TENSOR_PAIR

nc_status nc_tensor_rsub_scalar(nc_scalar left, const nc_tensor* right, nc_tensor** out) {
  NC_GUARD(*out = wrap(at::rsub(unwrap(right), to_scalar(left))));
}
nc_status nc_tensor_rdiv_scalar(nc_scalar left, const nc_tensor* right, nc_tensor** out) {
  NC_GUARD(*out = wrap(at::mul(at::reciprocal(unwrap(right)), to_scalar(left))));
}
nc_status nc_tensor_rpow_scalar(nc_scalar left, const nc_tensor* right, nc_tensor** out) {
  NC_GUARD(*out = wrap(at::pow(to_scalar(left), unwrap(right))));
}

nc_status nc_tensor_clamp(const nc_tensor* tensor, int32_t has_min, nc_scalar min, int32_t has_max, nc_scalar max, nc_tensor** out) {
  NC_GUARD(*out = wrap(at::clamp(unwrap(tensor), has_min ? c10::optional<at::Scalar>(to_scalar(min)) : c10::nullopt,
                                 has_max ? c10::optional<at::Scalar>(to_scalar(max)) : c10::nullopt)));
}
nc_status nc_tensor_clamp_inplace(const nc_tensor* tensor, int32_t has_min, nc_scalar min, int32_t has_max, nc_scalar max) {
  NC_GUARD(at::Tensor target = unwrap(tensor); target.clamp_( has_min ? c10::optional<at::Scalar>(to_scalar(min)) : c10::nullopt,
                      has_max ? c10::optional<at::Scalar>(to_scalar(max)) : c10::nullopt));
}
nc_status nc_tensor_where(const nc_tensor* condition, const nc_tensor* left, const nc_tensor* right, nc_tensor** out) {
  NC_GUARD(*out = wrap(at::where(unwrap(condition), unwrap(left), unwrap(right))));
}
nc_status nc_tensor_masked_fill(const nc_tensor* tensor, const nc_tensor* mask, nc_scalar value, nc_tensor** out) {
  NC_GUARD(*out = wrap(unwrap(tensor).masked_fill(unwrap(mask), to_scalar(value))));
}
nc_status nc_tensor_masked_fill_inplace(const nc_tensor* tensor, const nc_tensor* mask, nc_scalar value) {
  NC_GUARD(unwrap(tensor).masked_fill_(unwrap(mask), to_scalar(value)));
}
nc_status nc_tensor_masked_select(const nc_tensor* tensor, const nc_tensor* mask, nc_tensor** out) {
  NC_GUARD(*out = wrap(unwrap(tensor).masked_select(unwrap(mask))));
}
nc_status nc_tensor_gather(const nc_tensor* tensor, int64_t dim, const nc_tensor* index, nc_tensor** out) {
  NC_GUARD(*out = wrap(unwrap(tensor).gather(dim, unwrap(index))));
}
nc_status nc_tensor_scatter(const nc_tensor* tensor, int64_t dim, const nc_tensor* index, const nc_tensor* source, nc_tensor** out) {
  NC_GUARD(*out = wrap(unwrap(tensor).scatter(dim, unwrap(index), unwrap(source))));
}
nc_status nc_tensor_index_select(const nc_tensor* tensor, int64_t dim, const nc_tensor* index, nc_tensor** out) {
  NC_GUARD(*out = wrap(unwrap(tensor).index_select(dim, unwrap(index))));
}
nc_status nc_tensor_allclose(const nc_tensor* left, const nc_tensor* right, double rtol, double atol, int32_t equal_nan, int32_t* result) {
  NC_GUARD(*result = unwrap(left).allclose(unwrap(right), rtol, atol, equal_nan != 0) ? 1 : 0);
}
nc_status nc_tensor_equal(const nc_tensor* left, const nc_tensor* right, int32_t* result) {
  NC_GUARD(*result = unwrap(left).equal(unwrap(right)) ? 1 : 0);
}

nc_status nc_tensor_sum(const nc_tensor* tensor, const int64_t* dims, int32_t ndims, int32_t keep_dim, int32_t dtype, nc_tensor** out) {
  NC_GUARD({
    const auto& t = unwrap(tensor);
    *out = wrap(ndims == 0 ? t.sum(optional_dtype(dtype)) : t.sum(to_shape(dims, ndims), keep_dim != 0, optional_dtype(dtype)));
  });
}
nc_status nc_tensor_mean(const nc_tensor* tensor, const int64_t* dims, int32_t ndims, int32_t keep_dim, int32_t dtype, nc_tensor** out) {
  NC_GUARD({
    const auto& t = unwrap(tensor);
    *out = wrap(ndims == 0 ? t.mean(optional_dtype(dtype)) : t.mean(to_shape(dims, ndims), keep_dim != 0, optional_dtype(dtype)));
  });
}
nc_status nc_tensor_prod(const nc_tensor* tensor, int32_t has_dim, int64_t dim, int32_t keep_dim, int32_t dtype, nc_tensor** out) {
  NC_GUARD({
    const auto& t = unwrap(tensor);
    *out = wrap(has_dim ? t.prod(dim, keep_dim != 0, optional_dtype(dtype)) : t.prod(optional_dtype(dtype)));
  });
}
nc_status nc_tensor_std(const nc_tensor* tensor, const int64_t* dims, int32_t ndims, int64_t correction, int32_t keep_dim, nc_tensor** out) {
  NC_GUARD({
    c10::optional<at::IntArrayRef> dim_list;
    if (ndims > 0) dim_list = to_shape(dims, ndims);
    *out = wrap(at::std(unwrap(tensor), dim_list, c10::optional<int64_t>(correction), keep_dim != 0));
  });
}
nc_status nc_tensor_var(const nc_tensor* tensor, const int64_t* dims, int32_t ndims, int64_t correction, int32_t keep_dim, nc_tensor** out) {
  NC_GUARD({
    c10::optional<at::IntArrayRef> dim_list;
    if (ndims > 0) dim_list = to_shape(dims, ndims);
    *out = wrap(at::var(unwrap(tensor), dim_list, c10::optional<int64_t>(correction), keep_dim != 0));
  });
}
nc_status nc_tensor_max_all(const nc_tensor* tensor, nc_tensor** out) { NC_GUARD(*out = wrap(unwrap(tensor).max())); }
nc_status nc_tensor_min_all(const nc_tensor* tensor, nc_tensor** out) { NC_GUARD(*out = wrap(unwrap(tensor).min())); }
nc_status nc_tensor_max_dim(const nc_tensor* tensor, int64_t dim, int32_t keep_dim, nc_tensor** values, nc_tensor** indices) {
  NC_GUARD(write_pair(unwrap(tensor).max(dim, keep_dim != 0), values, indices));
}
nc_status nc_tensor_min_dim(const nc_tensor* tensor, int64_t dim, int32_t keep_dim, nc_tensor** values, nc_tensor** indices) {
  NC_GUARD(write_pair(unwrap(tensor).min(dim, keep_dim != 0), values, indices));
}
nc_status nc_tensor_argmax(const nc_tensor* tensor, int32_t has_dim, int64_t dim, int32_t keep_dim, nc_tensor** out) {
  NC_GUARD(*out = wrap(unwrap(tensor).argmax(has_dim ? c10::optional<int64_t>(dim) : c10::nullopt, keep_dim != 0)));
}
nc_status nc_tensor_argmin(const nc_tensor* tensor, int32_t has_dim, int64_t dim, int32_t keep_dim, nc_tensor** out) {
  NC_GUARD(*out = wrap(unwrap(tensor).argmin(has_dim ? c10::optional<int64_t>(dim) : c10::nullopt, keep_dim != 0)));
}
nc_status nc_tensor_all(const nc_tensor* tensor, nc_tensor** out) { NC_GUARD(*out = wrap(unwrap(tensor).all())); }
nc_status nc_tensor_any(const nc_tensor* tensor, nc_tensor** out) { NC_GUARD(*out = wrap(unwrap(tensor).any())); }
nc_status nc_tensor_norm(const nc_tensor* tensor, double p, nc_tensor** out) { NC_GUARD(*out = wrap(unwrap(tensor).norm(p))); }
nc_status nc_tensor_logsumexp(const nc_tensor* tensor, const int64_t* dims, int32_t ndims, int32_t keep_dim, nc_tensor** out) {
  NC_GUARD(*out = wrap(unwrap(tensor).logsumexp(to_shape(dims, ndims), keep_dim != 0)));
}
nc_status nc_tensor_cumsum(const nc_tensor* tensor, int64_t dim, nc_tensor** out) { NC_GUARD(*out = wrap(unwrap(tensor).cumsum(dim))); }
nc_status nc_tensor_softmax(const nc_tensor* tensor, int64_t dim, nc_tensor** out) { NC_GUARD(*out = wrap(unwrap(tensor).softmax(dim))); }
nc_status nc_tensor_log_softmax(const nc_tensor* tensor, int64_t dim, nc_tensor** out) {
  NC_GUARD(*out = wrap(unwrap(tensor).log_softmax(dim)));
}
nc_status nc_tensor_topk(const nc_tensor* tensor, int64_t k, int64_t dim, int32_t largest, int32_t sorted, nc_tensor** values, nc_tensor** indices) {
  NC_GUARD(write_pair(unwrap(tensor).topk(k, dim, largest != 0, sorted != 0), values, indices));
}
nc_status nc_tensor_sort(const nc_tensor* tensor, int64_t dim, int32_t descending, nc_tensor** values, nc_tensor** indices) {
  NC_GUARD(write_pair(unwrap(tensor).sort(dim, descending != 0), values, indices));
}

nc_status nc_tensor_view(const nc_tensor* tensor, const int64_t* shape, int32_t ndim, nc_tensor** out) {
  NC_GUARD(*out = wrap(unwrap(tensor).view(to_shape(shape, ndim))));
}
nc_status nc_tensor_reshape(const nc_tensor* tensor, const int64_t* shape, int32_t ndim, nc_tensor** out) {
  NC_GUARD(*out = wrap(unwrap(tensor).reshape(to_shape(shape, ndim))));
}
nc_status nc_tensor_expand(const nc_tensor* tensor, const int64_t* shape, int32_t ndim, nc_tensor** out) {
  NC_GUARD(*out = wrap(unwrap(tensor).expand(to_shape(shape, ndim))));
}
nc_status nc_tensor_repeat(const nc_tensor* tensor, const int64_t* repeats, int32_t ndim, nc_tensor** out) {
  NC_GUARD(*out = wrap(unwrap(tensor).repeat(to_shape(repeats, ndim))));
}
nc_status nc_tensor_permute(const nc_tensor* tensor, const int64_t* dims, int32_t ndim, nc_tensor** out) {
  NC_GUARD(*out = wrap(unwrap(tensor).permute(to_shape(dims, ndim))));
}
nc_status nc_tensor_flip(const nc_tensor* tensor, const int64_t* dims, int32_t ndim, nc_tensor** out) {
  NC_GUARD(*out = wrap(unwrap(tensor).flip(to_shape(dims, ndim))));
}
nc_status nc_tensor_transpose(const nc_tensor* tensor, int64_t dim0, int64_t dim1, nc_tensor** out) {
  NC_GUARD(*out = wrap(unwrap(tensor).transpose(dim0, dim1)));
}
nc_status nc_tensor_squeeze(const nc_tensor* tensor, int32_t has_dim, int64_t dim, nc_tensor** out) {
  NC_GUARD(*out = wrap(has_dim ? unwrap(tensor).squeeze(dim) : unwrap(tensor).squeeze()));
}
nc_status nc_tensor_unsqueeze(const nc_tensor* tensor, int64_t dim, nc_tensor** out) {
  NC_GUARD(*out = wrap(unwrap(tensor).unsqueeze(dim)));
}
nc_status nc_tensor_flatten(const nc_tensor* tensor, int64_t start_dim, int64_t end_dim, nc_tensor** out) {
  NC_GUARD(*out = wrap(unwrap(tensor).flatten(start_dim, end_dim)));
}
nc_status nc_tensor_as_strided(const nc_tensor* tensor, const int64_t* sizes, const int64_t* strides, int32_t ndim,
                               int64_t storage_offset, nc_tensor** out) {
  NC_GUARD(*out = wrap(unwrap(tensor).as_strided(to_shape(sizes, ndim), to_shape(strides, ndim), storage_offset)));
}
nc_status nc_tensor_narrow(const nc_tensor* tensor, int64_t dim, int64_t start, int64_t length, nc_tensor** out) {
  NC_GUARD(*out = wrap(unwrap(tensor).narrow(dim, start, length)));
}
nc_status nc_tensor_select(const nc_tensor* tensor, int64_t dim, int64_t index, nc_tensor** out) {
  NC_GUARD(*out = wrap(unwrap(tensor).select(dim, index)));
}
nc_status nc_tensor_cat(const nc_tensor* const* tensors, int32_t count, int64_t dim, nc_tensor** out) {
  NC_GUARD(*out = wrap(at::cat(to_list(tensors, count), dim)));
}
nc_status nc_tensor_stack(const nc_tensor* const* tensors, int32_t count, int64_t dim, nc_tensor** out) {
  NC_GUARD(*out = wrap(at::stack(to_list(tensors, count), dim)));
}

nc_status nc_tensor_index(const nc_tensor* tensor, const nc_index* indices, int32_t count, nc_tensor** out) {
  NC_GUARD(*out = wrap(unwrap(tensor).index(to_indices(indices, count))));
}
nc_status nc_tensor_index_put_inplace(const nc_tensor* tensor, const nc_index* indices, int32_t count, const nc_tensor* value) {
  NC_GUARD(at::Tensor target = unwrap(tensor); target.index_put_(to_indices(indices, count), unwrap(value)));
}
nc_status nc_tensor_index_tensor(const nc_tensor* tensor, const nc_tensor* index, nc_tensor** out) {
  NC_GUARD(*out = wrap(unwrap(tensor).index({unwrap(index)})));
}

}  // extern "C"
