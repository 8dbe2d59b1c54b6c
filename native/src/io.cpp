// Named-tensor files in PyTorch's format, written atomically.
#include <cstdio>
#include <fstream>
#include <vector>

#include <torch/csrc/jit/serialization/pickle.h>

#include "guard.h"
#include "neuralcore/nc_io.h"

using namespace neuralcore;

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
    const std::string target(path);
    const std::string temporary = target + ".tmp";
    {
      std::ofstream file(temporary, std::ios::binary | std::ios::trunc);
      if (!file) throw std::runtime_error("cannot write " + temporary);
      file.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
      file.flush();
      if (!file) throw std::runtime_error("failed writing " + temporary);
    }
    if (std::rename(temporary.c_str(), target.c_str()) != 0) {
      std::remove(temporary.c_str());
      throw std::runtime_error("cannot replace " + target);
    }
  });
}

}  // extern "C"
