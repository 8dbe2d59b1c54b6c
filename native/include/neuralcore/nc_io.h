/* Saving and loading named tensors in PyTorch's zip/pickle format (torch.save / torch.load of a dict).
   Writes go to a temporary file in the same folder that is then renamed over the target, so a crash never
   leaves a damaged file where a good one was. */
#ifndef NEURALCORE_NC_IO_H
#define NEURALCORE_NC_IO_H

#include "nc_common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* An ordered list of (name, tensor) pairs returned by nc_io_load; owned by the caller. */
typedef struct nc_tensor_dict nc_tensor_dict;

/* Saves names[i] -> tensors[i] as a dict that Python's torch.load returns. path is UTF-8. */
NC_API nc_status nc_io_save(const char* const* names, const nc_tensor* const* tensors, int32_t count, const char* path);
/* Loads a file holding a dict (or list) of tensors written by nc_io_save or torch::pickle_save. */
NC_API nc_status nc_io_load(const char* path, nc_tensor_dict** out);
NC_API int32_t nc_tensor_dict_count(const nc_tensor_dict* dict);
/* The name of entry index (valid while the dict lives) and a new handle to its tensor. */
NC_API nc_status nc_tensor_dict_entry(const nc_tensor_dict* dict, int32_t index, const char** name, nc_tensor** tensor);
/* Accepts null. Cannot fail. */
NC_API void nc_tensor_dict_free(nc_tensor_dict* dict);

#ifdef __cplusplus
}
#endif

#endif
