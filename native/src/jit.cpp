// TorchScript modules and the values that cross into and out of their methods.
#include <algorithm>
#include <vector>

#include <torch/csrc/jit/api/module.h>
#include <torch/csrc/jit/serialization/import.h>

#include "guard.h"
#include "neuralcore/nc_jit.h"

using namespace neuralcore;

struct nc_script_module {
  torch::jit::Module module;
  std::vector<std::string> method_names;
  std::vector<std::pair<std::string, at::Tensor>> parameters;
};

struct nc_value {
  c10::IValue value;
};

namespace {

const torch::jit::Module& unwrap_module(const nc_script_module* module) {
  if (module == nullptr) throw std::invalid_argument("script module handle is null");
  return module->module;
}

const c10::IValue& unwrap_value(const nc_value* value) {
  if (value == nullptr) throw std::invalid_argument("value handle is null");
  return value->value;
}

void refresh(nc_script_module& module) {
  module.method_names.clear();
  for (const auto& method : module.module.get_methods()) module.method_names.push_back(method.name());
  module.parameters.clear();
  for (const auto& parameter : module.module.named_parameters(true)) module.parameters.emplace_back(parameter.name, parameter.value);
}

c10::IValue make_list(const std::vector<c10::IValue>& items) {
  const auto all = [&](auto predicate) { return !items.empty() && std::all_of(items.begin(), items.end(), predicate); };
  if (all([](const c10::IValue& v) { return v.isTensor(); })) {
    c10::List<at::Tensor> list;
    for (const auto& item : items) list.push_back(item.toTensor());
    return list;
  }
  if (all([](const c10::IValue& v) { return v.isInt(); })) {
    c10::List<int64_t> list;
    for (const auto& item : items) list.push_back(item.toInt());
    return list;
  }
  if (all([](const c10::IValue& v) { return v.isDouble(); })) {
    c10::List<double> list;
    for (const auto& item : items) list.push_back(item.toDouble());
    return list;
  }
  c10::impl::GenericList list(c10::AnyType::get());
  for (const auto& item : items) list.push_back(item);
  return list;
}

std::vector<c10::IValue> collect(const nc_value* const* items, int32_t count) {
  if (count < 0 || (count > 0 && items == nullptr)) throw std::invalid_argument("value list is null");
  std::vector<c10::IValue> values;
  for (int32_t i = 0; i < count; ++i) values.push_back(unwrap_value(items[i]));
  return values;
}

nc_value* wrap_value(c10::IValue value) { return new nc_value{std::move(value)}; }

}  // namespace

extern "C" {

nc_status nc_jit_load(const char* path, int32_t device_type, int32_t device_index, nc_script_module** out) {
  NC_GUARD({
    if (path == nullptr) throw std::invalid_argument("load: path is null");
    c10::optional<c10::Device> device;
    if (device_type >= 0) device = to_device(device_type, device_index);
    auto result = std::make_unique<nc_script_module>();
    result->module = torch::jit::load(path, device);
    refresh(*result);
    *out = result.release();
  });
}

void nc_jit_free(nc_script_module* module) { delete module; }

nc_status nc_jit_invoke(const nc_script_module* module, const char* method, const nc_value* const* args, int32_t count, nc_value** result) {
  NC_GUARD({
    if (method == nullptr) throw std::invalid_argument("invoke: method name is null");
    const auto& script = unwrap_module(module);
    auto function = script.find_method(method);
    if (!function) throw std::invalid_argument(std::string("the script module has no method '") + method + "'");
    *result = wrap_value((*function)(collect(args, count)));
  });
}

nc_status nc_jit_method_count(const nc_script_module* module, int32_t* count) {
  NC_GUARD({
    unwrap_module(module);
    *count = static_cast<int32_t>(module->method_names.size());
  });
}

nc_status nc_jit_method_name(const nc_script_module* module, int32_t index, const char** name) {
  NC_GUARD({
    unwrap_module(module);
    *name = module->method_names.at(static_cast<size_t>(index)).c_str();
  });
}

nc_status nc_jit_parameter_count(const nc_script_module* module, int32_t* count) {
  NC_GUARD({
    unwrap_module(module);
    *count = static_cast<int32_t>(module->parameters.size());
  });
}

nc_status nc_jit_parameter(const nc_script_module* module, int32_t index, const char** name, nc_tensor** parameter) {
  NC_GUARD({
    unwrap_module(module);
    const auto& entry = module->parameters.at(static_cast<size_t>(index));
    *parameter = wrap(entry.second);
    *name = entry.first.c_str();
  });
}

nc_status nc_jit_train(const nc_script_module* module, int32_t training) {
  NC_GUARD({
    auto script = unwrap_module(module);  // a Module is a shared reference; this changes the loaded one
    script.train(training != 0);
  });
}

nc_status nc_jit_to(const nc_script_module* module, int32_t device_type, int32_t device_index, int32_t dtype) {
  NC_GUARD({
    auto script = unwrap_module(module);
    if (device_type >= 0 && dtype >= 0) script.to(to_device(device_type, device_index), to_dtype(dtype));
    else if (device_type >= 0) script.to(to_device(device_type, device_index));
    else if (dtype >= 0) script.to(to_dtype(dtype));
  });
}

void nc_value_free(nc_value* value) { delete value; }
nc_status nc_value_none(nc_value** out) { NC_GUARD(*out = wrap_value(c10::IValue())); }
nc_status nc_value_from_tensor(const nc_tensor* tensor, nc_value** out) { NC_GUARD(*out = wrap_value(unwrap(tensor))); }
nc_status nc_value_from_double(double value, nc_value** out) { NC_GUARD(*out = wrap_value(value)); }
nc_status nc_value_from_int(int64_t value, nc_value** out) { NC_GUARD(*out = wrap_value(value)); }
nc_status nc_value_from_bool(int32_t value, nc_value** out) { NC_GUARD(*out = wrap_value(value != 0)); }
nc_status nc_value_from_string(const char* value, nc_value** out) {
  NC_GUARD({
    if (value == nullptr) throw std::invalid_argument("string is null");
    *out = wrap_value(std::string(value));
  });
}
nc_status nc_value_list(const nc_value* const* items, int32_t count, nc_value** out) { NC_GUARD(*out = wrap_value(make_list(collect(items, count)))); }
nc_status nc_value_tuple(const nc_value* const* items, int32_t count, nc_value** out) {
  NC_GUARD(*out = wrap_value(c10::ivalue::Tuple::create(collect(items, count))));
}

int32_t nc_value_kind(const nc_value* value) {
  if (value == nullptr) return NC_VALUE_NONE;
  const auto& v = value->value;
  if (v.isNone()) return NC_VALUE_NONE;
  if (v.isTensor()) return NC_VALUE_TENSOR;
  if (v.isDouble()) return NC_VALUE_DOUBLE;
  if (v.isInt()) return NC_VALUE_INT;
  if (v.isBool()) return NC_VALUE_BOOL;
  if (v.isString()) return NC_VALUE_STRING;
  if (v.isList()) return NC_VALUE_LIST;
  if (v.isTuple()) return NC_VALUE_TUPLE;
  return NC_VALUE_OTHER;
}

nc_status nc_value_to_tensor(const nc_value* value, nc_tensor** out) { NC_GUARD(*out = wrap(unwrap_value(value).toTensor())); }
nc_status nc_value_to_double(const nc_value* value, double* out) { NC_GUARD(*out = unwrap_value(value).toDouble()); }
nc_status nc_value_to_int(const nc_value* value, int64_t* out) { NC_GUARD(*out = unwrap_value(value).toInt()); }
nc_status nc_value_to_bool(const nc_value* value, int32_t* out) { NC_GUARD(*out = unwrap_value(value).toBool() ? 1 : 0); }
nc_status nc_value_to_string(const nc_value* value, const char** out) { NC_GUARD(*out = unwrap_value(value).toStringRef().c_str()); }

nc_status nc_value_count(const nc_value* value, int32_t* count) {
  NC_GUARD({
    const auto& v = unwrap_value(value);
    if (v.isList()) *count = static_cast<int32_t>(v.toListRef().size());
    else if (v.isTuple()) *count = static_cast<int32_t>(v.toTupleRef().elements().size());
    else throw std::invalid_argument(std::string("a ") + v.tagKind() + " has no items");
  });
}

nc_status nc_value_item(const nc_value* value, int32_t index, nc_value** out) {
  NC_GUARD({
    const auto& v = unwrap_value(value);
    if (v.isList()) *out = wrap_value(v.toListRef().at(static_cast<size_t>(index)));
    else if (v.isTuple()) *out = wrap_value(v.toTupleRef().elements().at(static_cast<size_t>(index)));
    else throw std::invalid_argument(std::string("a ") + v.tagKind() + " has no items");
  });
}

}  // extern "C"
