/* Types shared by every NeuralCore C ABI header. Plain C: no libtorch types cross this boundary. */
#ifndef NEURALCORE_NC_COMMON_H
#define NEURALCORE_NC_COMMON_H

#include <stdint.h>

#if defined(_WIN32)
#define NC_API __declspec(dllexport)
#else
#define NC_API __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* Every function that can fail returns a status; 0 means success. On failure the message is in
   nc_last_error_message() and out-parameters are left untouched. */
typedef int32_t nc_status;
enum {
  NC_OK = 0,
  NC_ERROR = 1,             /* c10::Error not covered below */
  NC_OUT_OF_MEMORY = 2,     /* c10::OutOfMemoryError, std::bad_alloc */
  NC_INDEX_ERROR = 3,       /* c10::IndexError */
  NC_VALUE_ERROR = 4,       /* c10::ValueError */
  NC_TYPE_ERROR = 5,        /* c10::TypeError */
  NC_NOT_IMPLEMENTED = 6,   /* c10::NotImplementedError */
  NC_INVALID_ARGUMENT = 7,  /* a null handle or a bad argument caught by the shim */
  NC_STD_ERROR = 8,         /* any other std::exception */
  NC_UNKNOWN_ERROR = 9      /* anything else */
};

/* One tensor reference. Created by nc_* functions, owned by the caller, freed by nc_tensor_free. */
typedef struct nc_tensor nc_tensor;

/* A number with its kind, so that int64_tensor + 1 stays int64 and int64_tensor + 1.5 promotes. */
enum { NC_SCALAR_FLOAT = 0, NC_SCALAR_INT = 1, NC_SCALAR_BOOL = 2 };
typedef struct nc_scalar {
  double real;      /* used when kind is NC_SCALAR_FLOAT */
  int64_t integer;  /* used when kind is NC_SCALAR_INT or NC_SCALAR_BOOL (0 or 1) */
  int32_t kind;
  int32_t reserved;
} nc_scalar;

/* dtype codes: c10::ScalarType numbering (Byte 0 … Bool 11, BFloat16 15), -1 = libtorch's default or inferred.
   device_type: c10::DeviceType numbering (CPU 0, CUDA 1), -1 = CPU. device_index: -1 = current. */

/* The message of the last failure on the calling thread. Owned by the library; valid until the
   next failure on this thread. Never null. */
NC_API const char* nc_last_error_message(void);

#ifdef __cplusplus
}
#endif

#endif
