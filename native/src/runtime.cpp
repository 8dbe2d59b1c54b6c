// Error buffer, threads, seeds and CUDA presence.
#include <ATen/Parallel.h>
#if defined(_OPENMP)
#include <omp.h>
#endif
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Context.h>
#include <mutex>

#include "guard.h"
#include "neuralcore/nc_runtime.h"

namespace neuralcore {
thread_local int64_t created_bytes = 0;
namespace {
thread_local std::string last_error = "no error";
}
void set_last_error(const char* message) {
  // Assignment can throw only on allocation failure; keep a fixed text rather than let it escape.
  try {
    last_error = message != nullptr ? message : "unknown error";
  } catch (...) {
    last_error.clear();
  }
}
const char* last_error_message() { return last_error.c_str(); }
}  // namespace neuralcore

using namespace neuralcore;

extern "C" {

const char* nc_last_error_message(void) { return last_error_message(); }

void nc_runtime_torch_version(int32_t* major, int32_t* minor, int32_t* patch) {
  if (major) *major = TORCH_VERSION_MAJOR;
  if (minor) *minor = TORCH_VERSION_MINOR;
  if (patch) *patch = TORCH_VERSION_PATCH;
}

nc_status nc_runtime_set_num_threads(int32_t count) { NC_GUARD(at::set_num_threads(count)); }

nc_status nc_runtime_get_num_threads(int32_t* count) { NC_GUARD(*count = at::get_num_threads()); }

int64_t* nc_runtime_created_bytes_address(void) { return &created_bytes; }

int32_t nc_runtime_tune_host_allocator(int64_t mmap_threshold, int64_t trim_threshold) {
#if defined(__GLIBC__)
  const bool mmap_set = mallopt(M_MMAP_THRESHOLD, static_cast<int>(mmap_threshold)) == 1;
  const bool trim_set = mallopt(M_TRIM_THRESHOLD, static_cast<int>(trim_threshold)) == 1;
  return mmap_set && trim_set ? 1 : 0;
#else
  return 0;
#endif
}

nc_status nc_runtime_set_thread_num_threads(int32_t count) {
  NC_GUARD({
    if (count < 1) throw std::invalid_argument("thread count must be positive");
#if defined(_OPENMP)
    omp_set_num_threads(count);
#endif
  });
}

nc_status nc_runtime_manual_seed(uint64_t seed) { NC_GUARD(at::manual_seed(seed)); }

nc_status nc_runtime_get_rng_state(nc_tensor** out) {
  NC_GUARD({
    auto generator = at::detail::getDefaultCPUGenerator();
    std::lock_guard<std::mutex> lock(generator.mutex());
    *out = wrap(generator.get_state());
  });
}

nc_status nc_runtime_set_rng_state(const nc_tensor* state) {
  NC_GUARD({
    auto generator = at::detail::getDefaultCPUGenerator();
    std::lock_guard<std::mutex> lock(generator.mutex());
    generator.set_state(unwrap(state));
  });
}

int32_t nc_runtime_cuda_is_available(void) {
  try {
    return at::hasCUDA() && at::getNumGPUs() > 0 ? 1 : 0;
  } catch (...) {
    return 0;
  }
}

int32_t nc_runtime_cuda_device_count(void) {
  try {
    return at::hasCUDA() ? static_cast<int32_t>(at::getNumGPUs()) : 0;
  } catch (...) {
    return 0;
  }
}

}  // extern "C"
