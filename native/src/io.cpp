// Named-tensor files in PyTorch's format, written atomically.
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>
#include <fstream>
#include <vector>

#include <torch/csrc/jit/serialization/pickle.h>

#include "guard.h"
#include "neuralcore/nc_io.h"

using namespace neuralcore;

void neuralcore::write_atomically(const std::string& path,
                                  const std::function<void(const std::function<void(const void*, size_t)>&)>& write) {
  const std::string temporary = path + ".tmp";
  const int file = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (file < 0) throw std::runtime_error("cannot write " + temporary + ": " + std::strerror(errno));
  try {
    write([&](const void* data, size_t size) {
      for (auto* bytes = static_cast<const char*>(data); size > 0;) {
        const auto written = ::write(file, bytes, size);
        if (written < 0 && errno == EINTR) continue;
        if (written <= 0) throw std::runtime_error("failed writing " + temporary + ": " + std::strerror(errno));
        bytes += written;
        size -= static_cast<size_t>(written);
      }
    });
    if (::fsync(file) != 0) throw std::runtime_error("cannot flush " + temporary + ": " + std::strerror(errno));
  } catch (...) {
    ::close(file);
    std::remove(temporary.c_str());
    throw;
  }
  ::close(file);
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    std::remove(temporary.c_str());
    throw std::runtime_error("cannot replace " + path + ": " + std::strerror(errno));
  }
}

extern "C" {

nc_status nc_io_save(const char* const* names, const nc_tensor* const* tensors, int32_t count, const char* path) {
  NC_GUARD({
    if (path == nullptr) throw std::invalid_argument("save: path is null");
    if (count < 0 || (count > 0 && (names == nullptr || tensors == nullptr))) throw std::invalid_argument("save: entries are null");
    c10::Dict<std::string, at::Tensor> dict;
    for (int32_t i = 0; i < count; ++i) {
      if (names[i] == nullptr) throw std::invalid_argument("save: a name is null");
      // Views are saved as their own data, as torch.save does for a state dict's entries.
      dict.insert(names[i], unwrap(tensors[i]).detach().cpu().contiguous());
    }
    const auto bytes = torch::jit::pickle_save(c10::IValue(dict));
    write_atomically(path, [&](const auto& sink) { sink(bytes.data(), bytes.size()); });
  });
}

nc_status nc_io_read_tensor(const char* path, int64_t offset, const int64_t* shape, int32_t ndim, int32_t dtype, nc_tensor** out) {
  NC_GUARD({
    if (path == nullptr) throw std::invalid_argument("read_tensor: path is null");
    if (offset < 0) throw std::invalid_argument("read_tensor: negative offset");
    const auto sizes = to_shape(shape, ndim);
    const auto type = to_dtype(dtype);
    const auto nbytes = checked_nbytes(sizes, type, "read_tensor");
    auto result = at::empty(sizes, at::TensorOptions().dtype(type));
    std::ifstream file(path, std::ios::binary);
    if (!file) throw std::runtime_error(std::string("cannot open ") + path);
    file.seekg(offset);
    auto* target = static_cast<char*>(result.data_ptr());
    for (int64_t done = 0; done < nbytes;) {
      const auto chunk = std::min<int64_t>(nbytes - done, int64_t{1} << 30);
      file.read(target + done, static_cast<std::streamsize>(chunk));
      const auto got = static_cast<int64_t>(file.gcount());
      if (got <= 0)
        throw std::runtime_error(std::string(path) + ": the file ended " + std::to_string(nbytes - done) +
                                 " bytes before the tensor's data did (was it truncated or replaced while loading?)");
      done += got;
    }
    *out = wrap(std::move(result));
  });
}

nc_status nc_io_write_file(const char* path, const void* const* chunks, const int64_t* sizes, int32_t count) {
  NC_GUARD({
    if (path == nullptr) throw std::invalid_argument("write_file: path is null");
    if (count < 0 || (count > 0 && (chunks == nullptr || sizes == nullptr))) throw std::invalid_argument("write_file: chunks are null");
    write_atomically(path, [&](const auto& sink) {
      for (int32_t i = 0; i < count; ++i) {
        if (sizes[i] < 0 || (sizes[i] > 0 && chunks[i] == nullptr)) throw std::invalid_argument("write_file: a chunk is null or negative");
        sink(chunks[i], static_cast<size_t>(sizes[i]));
      }
    });
  });
}

}  // extern "C"
