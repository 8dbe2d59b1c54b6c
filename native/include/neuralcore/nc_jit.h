/* TorchScript: load a module scripted or traced in Python and call its methods.
   Values passed in and out are nc_value handles (tensors, numbers, booleans, strings, None, lists, tuples),
   owned by the caller and freed with nc_value_free. Tensor handles follow nc_tensor.h. */
#ifndef NEURALCORE_NC_JIT_H
#define NEURALCORE_NC_JIT_H

#include "nc_common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct nc_script_module nc_script_module;
typedef struct nc_value nc_value;

enum {
  NC_VALUE_NONE = 0, NC_VALUE_TENSOR = 1, NC_VALUE_DOUBLE = 2, NC_VALUE_INT = 3, NC_VALUE_BOOL = 4,
  NC_VALUE_STRING = 5, NC_VALUE_LIST = 6, NC_VALUE_TUPLE = 7, NC_VALUE_OTHER = 8
};

/* Loads a TorchScript file (torch.jit.save) onto a device (device_type -1: where it was saved). path is UTF-8. */
NC_API nc_status nc_jit_load(const char* path, int32_t device_type, int32_t device_index, nc_script_module** out);
/* Accepts null. Cannot fail. */
NC_API void nc_jit_free(nc_script_module* module);
/* Calls method(args...). The result is a new value. */
NC_API nc_status nc_jit_invoke(const nc_script_module* module, const char* method, const nc_value* const* args, int32_t count,
                               nc_value** result);
NC_API nc_status nc_jit_method_count(const nc_script_module* module, int32_t* count);
/* The name stays valid while the module lives. */
NC_API nc_status nc_jit_method_name(const nc_script_module* module, int32_t index, const char** name);
NC_API nc_status nc_jit_parameter_count(const nc_script_module* module, int32_t* count);
/* A new handle to the module's own parameter (same tensor, not a copy) and its dotted name (valid while the module lives). */
NC_API nc_status nc_jit_parameter(const nc_script_module* module, int32_t index, const char** name, nc_tensor** parameter);
NC_API nc_status nc_jit_train(const nc_script_module* module, int32_t training);
/* Moves parameters and buffers in place; dtype -1 keeps it, device_type -1 keeps the device. */
NC_API nc_status nc_jit_to(const nc_script_module* module, int32_t device_type, int32_t device_index, int32_t dtype);

/* ---- values ---- */
NC_API void nc_value_free(nc_value* value);
NC_API nc_status nc_value_none(nc_value** out);
NC_API nc_status nc_value_from_tensor(const nc_tensor* tensor, nc_value** out);
NC_API nc_status nc_value_from_double(double value, nc_value** out);
NC_API nc_status nc_value_from_int(int64_t value, nc_value** out);
NC_API nc_status nc_value_from_bool(int32_t value, nc_value** out);
NC_API nc_status nc_value_from_string(const char* value, nc_value** out);
/* A list takes the most specific TorchScript type its items share (List[Tensor], List[int], List[float]). */
NC_API nc_status nc_value_list(const nc_value* const* items, int32_t count, nc_value** out);
NC_API nc_status nc_value_tuple(const nc_value* const* items, int32_t count, nc_value** out);
/* Cannot fail; NC_VALUE_NONE for null. */
NC_API int32_t nc_value_kind(const nc_value* value);
NC_API nc_status nc_value_to_tensor(const nc_value* value, nc_tensor** out);
NC_API nc_status nc_value_to_double(const nc_value* value, double* out);
NC_API nc_status nc_value_to_int(const nc_value* value, int64_t* out);
NC_API nc_status nc_value_to_bool(const nc_value* value, int32_t* out);
/* The text stays valid while the value lives. */
NC_API nc_status nc_value_to_string(const nc_value* value, const char** out);
/* Items of a list or tuple. */
NC_API nc_status nc_value_count(const nc_value* value, int32_t* count);
NC_API nc_status nc_value_item(const nc_value* value, int32_t index, nc_value** out);

#ifdef __cplusplus
}
#endif

#endif
