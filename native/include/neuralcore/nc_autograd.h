/* Autograd: gradients, graph control and grad mode. Ownership as in nc_tensor.h. */
#ifndef NEURALCORE_NC_AUTOGRAD_H
#define NEURALCORE_NC_AUTOGRAD_H

#include "nc_common.h"

#ifdef __cplusplus
extern "C" {
#endif

NC_API nc_status nc_tensor_set_requires_grad(const nc_tensor* tensor, int32_t requires_grad);
/* Which tensor the gradient is (its TensorImpl's address, only for comparing), or null when there is none: lets the
   facade keep one wrapper per gradient instead of creating a handle on every read. */
NC_API nc_status nc_tensor_grad_identity(const nc_tensor* tensor, const void** identity);
/* *out is null when the tensor has no gradient. */
NC_API nc_status nc_tensor_grad(const nc_tensor* tensor, nc_tensor** out);
/* gradient may be null to clear it. */
NC_API nc_status nc_tensor_set_grad(const nc_tensor* tensor, const nc_tensor* gradient);
NC_API nc_status nc_tensor_retain_grad(const nc_tensor* tensor);
/* gradient may be null for a one-element tensor. */
NC_API nc_status nc_tensor_backward(const nc_tensor* tensor, const nc_tensor* gradient, int32_t retain_graph, int32_t create_graph);
NC_API nc_status nc_tensor_detach(const nc_tensor* tensor, nc_tensor** out);
NC_API nc_status nc_tensor_detach_inplace(const nc_tensor* tensor);
/* Name of the node that made the tensor ("MulBackward0"), empty for leaves. The string is the
   thread's last-error buffer's sibling: valid until the next call of this function on the thread. */
NC_API nc_status nc_tensor_grad_fn_name(const nc_tensor* tensor, const char** name);

/* torch.autograd.grad. grad_outputs may be null, or hold null entries for one-element outputs.
   results receives input_count new handles; an input the outputs do not depend on gives null when
   allow_unused is set. retain_graph -1 means "same as create_graph". */
NC_API nc_status nc_autograd_grad(const nc_tensor* const* outputs, const nc_tensor* const* grad_outputs, int32_t output_count,
                                  const nc_tensor* const* inputs, int32_t input_count, int32_t retain_graph,
                                  int32_t create_graph, int32_t allow_unused, nc_tensor** results);

/* Grad mode of the calling thread. set returns the previous mode. Cannot fail. */
NC_API int32_t nc_autograd_is_enabled(void);
NC_API int32_t nc_autograd_set_enabled(int32_t enabled);

/* Autocast (automatic mixed precision) on the calling thread for one device type (c10::DeviceType code: CPU 0,
   CUDA 1): enter enables it with dtype and writes the previous state; exit restores that state and clears the
   cast cache when the outermost region ends. */
NC_API nc_status nc_autocast_enter(int32_t device_type, int32_t enabled, int32_t dtype, int32_t* previous_enabled, int32_t* previous_dtype);
NC_API nc_status nc_autocast_exit(int32_t device_type, int32_t previous_enabled, int32_t previous_dtype);
NC_API nc_status nc_autocast_is_enabled(int32_t device_type, int32_t* enabled);
/* GradScaler's unscale: multiplies every gradient by inverse_scale in place and sets *found_inf to 1 if any held an
   inf or NaN (before the multiplication), else 0. */
NC_API nc_status nc_amp_unscale(const nc_tensor* const* gradients, int32_t count, double inverse_scale, int32_t* found_inf);

#ifdef __cplusplus
}
#endif

#endif
