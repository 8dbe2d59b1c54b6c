// Named-tensor files in PyTorch's format, written atomically.
#include <cstdio>
#include <fstream>
#include <iterator>
#include <utility>
#include <vector>

#include <torch/csrc/jit/serialization/pickle.h>

#include "guard.h"
#include "neuralcore/nc_io.h"

using namespace neuralcore;

struct nc_tensor_dict {
  std::vector<std::pair<std::string, at::Tensor>> entries;
};

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

nc_status nc_io_load(const char* path, nc_tensor_dict** out) {
  NC_GUARD({
    if (path == nullptr) throw std::invalid_argument("load: path is null");
    std::ifstream file(path, std::ios::binary);
    if (!file) throw std::runtime_error(std::string("cannot open ") + path);
    std::vector<char> bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    auto value = torch::jit::pickle_load(bytes);
    auto result = std::make_unique<nc_tensor_dict>();
    if (value.isGenericDict()) {
      for (const auto& entry : value.toGenericDict()) {
        if (!entry.key().isString() || !entry.value().isTensor())
          throw std::runtime_error(std::string(path) + ": expected a dict of str to Tensor");
        result->entries.emplace_back(entry.key().toStringRef(), entry.value().toTensor());
      }
    } else if (value.isList() || value.isTuple()) {
      const auto items = value.isList() ? value.toListRef().vec() : value.toTupleRef().elements().vec();
      for (size_t i = 0; i < items.size(); ++i) {
        if (!items[i].isTensor()) throw std::runtime_error(std::string(path) + ": expected a list of tensors");
        result->entries.emplace_back(std::to_string(i), items[i].toTensor());
      }
    } else {
      throw std::runtime_error(std::string(path) + ": holds a " + value.tagKind() + ", not a dict of tensors");
    }
    *out = result.release();
  });
}

int32_t nc_tensor_dict_count(const nc_tensor_dict* dict) { return dict == nullptr ? 0 : static_cast<int32_t>(dict->entries.size()); }

nc_status nc_tensor_dict_entry(const nc_tensor_dict* dict, int32_t index, const char** name, nc_tensor** tensor) {
  NC_GUARD({
    if (dict == nullptr) throw std::invalid_argument("dict handle is null");
    if (index < 0 || static_cast<size_t>(index) >= dict->entries.size()) throw std::invalid_argument("dict index out of range");
    const auto& entry = dict->entries[static_cast<size_t>(index)];
    *tensor = wrap(entry.second);
    *name = entry.first.c_str();
  });
}

void nc_tensor_dict_free(nc_tensor_dict* dict) { delete dict; }

}  // extern "C"
