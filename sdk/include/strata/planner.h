/* Strata planner interface: the stable C ABI between the SDK (the host) and placement planners.
 *
 * A planner decides which device each unit of a model runs on. The built-in planners
 * (sequential, balanced, balanced_low_0, latency, throughput) register through this interface
 * exactly like a third-party planner plugin, which is a shared library exporting one symbol,
 * `strata_planner_entry`.
 *
 * The host does the bookkeeping before it calls a planner: it merges devices that are one
 * physical GPU, applies `max_memory`, computes each device's budget, the memory each unit needs
 * for the stated workload (weights, KV cache, working memory), the predicted time of each unit
 * on each device and the bandwidth between each pair of devices. The planner only chooses; the
 * host checks its answer against the budgets, and writes the device map and the report.
 *
 * Stability rules (version 1.x), the same as backend.h's:
 *  - Structs and tables only ever grow at the end; a new field is a minor-version bump. Arrays
 *    of structs come with their element size (`unit_struct_size`, `device_struct_size`): read
 *    them with strata_plan_unit_at() / strata_plan_device_at(), and read a field added in a
 *    later minor version only when the element size covers it.
 *  - The host passes the planner ABI version it speaks; the plugin says which it was built for.
 *    A plugin of another major version is refused; an older minor keeps working.
 *  - No C++ exception, std:: type or allocator crosses this boundary. Errors are statuses made
 *    with the host table's `status_create` (backend.h). A failed call leaves its outputs untouched.
 *  - A plugin's `plan` may be called from several threads at once, with different requests.
 */
#ifndef STRATA_PLANNER_H_
#define STRATA_PLANNER_H_

#include <strata/backend.h>

#ifdef __cplusplus
extern "C" {
#endif

#define STRATA_PLANNER_ABI_MAJOR 1
#define STRATA_PLANNER_ABI_MINOR 1
#define STRATA_PLANNER_ABI_VERSION STRATA_MAKE_VERSION(STRATA_PLANNER_ABI_MAJOR, STRATA_PLANNER_ABI_MINOR)

/* The one symbol a planner plugin exports. */
#define STRATA_PLANNER_ENTRY_SYMBOL "strata_planner_entry"

#define STRATA_PLAN_NONE UINT32_MAX

/* ---- Units: what is placed ------------------------------------------------------------ */

typedef int32_t strata_plan_unit_kind; /* the values of strata::UnitKind */
enum {
  STRATA_PLAN_UNIT_EMBEDDING = 0,
  STRATA_PLAN_UNIT_DECODER_LAYER = 1,
  STRATA_PLAN_UNIT_FINAL_NORM = 2,
  STRATA_PLAN_UNIT_LM_HEAD = 3,
  STRATA_PLAN_UNIT_CUSTOM = 4
};

/* One unit of the model, in execution order. Units are never split. All byte counts are for the
 * request's workload (batch size, context length). */
typedef struct strata_plan_unit {
  const char* name; /* Hugging Face module name: "model.layers.3" */
  strata_plan_unit_kind kind;
  /* The unit whose weights this one shares (lm_head tied to the embedding), or STRATA_PLAN_NONE. */
  uint32_t tied_to;
  /* Parameter bytes this unit needs on its device, shared ones included. */
  uint64_t weight_bytes;
  /* Of weight_bytes, what this unit need not hold again when the unit it is tied to sits on the
   * same device (0 when not tied). */
  uint64_t shared_weight_bytes;
  /* KV cache the unit keeps on its device: KV bytes per token x context x batch. */
  uint64_t kv_bytes;
  /* Working memory while the unit runs. A device keeps the largest workspace of its units, not
   * the sum: they run one after another. */
  uint64_t workspace_bytes;
  /* Bytes this unit hands to the next one per decode step (the whole batch): what crosses a
   * link when the next unit sits on another device. */
  uint64_t activation_bytes;
  /* Per decode step of the whole batch, at a full context. */
  double flops;
  uint64_t bytes_read; /* weights and KV cache read */
} strata_plan_unit;

/* ---- Devices: where units may go ------------------------------------------------------- */

typedef uint32_t strata_plan_device_flags;
enum {
  /* An offload tier ("cpu" and "disk"): strategies fill accelerators first, and never leave a
   * unit here while an accelerator still has room for it. */
  STRATA_PLAN_DEVICE_OFFLOAD = 1u << 0,
  /* The "disk" tier: weights stay in the checkpoint's files (memory-mapped); its units compute on
   * the CPU, and their KV cache and workspace take memory of the device `memory_device` names. */
  STRATA_PLAN_DEVICE_DISK = 1u << 1
};

typedef struct strata_plan_device {
  const char* name; /* Strata's name: "opencl:0", "sim:2", "cpu", "disk" */
  strata_device_kind kind;
  strata_plan_device_flags flags;
  /* Bytes that the units placed here may take in all (max_memory, or free memory minus a
   * reserve). For "disk": weight bytes only (UINT64_MAX: unlimited). */
  uint64_t budget_bytes;
  /* Index of the device whose memory holds this device's KV cache and workspace: itself,
   * except "disk", whose units keep them in host memory (the "cpu" device). */
  uint32_t memory_device;
  uint32_t reserved0;
  /* The speed profile the predictions use (known defaults filled in where the device does
   * not say). */
  double peak_flops;          /* FLOP/s */
  double memory_bandwidth;    /* bytes/s; for "disk", the read bandwidth of the files */
  double host_link_bandwidth; /* bytes/s */
  /* ---- ABI 1.1 ---- */
  /* Devices with the same `hardware` (not STRATA_PLAN_NONE) are views of the same hardware: the
   * host's CPU cores ("cpu", PoCL, lavapipe), or one GPU through two APIs (OpenCL and Vulkan).
   * They share its memory and its time: a plan uses at most one of them, and were it to use more,
   * their times would add up rather than overlap. The host hands planners without
   * STRATA_PLANNER_CHOOSES_AMONG_VIEWS one device of each such group. */
  uint32_t hardware;
  uint32_t reserved1;
} strata_plan_device;

/* ---- The request ---------------------------------------------------------------------- */

typedef struct strata_plan_request {
  uint32_t struct_size;        /* sizeof(strata_plan_request) as the host was built */
  uint32_t unit_struct_size;   /* the stride of `units` */
  uint32_t device_struct_size; /* the stride of `devices` */
  uint32_t unit_count;         /* >= 1 */
  uint32_t device_count;       /* >= 1 */
  uint32_t reserved0;
  const strata_plan_unit* units;
  const strata_plan_device* devices;
  /* [unit_count * device_count]: seconds unit u takes on device d per decode step of the whole
   * batch, at unit_seconds[u * device_count + d]: the larger of compute and memory time, plus the
   * fixed cost of the ops it submits, from the device's measured figures. Two values are not
   * times: INFINITY, the device cannot run the unit (it does not support one of its ops), so the
   * unit must not go there (the host refuses such a plan); NAN, the time is unknown (the device
   * has no measured or reported speed), so a planner that ranks by speed should not use it. */
  const double* unit_seconds;
  /* [device_count * device_count]: bytes/s from device a to device b at [a * device_count + b],
   * host staging already folded in where there is no direct path; the diagonal is unused. */
  const double* link_bandwidth;
  /* Fixed cost of each transfer between two devices, in seconds (ABI 1.0 planners; the largest of
   * link_latencies). */
  double link_latency;
  int64_t batch_size;
  int64_t context_length;
  /* Strategy options as a JSON object (`strata plan --planner-option key=value`), "{}" when none. */
  const char* options_json;
  /* ---- ABI 1.1 ---- */
  /* [device_count * device_count]: the fixed cost of a transfer from device a to device b at
   * [a * device_count + b], in seconds (waiting for a's queue, then a write to b's). */
  const double* link_latencies;
  /* Batches of batch_size sequences in flight through the plan's stages at once. With m of them,
   * a step of every batch takes max(latency, m x bottleneck): one batch gains nothing from a
   * pipeline, and the stage times add up. */
  int64_t micro_batches;
} strata_plan_request;

static inline const strata_plan_unit* strata_plan_unit_at(const strata_plan_request* request, uint32_t index) {
  return (const strata_plan_unit*)((const char*)request->units + (size_t)index * request->unit_struct_size);
}
static inline const strata_plan_device* strata_plan_device_at(const strata_plan_request* request, uint32_t index) {
  return (const strata_plan_device*)((const char*)request->devices + (size_t)index * request->device_struct_size);
}

/* ---- The planner table ---------------------------------------------------------------- */

typedef uint32_t strata_planner_flags; /* ABI 1.1 */
enum {
  /* The planner places by predicted speed over every device it is given: the host keeps its
   * answer as it is (no offload rule afterwards, which could only make it slower), and gives it
   * every view of a piece of hardware (strata_plan_device::hardware) to choose one from. */
  STRATA_PLANNER_CHOOSES_AMONG_VIEWS = 1u << 0
};

typedef struct strata_planner_api {
  /* Frozen header: these two fields keep their offsets in every major version. */
  uint32_t struct_size; /* sizeof(strata_planner_api) as the plugin was built */
  uint32_t abi_version; /* STRATA_PLANNER_ABI_VERSION the plugin was built for */

  const char* name;        /* the strategy name: lower case, [a-z0-9_]+, e.g. "my_planner" */
  const char* version;     /* the plugin's own version string */
  const char* description; /* one line for `strata plan --list` */

  /* Writes one device index per unit into out_assignment[0 .. unit_count - 1]. Return
   * OUT_OF_MEMORY with a message saying how much is missing and where when the units cannot
   * fit the budgets, INVALID_ARGUMENT for bad options. On failure, leave out_assignment as it
   * was. The host checks every answer against the budgets, then keeps the offload rule: a unit
   * left on an offload tier that fits in an accelerator's remaining room is moved there. */
  strata_status* (*plan)(const strata_plan_request* request, uint32_t* out_assignment);
  /* ---- ABI 1.1 ---- */
  strata_planner_flags flags;
  uint32_t reserved0;
} strata_planner_api;

/* The entry point. `host` (backend.h's host table: status_create, log) stays valid until the
 * plugin is unloaded; `host_planner_abi_version` is the STRATA_PLANNER_ABI_VERSION the host
 * speaks. On success, *out_api points at a table that stays valid until the plugin is unloaded. */
typedef strata_status* (*strata_planner_entry_fn)(const strata_host_api* host, uint32_t host_planner_abi_version,
                                                  const strata_planner_api** out_api);

/* ---- Frozen layout (1.0) --------------------------------------------------------------- */
#if UINTPTR_MAX == 0xffffffffffffffffu
STRATA_STATIC_ASSERT(offsetof(strata_plan_unit, weight_bytes) == 16, "planner ABI 1.0 layout");
STRATA_STATIC_ASSERT(offsetof(strata_plan_unit, flops) == 56, "planner ABI 1.0 layout");
STRATA_STATIC_ASSERT(sizeof(strata_plan_unit) == 72, "planner ABI 1.0 size; grow only at the end");
STRATA_STATIC_ASSERT(offsetof(strata_plan_device, budget_bytes) == 16, "planner ABI 1.0 layout");
STRATA_STATIC_ASSERT(offsetof(strata_plan_device, peak_flops) == 32, "planner ABI 1.0 layout");
STRATA_STATIC_ASSERT(offsetof(strata_plan_device, host_link_bandwidth) == 48, "planner ABI 1.0 layout");
STRATA_STATIC_ASSERT(offsetof(strata_plan_device, hardware) == 56, "planner ABI 1.1 layout");
STRATA_STATIC_ASSERT(sizeof(strata_plan_device) == 64, "planner ABI 1.1 size; grow only at the end");
STRATA_STATIC_ASSERT(offsetof(strata_plan_request, units) == 24, "planner ABI 1.0 layout");
STRATA_STATIC_ASSERT(offsetof(strata_plan_request, link_latency) == 56, "planner ABI 1.0 layout");
STRATA_STATIC_ASSERT(offsetof(strata_plan_request, options_json) == 80, "planner ABI 1.0 layout");
STRATA_STATIC_ASSERT(offsetof(strata_plan_request, link_latencies) == 88, "planner ABI 1.1 layout");
STRATA_STATIC_ASSERT(offsetof(strata_plan_request, micro_batches) == 96, "planner ABI 1.1 layout");
STRATA_STATIC_ASSERT(sizeof(strata_plan_request) == 104, "planner ABI 1.1 size; grow only at the end");
STRATA_STATIC_ASSERT(offsetof(strata_planner_api, name) == 8, "planner ABI 1.0 layout");
STRATA_STATIC_ASSERT(offsetof(strata_planner_api, plan) == 32, "planner ABI 1.0 layout");
STRATA_STATIC_ASSERT(offsetof(strata_planner_api, flags) == 40, "planner ABI 1.1 layout");
STRATA_STATIC_ASSERT(sizeof(strata_planner_api) == 48, "planner ABI 1.1 size; grow only at the end");
#endif

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* STRATA_PLANNER_H_ */
