/* Saving named tensors in PyTorch's zip/pickle format, as torch.save of a dict (the facade reads them in managed code).
   Writes go to a temporary file in the same folder that is then renamed over the target, so a crash never
   leaves a damaged file where a good one was. */
#ifndef NEURALCORE_NC_IO_H
#define NEURALCORE_NC_IO_H

#include "nc_common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Saves names[i] -> tensors[i] as a dict that Python's torch.load returns. path is UTF-8. */
NC_API nc_status nc_io_save(const char* const* names, const nc_tensor* const* tensors, int32_t count, const char* path);

/* Writes the count chunks (chunks[i], sizes[i] bytes) one after another to path (UTF-8), atomically: into path.tmp,
   flushed to disk, then renamed over path. */
NC_API nc_status nc_io_write_file(const char* path, const void* const* chunks, const int64_t* sizes, int32_t count);

/* Reads numel(shape) * element size bytes at offset of the file at path (UTF-8) into a new CPU tensor. Fails, naming
   the file, when the file ends first; the shape is checked for overflow before anything is allocated. */
NC_API nc_status nc_io_read_tensor(const char* path, int64_t offset, const int64_t* shape, int32_t ndim, int32_t dtype, nc_tensor** out);

#ifdef __cplusplus
}
#endif

#endif
