/* Strata device interface: the stable C ABI between the SDK (the host) and backend plugins.
 *
 * A backend plugin is a shared library that exports one symbol, `strata_backend_entry`.
 * The host calls it with its own function table (`strata_host_api`) and receives the
 * plugin's table (`strata_backend_api`). Everything else goes through those two tables.
 *
 * Stability rules (version 1.x):
 *  - Tables and property structs only ever grow at the end. Offsets are frozen by the
 *    static assertions at the bottom of this file; a new entry is a minor-version bump.
 *  - The host checks `struct_size` before calling an entry, so a plugin built for an older
 *    minor version keeps working. A plugin built for another major version is refused.
 *  - No C++ exception, std:: type or allocator crosses this boundary. Every fallible call
 *    returns `strata_status*`: NULL on success, otherwise a status made with the host's
 *    `status_create` (so the host allocates and frees it). A failed call leaves its outputs
 *    untouched.
 *  - Threading: backend, device and buffer entries are thread-safe. A queue is used by one
 *    thread at a time; different queues may be used from different threads concurrently.
 */
#ifndef STRATA_BACKEND_H_
#define STRATA_BACKEND_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32)
#define STRATA_PLUGIN_EXPORT __declspec(dllexport)
#else
#define STRATA_PLUGIN_EXPORT __attribute__((visibility("default")))
#endif

/* ---- Versions ------------------------------------------------------------------------ */

#define STRATA_MAKE_VERSION(major, minor) ((((uint32_t)(major)) << 16) | ((uint32_t)(minor)&0xffffu))
#define STRATA_VERSION_MAJOR(version) (((uint32_t)(version)) >> 16)
#define STRATA_VERSION_MINOR(version) (((uint32_t)(version)) & 0xffffu)

#define STRATA_BACKEND_ABI_MAJOR 1
#define STRATA_BACKEND_ABI_MINOR 2
#define STRATA_BACKEND_ABI_VERSION STRATA_MAKE_VERSION(STRATA_BACKEND_ABI_MAJOR, STRATA_BACKEND_ABI_MINOR)

/* The one symbol a backend plugin exports. */
#define STRATA_BACKEND_ENTRY_SYMBOL "strata_backend_entry"

/* ---- Status -------------------------------------------------------------------------- */

typedef int32_t strata_status_code;
enum {
  STRATA_STATUS_OK = 0,
  STRATA_STATUS_INVALID_ARGUMENT = 1, /* a caller error: bad shape, dtype, handle, size */
  STRATA_STATUS_OUT_OF_MEMORY = 2,    /* the device (or host) could not provide the memory */
  STRATA_STATUS_UNSUPPORTED = 3,      /* valid request, but this device does not do it */
  STRATA_STATUS_UNAVAILABLE = 4,      /* no driver or no device present */
  STRATA_STATUS_INCOMPATIBLE_VERSION = 5,
  STRATA_STATUS_DEVICE_LOST = 6,
  STRATA_STATUS_INTERNAL = 7
};

/* Opaque; created by the host's `status_create`, owned and freed by the host. */
typedef struct strata_status strata_status;

/* ---- Host table: what the SDK offers to plugins --------------------------------------- */

typedef int32_t strata_log_level;
enum { STRATA_LOG_DEBUG = 0, STRATA_LOG_INFO = 1, STRATA_LOG_WARNING = 2, STRATA_LOG_ERROR = 3 };

typedef struct strata_host_api {
  uint32_t struct_size; /* sizeof(strata_host_api) as the host was built */
  uint32_t abi_version; /* STRATA_BACKEND_ABI_VERSION the host speaks */
  /* Makes an error status; `message` is copied. Never returns NULL for code != OK. */
  strata_status* (*status_create)(strata_status_code code, const char* message);
  /* Logs through the SDK's logger; `message` is copied. */
  void (*log)(strata_log_level level, const char* message);
} strata_host_api;

/* ---- Opaque objects owned by the plugin ---------------------------------------------- */

typedef struct strata_backend strata_backend; /* one started backend instance */
typedef struct strata_device strata_device;   /* owned by its backend, valid until backend_destroy */
typedef struct strata_buffer strata_buffer;   /* device memory */
typedef struct strata_queue strata_queue;     /* an in-order stream of work on one device */
typedef struct strata_event strata_event;     /* a point in a queue's stream */

/* ---- Data types and tensors ---------------------------------------------------------- */

typedef int32_t strata_dtype;
enum {
  STRATA_DTYPE_F32 = 0,
  STRATA_DTYPE_F16 = 1,
  STRATA_DTYPE_BF16 = 2,
  STRATA_DTYPE_I32 = 3,
  STRATA_DTYPE_COUNT = 4
};
#define STRATA_DTYPE_BIT(dtype) (1u << (uint32_t)(dtype))

#define STRATA_MAX_RANK 4

/* A dense, row-major (last dimension contiguous) view into a buffer.
 * shape[0] is the outermost dimension; only the first `rank` entries are read. */
typedef struct strata_tensor {
  strata_buffer* buffer;
  uint64_t offset; /* in bytes from the start of the buffer; a multiple of the element size */
  strata_dtype dtype;
  uint32_t rank; /* 1..STRATA_MAX_RANK */
  int64_t shape[STRATA_MAX_RANK];
} strata_tensor;

/* ---- The op set (versions 1.0 and 1.2) ------------------------------------------------ *
 * Compute is float32; inputs named "weight" or "table" may be stored in F32, F16 or BF16.
 * Activations (x, q, out, ...) are F32 unless stated. "rows" means all dimensions but the
 * last, flattened. Elementwise and row-wise ops (COPY, ADD, MUL, SILU, GELU, SILU_MUL,
 * RMS_NORM, LAYER_NORM, ROPE, SOFTMAX, SCALE, SOFTCAP) may write their output exactly over
 * inputs[0] (same buffer, offset and shape), and inputs[1] may then be that same view too
 * (add(x, x) -> x); no other overlap between inputs and output is allowed.
 * ABI 1.2 appended parameters and two kinds (marked "1.2" below). Zero means "off" for every
 * appended field, so an op built for 1.0/1.1 means what it meant. The host never hands a
 * plugin of an older minor version an op that uses a 1.2 feature. */
typedef int32_t strata_op_kind;
enum {
  /* out = in0 converted to out's dtype; same element count. F32/F16/BF16 both ways, I32->I32. */
  STRATA_OP_COPY = 0,
  /* out = in0 + in1. in1 has in0's element count, or the size of in0's last dim (broadcast
   * over rows). in1 may be F32, F16 or BF16 (a stored parameter such as a bias or a gain);
   * in0 and out are F32. */
  STRATA_OP_ADD = 1,
  /* out = in0 * in1, broadcasting and with the dtypes of ADD. */
  STRATA_OP_MUL = 2,
  /* out = in0 * sigmoid(in0). */
  STRATA_OP_SILU = 3,
  /* out = gelu(in0): params.gelu.approximate 0 = erf form, 1 = tanh form. */
  STRATA_OP_GELU = 4,
  /* out = silu(in0) * in1, same shapes (the SwiGLU gate of Llama's MLP). */
  STRATA_OP_SILU_MUL = 5,
  /* out[r,:] = in0[r,:] / sqrt(mean(in0[r,:]^2) + eps) * (weight + params.norm.weight_offset);
   * in1 = weight [n]. 1.2: weight_offset (0 before; Gemma's norms store w - 1 and use 1). */
  STRATA_OP_RMS_NORM = 6,
  /* out[r,:] = (in0[r,:] - mean) / sqrt(var + eps) * weight + bias; in1 = weight [n],
   * in2 = bias [n] (optional: n_inputs == 2 means no bias). Biased variance.
   * params.norm.weight_offset must be 0 (else malformed). */
  STRATA_OP_LAYER_NORM = 7,
  /* Rotary position embedding, Hugging Face "rotate_half" layout (NeoX style).
   * in0 = x [T, H, D] F32, in1 = positions [T] I32; out like in0. The first
   * params.rope.rotary_dim (even, <= D) features of each head rotate: for i < rotary_dim/2,
   * angle = pos * theta^(-2i / rotary_dim), pairs (i, i + rotary_dim/2). A rotary_dim outside
   * 2..D or odd (0 included) is malformed: supports_op answers 0, queue_submit returns
   * INVALID_ARGUMENT.
   * 1.2: optional in2 = inverse frequencies, F32 [rotary_dim/2]; with n_inputs == 3,
   * angle = pos * in2[i] and theta is ignored (llama3, linear and other per-dimension
   * scalings). An in2 of another dtype, rank or length is malformed. */
  STRATA_OP_ROPE = 8,
  /* out[r,:] = softmax(in0[r,:] * params.softmax.scale). */
  STRATA_OP_SOFTMAX = 9,
  /* out[M,N] = in0[M,K] x in1[N,K]^T (+ in2[N] when n_inputs == 3). in1 is a weight in the
   * Hugging Face Linear layout [out_features, in_features]; in2 (bias) is F32/F16/BF16. */
  STRATA_OP_MATMUL = 10,
  /* Scaled dot-product attention over a KV cache with grouped-query heads.
   * in0 = q [T, Hq, D] F32; in1 = k cache [S, Hkv, D], in2 = v cache [S, Hkv, D] (F32 or
   * F16, S >= n_past + T, rows beyond n_past + T are ignored); out = [T, Hq, D] F32.
   * Query head h reads KV head h / (Hq / Hkv). Query t sits at position n_past + t and,
   * when causal, sees keys 0 .. n_past + t; otherwise keys 0 .. n_past + T - 1.
   * scores are scaled by params.attention.scale before the softmax.
   * 1.2: params.attention.window W > 0 (causal only) narrows query position p to keys
   * p-W+1 .. p (W keys including its own, the Hugging Face sliding window); 0: no window;
   * W < 0, or W > 0 without causal, is malformed. params.attention.softcap c > 0 replaces each
   * scaled score s by c * tanh(s / c) before masking and softmax (Gemma 2); 0: none; c < 0 or
   * not finite is malformed. */
  STRATA_OP_ATTENTION = 11,
  /* out[t,:] = in0[in1[t], :]; in0 = table [V, D] (F32/F16/BF16), in1 = ids [T] I32,
   * out = [T, D] F32. An id outside [0, V) is an INVALID_ARGUMENT error where the device
   * can detect it, and must never read outside the table. */
  STRATA_OP_EMBEDDING = 12,
  /* 1.2: out = in0 * params.scale.factor (Gemma's embedding scale). */
  STRATA_OP_SCALE = 13,
  /* 1.2: out = cap * tanh(in0 / cap), cap = params.softcap.cap; a cap that is not > 0 and
   * finite is malformed (Gemma 2's logit soft-capping). */
  STRATA_OP_SOFTCAP = 14,
  STRATA_OP_KIND_COUNT = 15
};

/* The op's name as errors, docs and strata-cts spell it; "unknown" outside the op set.
 * Inline, so it adds nothing to the ABI. */
static inline const char* strata_op_kind_name(strata_op_kind kind) {
  switch (kind) {
    case STRATA_OP_COPY:
      return "copy";
    case STRATA_OP_ADD:
      return "add";
    case STRATA_OP_MUL:
      return "mul";
    case STRATA_OP_SILU:
      return "silu";
    case STRATA_OP_GELU:
      return "gelu";
    case STRATA_OP_SILU_MUL:
      return "silu_mul";
    case STRATA_OP_RMS_NORM:
      return "rms_norm";
    case STRATA_OP_LAYER_NORM:
      return "layer_norm";
    case STRATA_OP_ROPE:
      return "rope";
    case STRATA_OP_SOFTMAX:
      return "softmax";
    case STRATA_OP_MATMUL:
      return "matmul";
    case STRATA_OP_ATTENTION:
      return "attention";
    case STRATA_OP_EMBEDDING:
      return "embedding";
    case STRATA_OP_SCALE:
      return "scale";
    case STRATA_OP_SOFTCAP:
      return "softcap";
    default:
      return "unknown";
  }
}

#define STRATA_MAX_OP_INPUTS 4

typedef struct strata_op_params_norm {
  float eps;
  float weight_offset; /* 1.2, RMS_NORM only */
} strata_op_params_norm;
typedef struct strata_op_params_rope {
  float theta;
  int32_t rotary_dim;
} strata_op_params_rope;
typedef struct strata_op_params_softmax {
  float scale;
} strata_op_params_softmax;
typedef struct strata_op_params_gelu {
  int32_t approximate;
} strata_op_params_gelu;
typedef struct strata_op_params_attention {
  int64_t n_past;
  float scale;
  int32_t causal;
  int64_t window; /* 1.2 */
  float softcap;  /* 1.2 */
} strata_op_params_attention;
typedef struct strata_op_params_scale { /* 1.2 */
  float factor;
} strata_op_params_scale;
typedef struct strata_op_params_softcap { /* 1.2 */
  float cap;
} strata_op_params_softcap;

typedef struct strata_op {
  strata_op_kind kind;
  uint32_t n_inputs;
  strata_tensor inputs[STRATA_MAX_OP_INPUTS];
  strata_tensor output;
  union {
    strata_op_params_norm norm; /* RMS_NORM, LAYER_NORM */
    strata_op_params_rope rope;
    strata_op_params_softmax softmax;
    strata_op_params_gelu gelu;
    strata_op_params_attention attention;
    strata_op_params_scale scale;     /* 1.2 */
    strata_op_params_softcap softcap; /* 1.2 */
    uint8_t reserved[64];             /* room for later ops' parameters without changing the size */
  } params;
} strata_op;

/* ---- Devices ------------------------------------------------------------------------- */

typedef int32_t strata_device_kind;
enum { STRATA_DEVICE_CPU = 0, STRATA_DEVICE_GPU = 1, STRATA_DEVICE_IGPU = 2, STRATA_DEVICE_ACCEL = 3 };

typedef uint32_t strata_device_caps;
enum {
  STRATA_CAP_ASYNC = 1u << 0,          /* queue work runs asynchronously to the caller */
  STRATA_CAP_EVENTS = 1u << 1,         /* events order work between queues; a synchronous
                                        * backend may claim it: its events are complete when
                                        * recorded */
  STRATA_CAP_HOST_VISIBLE = 1u << 2,   /* buffer_host_pointer returns a usable pointer */
  STRATA_CAP_UNIFIED_MEMORY = 1u << 3, /* device memory is host memory */
  STRATA_CAP_IMPORT_HOST = 1u << 4,    /* buffer_import_host wraps host memory, no copy */
  /* ABI 1.1: the speed figures in the properties are exact and the SDK uses them as they are,
   * without measuring the device (a simulator describing another device). */
  STRATA_CAP_EXACT_SPEEDS = 1u << 5
};

/* ABI 1.1: what a device shares with the host, so that the planners do not count the same cores
 * or memory twice. A 1.0 plugin leaves UNKNOWN, and the host infers it: a device of kind CPU, or
 * with unified memory and no PCI bus id, computes on the host's cores. A 1.1 plugin says it (a
 * device of kind CPU is never NONE); a value outside this enum is treated as UNKNOWN. */
typedef int32_t strata_device_sharing;
enum {
  STRATA_SHARING_UNKNOWN = 0,
  STRATA_SHARING_NONE = 1,        /* its own compute units and memory (a discrete GPU) */
  STRATA_SHARING_HOST_MEMORY = 2, /* its own compute units, the host's memory (an integrated GPU) */
  STRATA_SHARING_HOST_CORES = 3   /* runs on the host's CPU cores, in host memory (PoCL, lavapipe) */
};

#define STRATA_MEMORY_UNKNOWN UINT64_MAX

typedef struct strata_device_properties {
  /* In: sizeof as the caller knows it. The plugin writes only the fields that fit. */
  uint32_t struct_size;
  strata_device_kind kind;
  char name[128];      /* human-readable, e.g. "NVIDIA H100 80GB HBM3" */
  char stable_id[128]; /* the same device gets the same id across runs */
  char pci_bus_id[32]; /* "0000:65:00.0", or "" when the API does not say */
  uint8_t uuid[16];    /* device UUID where the API gives one */
  uint32_t has_uuid;
  uint32_t dtypes; /* STRATA_DTYPE_BIT mask of dtypes the device stores */
  strata_device_caps caps;
  uint32_t reserved0;
  uint64_t memory_total;      /* bytes, or STRATA_MEMORY_UNKNOWN */
  uint64_t memory_free;       /* bytes, or STRATA_MEMORY_UNKNOWN when the API cannot tell */
  double peak_flops;          /* F32 FLOP/s, 0 when unknown */
  double memory_bandwidth;    /* device memory bytes/s, 0 when unknown */
  double host_link_bandwidth; /* host <-> device bytes/s, 0 when unknown */
  /* ---- ABI 1.1 ---- */
  /* The driver and its version ("NVIDIA 580.159.04", "PoCL 3.1", "Mesa 22.3.6"), NUL-terminated
   * within the field, "" when unknown: measurements the SDK caches for the device are taken again
   * when it changes. */
  char driver_version[64];
  strata_device_sharing sharing;
  uint32_t reserved1;
} strata_device_properties;

/* sizeof(strata_device_properties) in ABI 1.0 (on 64-bit targets): the part a 1.0 plugin writes. */
#define STRATA_DEVICE_PROPERTIES_SIZE_1_0 368

/* ---- The backend table --------------------------------------------------------------- */

typedef struct strata_backend_api {
  /* Frozen header: these two fields keep their offsets in every major version. */
  uint32_t struct_size; /* sizeof(strata_backend_api) as the plugin was built */
  uint32_t abi_version; /* STRATA_BACKEND_ABI_VERSION the plugin was built for */

  const char* name;    /* short, lower case: "cpu", "opencl", "vulkan"; device names derive from it */
  const char* version; /* the plugin's own version string */

  /* Cheap check, before create: how many devices would this backend offer here? Must not
   * hang or crash when the driver is missing: report 0 (or UNAVAILABLE with a reason). */
  strata_status* (*probe)(uint32_t* out_device_count);
  strata_status* (*backend_create)(strata_backend** out_backend);
  /* Frees everything the backend still holds; the host frees its objects first. */
  void (*backend_destroy)(strata_backend* backend);

  strata_status* (*device_count)(strata_backend* backend, uint32_t* out_count);
  strata_status* (*device_get)(strata_backend* backend, uint32_t index, strata_device** out_device);
  strata_status* (*device_properties)(strata_device* device, strata_device_properties* inout_props);
  /* Current memory; free may be STRATA_MEMORY_UNKNOWN. */
  strata_status* (*device_memory)(strata_device* device, uint64_t* out_free, uint64_t* out_total);
  /* Sets *out_supported to 1 when the device runs `op` with these dtypes and shapes (buffers
   * may be NULL: only the descriptions are read), else 0. Not supported is not an error. An op
   * kind the plugin does not know (from a later op set) is answered 0 here, and queue_submit
   * returns UNSUPPORTED for it. */
  strata_status* (*device_supports_op)(strata_device* device, const strata_op* op, int32_t* out_supported);

  /* size > 0. Memory content is undefined. Larger than the device can give: OUT_OF_MEMORY. */
  strata_status* (*buffer_allocate)(strata_device* device, uint64_t size, strata_buffer** out_buffer);
  void (*buffer_free)(strata_buffer* buffer);
  /* Host address of the buffer's memory (STRATA_CAP_HOST_VISIBLE), else NULL. */
  void* (*buffer_host_pointer)(strata_buffer* buffer);
  /* Wraps caller-owned host memory without copying (STRATA_CAP_IMPORT_HOST), else
   * UNSUPPORTED. The memory must outlive the buffer; buffer_free does not free it. */
  strata_status* (*buffer_import_host)(strata_device* device, void* host_memory, uint64_t size,
                                       strata_buffer** out_buffer);

  strata_status* (*queue_create)(strata_device* device, strata_queue** out_queue);
  /* Waits for the queue's work, then frees it. */
  void (*queue_destroy)(strata_queue* queue);
  /* Copies host memory into the buffer after the queue's earlier work. `src` may be reused as
   * soon as the call returns. In the three copy calls, size 0 is valid and does nothing
   * (offsets up to the buffer's size included). */
  strata_status* (*queue_write)(strata_queue* queue, strata_buffer* dst, uint64_t dst_offset, const void* src,
                                uint64_t size);
  /* Waits for the queue's earlier work, then copies buffer memory to the host. */
  strata_status* (*queue_read)(strata_queue* queue, strata_buffer* src, uint64_t src_offset, void* dst, uint64_t size);
  /* Device-side copy between two buffers of this device. */
  strata_status* (*queue_copy)(strata_queue* queue, strata_buffer* src, uint64_t src_offset, strata_buffer* dst,
                               uint64_t dst_offset, uint64_t size);
  /* Enqueues ops in order. Validation errors are returned at once and enqueue nothing. An error
   * during execution is returned once: by this call when the backend runs ops before returning
   * (a synchronous backend), else by the next call on this queue that waits for the work
   * (queue_finish, queue_read). The queue stays usable after it. */
  strata_status* (*queue_submit)(strata_queue* queue, const strata_op* ops, uint32_t op_count);
  /* Waits until all work on the queue has completed. */
  strata_status* (*queue_finish)(strata_queue* queue);

  /* Marks the current end of the queue's stream. */
  strata_status* (*event_record)(strata_queue* queue, strata_event** out_event);
  /* Work submitted to `queue` after this call starts only once `event` has completed. The
   * event may come from another queue of the same backend. */
  strata_status* (*queue_wait_event)(strata_queue* queue, strata_event* event);
  /* Blocks the caller until the event has completed. */
  strata_status* (*event_synchronize)(strata_event* event);
  void (*event_release)(strata_event* event);
} strata_backend_api;

/* The entry point. `host` stays valid until the plugin is unloaded. On success, *out_api
 * points at a table that stays valid until then too. A plugin that needs a newer host than
 * host->abi_version returns INCOMPATIBLE_VERSION. */
typedef strata_status* (*strata_backend_entry_fn)(const strata_host_api* host, const strata_backend_api** out_api);

/* ---- Frozen layout (1.0) ------------------------------------------------------------- */
#if defined(__cplusplus)
#define STRATA_STATIC_ASSERT static_assert
#else
#define STRATA_STATIC_ASSERT _Static_assert
#endif
#if UINTPTR_MAX == 0xffffffffffffffffu
STRATA_STATIC_ASSERT(offsetof(strata_backend_api, struct_size) == 0, "frozen header");
STRATA_STATIC_ASSERT(offsetof(strata_backend_api, abi_version) == 4, "frozen header");
STRATA_STATIC_ASSERT(offsetof(strata_backend_api, name) == 8, "ABI 1.0 layout");
STRATA_STATIC_ASSERT(offsetof(strata_backend_api, probe) == 24, "ABI 1.0 layout");
STRATA_STATIC_ASSERT(offsetof(strata_backend_api, device_count) == 48, "ABI 1.0 layout");
STRATA_STATIC_ASSERT(offsetof(strata_backend_api, buffer_allocate) == 88, "ABI 1.0 layout");
STRATA_STATIC_ASSERT(offsetof(strata_backend_api, queue_create) == 120, "ABI 1.0 layout");
STRATA_STATIC_ASSERT(offsetof(strata_backend_api, event_record) == 176, "ABI 1.0 layout");
STRATA_STATIC_ASSERT(offsetof(strata_backend_api, event_release) == 200, "ABI 1.0 layout");
STRATA_STATIC_ASSERT(sizeof(strata_backend_api) == 208, "ABI 1.0 size; grow only at the end");
STRATA_STATIC_ASSERT(offsetof(strata_host_api, log) == 16, "ABI 1.0 layout");
STRATA_STATIC_ASSERT(sizeof(strata_host_api) == 24, "ABI 1.0 size; grow only at the end");
STRATA_STATIC_ASSERT(sizeof(strata_tensor) == 56, "ABI 1.0 size");
STRATA_STATIC_ASSERT(offsetof(strata_op, output) == 232, "ABI 1.0 layout");
STRATA_STATIC_ASSERT(sizeof(strata_op) == 352, "ABI 1.0 size");
STRATA_STATIC_ASSERT(offsetof(strata_device_properties, memory_total) == 328, "ABI 1.0 layout");
STRATA_STATIC_ASSERT(offsetof(strata_device_properties, host_link_bandwidth) == 360, "ABI 1.0 layout");
/* ---- Frozen layout (1.1) ------------------------------------------------------------- */
STRATA_STATIC_ASSERT(offsetof(strata_device_properties, driver_version) == 368, "ABI 1.1 layout");
STRATA_STATIC_ASSERT(offsetof(strata_device_properties, sharing) == 432, "ABI 1.1 layout");
STRATA_STATIC_ASSERT(sizeof(strata_device_properties) == 440, "ABI 1.1 size; grow only at the end");
/* ---- Frozen layout (1.2) ------------------------------------------------------------- */
STRATA_STATIC_ASSERT(offsetof(strata_op_params_norm, weight_offset) == 4, "ABI 1.2 layout");
STRATA_STATIC_ASSERT(offsetof(strata_op_params_attention, causal) == 12, "ABI 1.0 layout");
STRATA_STATIC_ASSERT(offsetof(strata_op_params_attention, window) == 16, "ABI 1.2 layout");
STRATA_STATIC_ASSERT(offsetof(strata_op_params_attention, softcap) == 24, "ABI 1.2 layout");
STRATA_STATIC_ASSERT(sizeof(strata_op_params_attention) <= 64, "op parameters fit the union's 64 bytes");
#endif

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* STRATA_BACKEND_H_ */
