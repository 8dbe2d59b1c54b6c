/* Optimizers: libtorch's torch::optim implementations, updating parameters in place in native code.
   An nc_optimizer holds references to its parameters (the caller's tensors share their storage and identity). */
#ifndef NEURALCORE_NC_OPTIM_H
#define NEURALCORE_NC_OPTIM_H

#include "nc_common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct nc_optimizer nc_optimizer;

enum { NC_OPTIM_SGD = 0, NC_OPTIM_ADAM = 1, NC_OPTIM_ADAMW = 2, NC_OPTIM_RMSPROP = 3, NC_OPTIM_ADAGRAD = 4 };

/* Hyper-parameters of one parameter group; each optimizer reads the fields it has. */
typedef struct nc_optimizer_options {
  double learning_rate;
  double momentum;                  /* SGD, RMSprop */
  double dampening;                 /* SGD */
  double weight_decay;
  double beta1, beta2;              /* Adam, AdamW */
  double eps;                       /* Adam, AdamW, RMSprop, Adagrad */
  double alpha;                     /* RMSprop */
  double learning_rate_decay;       /* Adagrad */
  double initial_accumulator_value; /* Adagrad */
  int32_t nesterov;                 /* SGD */
  int32_t amsgrad;                  /* Adam, AdamW */
  int32_t centered;                 /* RMSprop */
  int32_t reserved;
} nc_optimizer_options;

/* params holds the parameters of every group back to back; group_sizes[i] of them belong to group i,
   whose hyper-parameters are group_options[i]. The optimizer is owned by the caller (nc_optimizer_free). */
NC_API nc_status nc_optimizer_create(int32_t kind, const nc_tensor* const* params, const int32_t* group_sizes,
                                     int32_t group_count, const nc_optimizer_options* group_options, nc_optimizer** out);
/* Accepts null. Cannot fail. */
NC_API void nc_optimizer_free(nc_optimizer* optimizer);
NC_API nc_status nc_optimizer_step(const nc_optimizer* optimizer);
/* set_to_none 1 drops the gradients (PyTorch 2's default); 0 fills them with zeros. */
NC_API nc_status nc_optimizer_zero_grad(const nc_optimizer* optimizer, int32_t set_to_none);
NC_API nc_status nc_optimizer_get_learning_rate(const nc_optimizer* optimizer, int32_t group, double* learning_rate);
NC_API nc_status nc_optimizer_set_learning_rate(const nc_optimizer* optimizer, int32_t group, double learning_rate);
/* A group's momentum (SGD, RMSprop) or beta1 (Adam, AdamW), which OneCycleLR and CyclicLR cycle; Adagrad fails. */
NC_API nc_status nc_optimizer_get_momentum(const nc_optimizer* optimizer, int32_t group, double* momentum);
NC_API nc_status nc_optimizer_set_momentum(const nc_optimizer* optimizer, int32_t group, double momentum);

/* A group's hyper-parameter by PyTorch's name (lr, momentum, dampening, weight_decay, nesterov, beta1, beta2, eps,
   amsgrad, alpha, centered, lr_decay, initial_accumulator_value; booleans as 0 or 1). Setting changes it for the
   following steps, as assigning optimizer.param_groups[g][name] does. A name the optimizer does not have fails. */
NC_API nc_status nc_optimizer_get_option(const nc_optimizer* optimizer, int32_t group, const char* name, double* value);
NC_API nc_status nc_optimizer_set_option(const nc_optimizer* optimizer, int32_t group, const char* name, double value);

/* Per-parameter state by PyTorch's name, parameter by its position over all groups. get: *out is the state tensor (an
   alias, not a copy; "step" a new Float32 scalar), or null where the parameter has no state yet or no such entry.
   set: creates the parameter's state if needed and replaces the entry (tensors are copied; "step" reads its value). */
NC_API nc_status nc_optimizer_get_state(const nc_optimizer* optimizer, int32_t parameter, const char* name, nc_tensor** out);
NC_API nc_status nc_optimizer_set_state(const nc_optimizer* optimizer, int32_t parameter, const char* name, const nc_tensor* value);

/* Forgets a parameter's state, as loading a state dict without an entry for it does: the next step starts it afresh
   (Adagrad, which creates its state with the optimizer, gets that initial state back). */
NC_API nc_status nc_optimizer_clear_state(const nc_optimizer* optimizer, int32_t parameter);

/* Adam and AdamW (others ignore it): 1 steps with multi-tensor (_foreach_) operations, one per group and operation;
   0 steps parameter by parameter; -1 (the default) uses the multi-tensor step when every parameter is on CUDA, as
   PyTorch's foreach=None does. Both give the same values; on the CPU the same bits. */
NC_API nc_status nc_optimizer_set_foreach(const nc_optimizer* optimizer, int32_t mode);
/* How many steps took the multi-tensor form so far. */
NC_API nc_status nc_optimizer_foreach_steps(const nc_optimizer* optimizer, int64_t* steps);

/* Saves or restores the optimizer's state (momentum buffers, moments, step counts, hyper-parameters) in libtorch's
   archive format, so that training resumes exactly. Saving writes a temporary file and renames it. path is UTF-8. */
NC_API nc_status nc_optimizer_save(const nc_optimizer* optimizer, const char* path);
NC_API nc_status nc_optimizer_load(const nc_optimizer* optimizer, const char* path);

#ifdef __cplusplus
}
#endif

#endif
