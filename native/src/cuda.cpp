// CUDA devices and libtorch's caching allocator. Compiled with NC_WITH_CUDA only against a libtorch that has CUDA;
// otherwise every device query fails with the reason and the statistics read 0.
#include <mutex>
#include <string>

#include "guard.h"
#include "neuralcore/nc_cuda.h"

#if defined(NC_WITH_CUDA)
#include <ATen/cuda/CUDAContext.h>
#include <ATen/cuda/CUDAGeneratorImpl.h>
#include <c10/cuda/CUDACachingAllocator.h>
#include <c10/cuda/CUDAFunctions.h>
#include <c10/cuda/CUDAGuard.h>
#endif

using namespace neuralcore;

namespace {

std::string unavailable_reason() {
#if defined(NC_WITH_CUDA)
  try {
    if (c10::cuda::device_count_ensure_non_zero() > 0) return {};
    return "no CUDA device is visible";
  } catch (const c10::Error& e) {
    return e.what_without_backtrace();
  }
#else
  return "the linked libtorch was built without CUDA";
#endif
}

bool available() { return unavailable_reason().empty(); }

void require_available() {
  const auto reason = unavailable_reason();
  if (!reason.empty()) TORCH_CHECK(false, "CUDA is not available: ", reason);
}

#if defined(NC_WITH_CUDA)
// Callers check availability first.
c10::DeviceIndex checked_device(int32_t device) {
  if (device < 0) return c10::cuda::current_device();
  const auto count = static_cast<int32_t>(c10::cuda::device_count());
  TORCH_CHECK_INDEX(device < count, "CUDA device ", device, " does not exist: ", count, " device(s) visible");
  return static_cast<c10::DeviceIndex>(device);
}
#endif

}  // namespace

extern "C" {

int32_t nc_cuda_is_built(void) {
#if defined(NC_WITH_CUDA)
  return 1;
#else
  return 0;
#endif
}

int32_t nc_cuda_unavailable_reason(char* buffer, int32_t capacity) {
  try {
    return copy_text(unavailable_reason(), buffer, capacity);
  } catch (...) {
    return copy_text("unknown error while querying CUDA", buffer, capacity);
  }
}

nc_status nc_cuda_device_properties(int32_t device, char* name, int32_t name_capacity, int64_t* total_memory,
                                    int32_t* major, int32_t* minor, int32_t* multiprocessors) {
  NC_GUARD({
    require_available();
#if defined(NC_WITH_CUDA)
    const auto* properties = at::cuda::getDeviceProperties(checked_device(device));
    copy_text(properties->name, name, name_capacity);
    *total_memory = static_cast<int64_t>(properties->totalGlobalMem);
    *major = properties->major;
    *minor = properties->minor;
    *multiprocessors = properties->multiProcessorCount;
#endif
  });
}

nc_status nc_cuda_current_device(int32_t* device) {
  NC_GUARD({
    require_available();
#if defined(NC_WITH_CUDA)
    *device = c10::cuda::current_device();
#endif
  });
}

nc_status nc_cuda_set_device(int32_t device) {
  NC_GUARD({
    if (device < 0) throw std::invalid_argument("device index must not be negative");
    require_available();
#if defined(NC_WITH_CUDA)
    c10::cuda::set_device(checked_device(device));
#endif
  });
}

nc_status nc_cuda_synchronize(int32_t device) {
  NC_GUARD({
    require_available();
#if defined(NC_WITH_CUDA)
    c10::cuda::CUDAGuard guard(checked_device(device));
    c10::cuda::device_synchronize();
#endif
  });
}

nc_status nc_cuda_manual_seed_all(uint64_t seed) {
  NC_GUARD({
    if (!available()) return;
#if defined(NC_WITH_CUDA)
    for (c10::DeviceIndex index = 0; index < c10::cuda::device_count(); ++index) {
      auto generator = at::cuda::detail::getDefaultCUDAGenerator(index);
      std::lock_guard<std::mutex> lock(generator.mutex());
      generator.set_current_seed(seed);
    }
#endif
  });
}

nc_status nc_cuda_memory_stats(int32_t device, int64_t* allocated, int64_t* reserved, int64_t* peak_allocated,
                               int64_t* peak_reserved) {
  NC_GUARD({
    *allocated = *reserved = *peak_allocated = *peak_reserved = 0;
    if (!available()) return;
#if defined(NC_WITH_CUDA)
    // Index 0 of each statistic array is the aggregate over small and large pools in every libtorch version.
    const auto stats = c10::cuda::CUDACachingAllocator::get()->getDeviceStats(checked_device(device));
    *allocated = stats.allocated_bytes[0].current;
    *reserved = stats.reserved_bytes[0].current;
    *peak_allocated = stats.allocated_bytes[0].peak;
    *peak_reserved = stats.reserved_bytes[0].peak;
#endif
  });
}

nc_status nc_cuda_reset_peak_memory_stats(int32_t device) {
  NC_GUARD({
    if (!available()) return;
#if defined(NC_WITH_CUDA)
    c10::cuda::CUDACachingAllocator::get()->resetPeakStats(checked_device(device));
#endif
  });
}

nc_status nc_cuda_empty_cache(void) {
  NC_GUARD({
    if (!available()) return;
#if defined(NC_WITH_CUDA)
    c10::cuda::CUDACachingAllocator::get()->emptyCache();
#endif
  });
}

nc_status nc_tensor_pin_memory(const nc_tensor* tensor, nc_tensor** out) {
  NC_GUARD({
    const auto& t = unwrap(tensor);
    const auto reason = unavailable_reason();
    if (!reason.empty()) TORCH_CHECK(false, "pinned memory needs CUDA, which is not available: ", reason);
    *out = wrap(t.pin_memory());
  });
}

nc_status nc_tensor_is_pinned(const nc_tensor* tensor, int32_t* pinned) {
  NC_GUARD({
    const auto& t = unwrap(tensor);
    *pinned = available() && t.is_pinned() ? 1 : 0;
  });
}

}  // extern "C"
