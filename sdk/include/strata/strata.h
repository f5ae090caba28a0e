/* Strata's C API: embed Strata in a C program, or in any language with a C FFI. It is a thin layer
 * over the C++ API (<strata/strata.hpp>) and covers the same path: find the devices, open a
 * Hugging Face checkpoint, plan where each unit runs, load it into a session, generate.
 *
 *   strata_runtime* runtime;      strata_runtime_create(NULL, &runtime);
 *   strata_checkpoint* model;     strata_checkpoint_open("models/tiny-llama-pystdlib", &model);
 *   strata_plan* plan;            strata_plan_create(runtime, model, NULL, &plan);   (strategy "auto")
 *   strata_session* session;      strata_session_create(runtime, model, plan, NULL, &session);
 *   strata_generate(session, prompt, prompt_count, &options, &result);   (tokens through a callback)
 *
 * Rules of the API (version 1.x):
 *  - Status. Every function that can fail returns a strata_status_code (backend.h):
 *    STRATA_STATUS_OK (0), or the code of the failure (the values of strata::StatusCode). The
 *    failure's message is kept per thread: strata_last_error_message() returns it until the
 *    same thread makes its next call that returns a strata_status_code (each such call replaces
 *    it; a success leaves ""). Nothing is allocated for the caller, so an ignored error leaks
 *    nothing, and threads never see each other's messages. A failed call leaves its outputs
 *    untouched.
 *  - Memory. The caller's allocator never crosses the boundary. Objects are opaque handles made
 *    by strata_*_create/open/load and released by the matching strata_*_destroy (NULL is accepted
 *    and ignored). A string or array a function returns is owned by the handle it came from and
 *    valid until that handle is destroyed, unless the function says otherwise. Results the
 *    caller keeps (text, tokens, logits) are copied into the caller's buffers: pass NULL to learn
 *    the size needed; a buffer too small is an INVALID_ARGUMENT error that writes nothing.
 *  - Versioned structs. Every struct starts with `struct_size`, and grows only at the end; the
 *    offsets are frozen by the static assertions at the bottom of this file. Fill an options
 *    struct with strata_*_options_init(&options, sizeof options), then change what you need: the
 *    library writes its defaults into the fields your header has. A struct smaller than version
 *    1.0's is refused (INVALID_ARGUMENT); one from a newer header is accepted as long as the
 *    fields this library does not know are zero, and refused otherwise (INCOMPATIBLE_VERSION),
 *    as are flag bits it does not know: a request this library cannot honour never passes
 *    silently. Structs the library fills (device info, results) take your
 *    struct_size in and are written only that far; struct_size comes back as the bytes written
 *    (less than yours when the library is older than your header).
 *  - Booleans are int32_t: 0 is false, anything else true. Sizes are size_t, byte counts
 *    uint64_t, token ids int32_t.
 *  - Threads. Runtimes, checkpoints, plans and loaded models may be used from several threads at
 *    once, except strata_runtime_calibrate and strata_runtime_load_plugin, which must not run
 *    beside other calls on the same runtime. A session is used by one thread at a time; different
 *    sessions may run on different threads, those made from one model too. A callback given to a
 *    call runs during it, on its thread; the log callback runs on whichever thread logs.
 *  - Lifetimes. A session or a loaded model keeps what it needs alive: the runtime, the checkpoint
 *    and the plan it was made from may be destroyed once it is made, and a session made from a
 *    model keeps the model's weights, so the model handle may be destroyed before it.
 */
#ifndef STRATA_STRATA_H_
#define STRATA_STRATA_H_

/* One vocabulary across the SDK: status codes, log levels, dtypes, device kinds and sharing are
 * those of the plugin interface. */
#include <strata/backend.h>
#include <strata/export.hpp>

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define STRATA_C_API_MAJOR 1
#define STRATA_C_API_MINOR 3
#define STRATA_C_API_VERSION STRATA_MAKE_VERSION(STRATA_C_API_MAJOR, STRATA_C_API_MINOR)

/* The C API version of the library loaded at run time (STRATA_MAKE_VERSION packed): a program
 * built against a newer header may check that the library has what it uses. */
STRATA_API uint32_t strata_c_api_version(void);

/* ---- Status -------------------------------------------------------------------------- */

/* The message of the calling thread's last failed call: "" after a success. Owned by the
 * library; valid until this thread's next call that returns a strata_status_code. */
STRATA_API const char* strata_last_error_message(void);
/* "ok", "invalid argument", "out of memory", ...; "unknown status" outside the enum. Static. */
STRATA_API const char* strata_status_code_name(strata_status_code code);

/* ---- Logging ------------------------------------------------------------------------- */

/* strata_log_level (backend.h) goes from STRATA_LOG_DEBUG to STRATA_LOG_ERROR; OFF logs nothing. */
enum { STRATA_LOG_OFF = 4 };

/* Receives each message at or above the level. `message` is valid during the call only. Calls
 * are serialized; the callback runs on the thread that logs. */
typedef void (*strata_log_fn)(void* user_data, strata_log_level level, const char* message);

/* The level starts as $STRATA_LOG_LEVEL says (debug, info, warning, error, off; default warning). */
STRATA_API strata_status_code strata_set_log_level(strata_log_level level);
STRATA_API strata_log_level strata_get_log_level(void);
/* Sends messages to `callback` instead of stderr; NULL sends them to stderr again. Once it
 * returns, the previous callback is no longer called. */
STRATA_API strata_status_code strata_set_log_callback(strata_log_fn callback, void* user_data);

/* ---- Runtime and devices ------------------------------------------------------------- */

typedef struct strata_runtime strata_runtime;

typedef uint32_t strata_runtime_flags;
enum {
  STRATA_RUNTIME_NO_INSTALLED_PLUGINS = 1u << 0,   /* skip the installation's plugin folder */
  STRATA_RUNTIME_NO_ENVIRONMENT_PLUGINS = 1u << 1, /* ignore STRATA_PLUGIN_PATH */
  STRATA_RUNTIME_NO_CALIBRATION_CACHE = 1u << 2    /* start with no measured figures */
};

typedef struct strata_runtime_options {
  uint32_t struct_size;
  strata_runtime_flags flags;      /* default 0: installed plugins, STRATA_PLUGIN_PATH, the cache */
  const char* const* plugin_files; /* more plugin files to load, by absolute path */
  size_t plugin_file_count;
  const char* calibration_cache_dir; /* the cache folder to read; NULL: the default */
} strata_runtime_options;

STRATA_API void strata_runtime_options_init(strata_runtime_options* options, size_t struct_size);

/* Loads the plugins and lists their devices; a plugin that cannot be used is skipped (see
 * strata_runtime_plugin_info), so a machine without a GPU is not an error. `options` may be NULL. */
STRATA_API strata_status_code strata_runtime_create(const strata_runtime_options* options,
                                                    strata_runtime** out_runtime);
STRATA_API void strata_runtime_destroy(strata_runtime* runtime);

typedef struct strata_device_info {
  uint32_t struct_size; /* in: sizeof as the caller knows it; out: the bytes written */
  strata_device_kind kind;
  const char* name;        /* Strata's name: "cpu", "opencl:0", "vulkan:1" */
  const char* backend;     /* the plugin's name: "cpu", "opencl", ... */
  const char* description; /* the hardware's own name */
  const char* driver;      /* "" when the plugin does not say */
  const char* stable_id;
  uint64_t memory_total; /* bytes, or STRATA_MEMORY_UNKNOWN */
  uint64_t memory_free;  /* when the runtime started; strata_runtime_device_memory asks now */
  strata_device_sharing sharing;
  uint32_t dtypes; /* STRATA_DTYPE_BIT mask of the dtypes the device stores */
  strata_device_caps caps;
  int32_t measured; /* the device has measured figures (the calibration cache, or calibrate) */
} strata_device_info;

STRATA_API size_t strata_runtime_device_count(const strata_runtime* runtime);
/* The strings are owned by the runtime. INVALID_ARGUMENT for an index past the last device. */
STRATA_API strata_status_code strata_runtime_device_info(const strata_runtime* runtime, size_t index,
                                                         strata_device_info* inout_info);
/* "cpu", "opencl:0", ...; an unknown name is INVALID_ARGUMENT, its message listing the devices. */
STRATA_API strata_status_code strata_runtime_find_device(const strata_runtime* runtime, const char* name,
                                                         size_t* out_index);
/* The device's memory now; STRATA_MEMORY_UNKNOWN where the device cannot tell. */
STRATA_API strata_status_code strata_runtime_device_memory(const strata_runtime* runtime, size_t index,
                                                           uint64_t* out_free, uint64_t* out_total);
/* "cpu", "gpu", "igpu", "accel"; "unknown" outside the enum. Static. */
STRATA_API const char* strata_device_kind_name(strata_device_kind kind);

typedef struct strata_plugin_info {
  uint32_t struct_size;
  /* The ABI the plugin was built for, packed as STRATA_MAKE_VERSION (65536 is 1.0): read it with
   * STRATA_VERSION_MAJOR and STRATA_VERSION_MINOR; 0 when loading stopped before. */
  uint32_t abi_version;
  const char* path;
  const char* name;    /* the backend's name, when loading got that far */
  const char* version; /* the plugin's own version string */
  const char* reason;  /* why it was skipped; "" when loaded */
  size_t device_count;
  int32_t loaded;
  uint32_t reserved0;
} strata_plugin_info;

/* Every plugin file the runtime tried, loaded or skipped. The strings are owned by the runtime. */
STRATA_API size_t strata_runtime_plugin_count(const strata_runtime* runtime);
STRATA_API strata_status_code strata_runtime_plugin_info(const strata_runtime* runtime, size_t index,
                                                         strata_plugin_info* inout_info);
/* One more plugin, by absolute path; its devices are appended. UNAVAILABLE with the reason when
 * it cannot be used. */
STRATA_API strata_status_code strata_runtime_load_plugin(strata_runtime* runtime, const char* path);

typedef uint32_t strata_calibration_flags;
enum {
  STRATA_CALIBRATE_FORCE = 1u << 0,   /* measure even the devices the cache has figures for */
  STRATA_CALIBRATE_NO_CACHE = 1u << 1 /* neither read nor write the calibration cache */
};

/* `step_index` counts from 0 up to step_count - 1. The strings are valid during the call only. */
typedef void (*strata_calibration_progress_fn)(void* user_data, const char* device, const char* step, size_t step_index,
                                               size_t step_count);

typedef struct strata_calibration_options {
  uint32_t struct_size;
  strata_calibration_flags flags;
  double seconds_per_step;         /* > 0; default 0.2 */
  const char* const* device_names; /* the devices to measure; none: every device */
  size_t device_name_count;
  strata_calibration_progress_fn on_progress; /* may be NULL */
  void* user_data;
} strata_calibration_options;

STRATA_API void strata_calibration_options_init(strata_calibration_options* options, size_t struct_size);
/* Measures the devices that have no figures yet (all of them with FORCE) and caches the figures:
 * the planners' "latency" and "throughput" need them. `options` may be NULL. */
STRATA_API strata_status_code strata_runtime_calibrate(strata_runtime* runtime,
                                                       const strata_calibration_options* options);

/* ---- Checkpoints --------------------------------------------------------------------- */

typedef struct strata_checkpoint strata_checkpoint;

/* A Hugging Face checkpoint folder: config.json and model.safetensors, or shards listed in
 * model.safetensors.index.json. The files are memory-mapped and validated; no weight is read. */
STRATA_API strata_status_code strata_checkpoint_open(const char* directory, strata_checkpoint** out_checkpoint);
STRATA_API void strata_checkpoint_destroy(strata_checkpoint* checkpoint);

typedef struct strata_model_info {
  uint32_t struct_size;
  int32_t byte_vocabulary;  /* 256 tokens, id = byte value: the text helpers below apply */
  const char* architecture; /* "LlamaForCausalLM", ... */
  const char* model_type;   /* "llama", "mistral", "qwen2" */
  int64_t vocab_size;
  int64_t hidden_size;
  int64_t num_hidden_layers;
  int64_t context_limit;        /* the tokens a session may hold at most */
  uint64_t parameter_bytes;     /* every parameter once, in the checkpoint's dtypes */
  size_t unit_count;            /* the units a plan places: embedding, layers, norm, lm_head */
  int64_t bos_token_id;         /* -1 when the config names none */
  const int32_t* eos_token_ids; /* usable as stop tokens as they are */
  size_t eos_token_id_count;
} strata_model_info;

/* The strings and arrays are owned by the checkpoint. */
STRATA_API strata_status_code strata_checkpoint_model_info(const strata_checkpoint* checkpoint,
                                                           strata_model_info* inout_info);
/* The Hugging Face module name of unit `index` ("model.layers.3"); NULL past the last unit. */
STRATA_API const char* strata_checkpoint_unit_name(const strata_checkpoint* checkpoint, size_t index);

/* ---- Planning ------------------------------------------------------------------------ */

typedef struct strata_plan strata_plan;

typedef uint32_t strata_plan_flags;
enum {
  STRATA_PLAN_NO_DISK = 1u << 0 /* never leave weights in the checkpoint files ("disk") */
};

/* The KV cache's dtype; MODEL: the model's own width (f16 for a 16-bit checkpoint, f32 otherwise). */
typedef int32_t strata_kv_cache_dtype;
enum { STRATA_KV_CACHE_MODEL = 0, STRATA_KV_CACHE_F32 = 1, STRATA_KV_CACHE_F16 = 2 };

typedef struct strata_plan_options {
  uint32_t struct_size;
  strata_plan_flags flags;
  /* "auto" (the default; the same as "balanced"), "balanced", "balanced_low_0", "sequential",
   * "latency", "throughput", a planner plugin's name, or a device name: everything there. */
  const char* strategy;
  /* A Hugging Face device_map as JSON text ({"model.embed_tokens": "opencl:0", "": "cpu"}); when
   * set, it is checked and used instead of the strategy. Integer values and "cuda:N" are GPU
   * ordinals as transformers numbers them: the runtime's devices of another kind than CPU, one
   * GPU seen through two APIs counted once, in the runtime's order. */
  const char* device_map_json;
  /* Hugging Face's max_memory: "opencl:0=10GiB,cpu=30GB,disk=1TB" or {"0": "10GiB"}. Once given,
   * only the devices it names are used (and disk). NULL or "": every device, by its free memory. */
  const char* max_memory;
  /* Options of the strategy, as a JSON object; NULL: none. */
  const char* planner_options_json;
  /* The workload the plan leaves room for and predicts. */
  int64_t context_length;   /* tokens each KV cache holds; 0: min(4096, the model's limit) */
  int64_t prompt_tokens;    /* the prompt the prefill prediction is for; 0: max_batch_tokens */
  int64_t batch_size;       /* sequences decoded together; default 1 */
  int64_t micro_batches;    /* batches in flight through a split model; default 1 */
  int64_t max_batch_tokens; /* tokens one step runs at most; default 128 */
  strata_kv_cache_dtype kv_dtype;
  uint32_t reserved0;
} strata_plan_options;

STRATA_API void strata_plan_options_init(strata_plan_options* options, size_t struct_size);
/* Plans `checkpoint` on the runtime's devices, with their measured figures and their own answers
 * to which ops they run. Unknown strategies, devices and map keys are INVALID_ARGUMENT, a map
 * that sends a unit where one of its ops does not run is UNSUPPORTED, a model that does not fit
 * is OUT_OF_MEMORY; the message names what is at fault. `options` may be NULL. */
STRATA_API strata_status_code strata_plan_create(const strata_runtime* runtime, const strata_checkpoint* checkpoint,
                                                 const strata_plan_options* options, strata_plan** out_plan);
STRATA_API void strata_plan_destroy(strata_plan* plan);

/* One target per unit, in order ("cpu", "disk", "opencl:0"); NULL past the last unit. */
STRATA_API size_t strata_plan_target_count(const strata_plan* plan);
STRATA_API const char* strata_plan_target(const strata_plan* plan, size_t unit_index);
/* The plan as a compact Hugging Face device_map (JSON), owned by the plan. */
STRATA_API const char* strata_plan_device_map_json(const strata_plan* plan);
/* {"device_map": {...}, "report": {...}}: bytes per device, predicted tokens/s, notes. Owned by
 * the plan. */
STRATA_API const char* strata_plan_report_json(const strata_plan* plan);

/* ---- Sessions ------------------------------------------------------------------------ */

typedef struct strata_session strata_session;

typedef struct strata_load_progress {
  uint32_t struct_size; /* as the library fills it: read no field past it */
  uint32_t reserved0;
  uint64_t bytes_done;
  uint64_t bytes_total;
  size_t parameters_done;
  size_t parameters_total;
  const char* parameter; /* the parameter just loaded; valid during the call only */
  const char* target;    /* where it went: "cpu", "opencl:0", "disk"; valid during the call only */
} strata_load_progress;

typedef void (*strata_load_progress_fn)(void* user_data, const strata_load_progress* progress);

/* ---- Cancellation (C API 1.1) -------------------------------------------------------- */

/* A flag that another thread sets to stop long work: a load (strata_session_create fails with
 * STRATA_STATUS_CANCELLED and releases everything), a forward pass (it fails with that code and
 * the session keeps its position) or a generation (it ends with STRATA_STOP_CANCELLED, keeping
 * the tokens chosen before). A session keeps the flag it was made with, even once the token
 * handle is destroyed. */
typedef struct strata_cancel_token strata_cancel_token;
enum { STRATA_STATUS_CANCELLED = 8 };

STRATA_API strata_status_code strata_cancel_token_create(strata_cancel_token** out_token);
STRATA_API void strata_cancel_token_destroy(strata_cancel_token* token);
/* Safe from any thread, at any time. */
STRATA_API void strata_cancel_token_cancel(strata_cancel_token* token);
/* Clears the request, so that a session made with the token runs again. */
STRATA_API void strata_cancel_token_reset(strata_cancel_token* token);
STRATA_API int32_t strata_cancel_token_is_cancelled(const strata_cancel_token* token);

typedef struct strata_session_options {
  uint32_t struct_size;
  strata_kv_cache_dtype kv_dtype;
  int64_t context_length;              /* tokens the KV caches hold; 0 (the default): the model's limit */
  int64_t max_batch_tokens;            /* longest step; longer prompts run in pieces; default 128 */
  strata_load_progress_fn on_progress; /* may be NULL */
  void* user_data;
  strata_cancel_token* cancel; /* 1.1: cancels the load and the session's work; may be NULL */
  int64_t sequences;           /* 1.2: sequences the session holds, each with its own KV caches; 0 or unset: 1 */
  /* 1.3: strata_session_decode shares its sequences out over this many steps that flow through a
   * split model's devices at once (pipelined micro-batches; SessionOptions::micro_batches of the
   * C++ API); 0 or unset: 1, one step after another. */
  int64_t micro_batches;
} strata_session_options;

STRATA_API void strata_session_options_init(strata_session_options* options, size_t struct_size);
/* Loads the checkpoint's weights where the plan says, each tensor streamed from the file mapping
 * to its device. A failed load releases everything it allocated; the message names the unit,
 * the parameter and the device. `options` may be NULL. */
STRATA_API strata_status_code strata_session_create(const strata_runtime* runtime, const strata_checkpoint* checkpoint,
                                                    const strata_plan* plan, const strata_session_options* options,
                                                    strata_session** out_session);
STRATA_API void strata_session_destroy(strata_session* session);

/* Tokens the session holds (in sequence 0), and how many each sequence can hold. */
STRATA_API int64_t strata_session_position(const strata_session* session);
STRATA_API int64_t strata_session_context_length(const strata_session* session);
/* Forgets sequence 0's cache from `position` on (0: start over). */
STRATA_API strata_status_code strata_session_reset(strata_session* session, int64_t position);

typedef struct strata_target_placement {
  uint32_t struct_size;
  uint32_t reserved0;
  const char* target;       /* as the plan says: "cpu", "disk", "opencl:0" */
  const char* device;       /* the device that computes: "cpu" for "disk" */
  const char* const* units; /* the units it holds, in order */
  size_t unit_count;
  uint64_t weight_bytes; /* in device memory */
  uint64_t mapped_bytes; /* read through the checkpoint's mapping ("disk") */
  uint64_t kv_bytes;
} strata_target_placement;

/* One entry per target the session uses. The strings are owned by the session. */
STRATA_API size_t strata_session_placement_count(const strata_session* session);
STRATA_API strata_status_code strata_session_placement(const strata_session* session, size_t index,
                                                       strata_target_placement* inout_placement);

typedef int32_t strata_logits;
enum { STRATA_LOGITS_LAST = 0, STRATA_LOGITS_ALL = 1 };

/* Runs `tokens` after what sequence 0 holds and copies the logits out: the last token's
 * ([vocab]) or every token's ([token_count, vocab], row-major). With out_logits NULL it runs
 * nothing and sets *out_count to the floats needed. */
STRATA_API strata_status_code strata_session_forward(strata_session* session, const int32_t* tokens, size_t token_count,
                                                     strata_logits which, float* out_logits, size_t capacity,
                                                     size_t* out_count);

/* ---- One model, many sequences (C API 1.2) ------------------------------------------- */

/* Weights loaded once, where a plan says. Sessions made from a model share its weights and
 * allocate only their own KV caches and working buffers. A model never changes once loaded:
 * sessions may be made from it, and run, on several threads at once. */
typedef struct strata_model strata_model;

/* Loads the checkpoint's weights as strata_session_create does, with no session. Of `options`
 * (may be NULL), on_progress, user_data and cancel apply to the load; the other fields are the
 * sessions' and are ignored here. A failed load releases everything it allocated. */
STRATA_API strata_status_code strata_model_load(const strata_runtime* runtime, const strata_checkpoint* checkpoint,
                                                const strata_plan* plan, const strata_session_options* options,
                                                strata_model** out_model);
/* The weights are freed once the model and every session made from it are destroyed. */
STRATA_API void strata_model_destroy(strata_model* model);
/* A session over the model's weights: it loads nothing (on_progress is never called) and
 * allocates its own KV caches and buffers; `cancel` stops its forward passes. The session keeps
 * the weights alive: the model may be destroyed first. `options` may be NULL. */
STRATA_API strata_status_code strata_session_create_from_model(const strata_model* model,
                                                               const strata_session_options* options,
                                                               strata_session** out_session);

/* A session holds strata_session_options.sequences sequences, numbered from 0, each with its own
 * KV caches and position. strata_session_forward, strata_session_position, strata_session_reset
 * and strata_generate act on sequence 0; the functions below on any. A sequence outside
 * 0 .. strata_session_sequences() - 1 is INVALID_ARGUMENT. */
STRATA_API int64_t strata_session_sequences(const strata_session* session);
STRATA_API strata_status_code strata_session_sequence_position(const strata_session* session, int64_t sequence,
                                                               int64_t* out_position);
/* Forgets the sequence's cache from `position` on (0: start over, for a new request). */
STRATA_API strata_status_code strata_session_reset_sequence(strata_session* session, int64_t sequence,
                                                            int64_t position);
/* strata_session_forward for sequence `sequence`. */
STRATA_API strata_status_code strata_session_forward_sequence(strata_session* session, int64_t sequence,
                                                              const int32_t* tokens, size_t token_count,
                                                              strata_logits which, float* out_logits, size_t capacity,
                                                              size_t* out_count);
/* Batched decode: runs tokens[i] after what sequence sequences[i] holds, for each i below
 * `count`, in one step (each weight read serves them all), and copies out their logits,
 * [count, vocab] row-major in the order given: row i is what strata_session_forward_sequence
 * would give sequences[i] alone. List each sequence at most once; any subset, in any order.
 * With out_logits NULL it runs nothing and sets *out_count to the floats needed (count * vocab).
 * A sequence listed twice or out of range, a full cache or a token outside the vocabulary is
 * refused before anything runs; whenever it fails, every sequence keeps its position. */
STRATA_API strata_status_code strata_session_decode(strata_session* session, const int64_t* sequences,
                                                    const int32_t* tokens, size_t count, float* out_logits,
                                                    size_t capacity, size_t* out_count);

/* ---- Generation ---------------------------------------------------------------------- */

/* Called with each new token as it is chosen; return nonzero to go on, 0 to stop. */
typedef int32_t (*strata_token_fn)(void* user_data, int32_t token);

typedef struct strata_generate_options {
  uint32_t struct_size;
  int32_t top_k;              /* sample among the k likeliest tokens; 0 (the default): all */
  int64_t max_new_tokens;     /* default 64 */
  float temperature;          /* 0 (the default): greedy */
  float top_p;                /* in (0, 1]; default 1 */
  uint64_t seed;              /* the same seed gives the same tokens */
  const int32_t* stop_tokens; /* generation ends after emitting one of these */
  size_t stop_token_count;
  strata_token_fn on_token; /* may be NULL */
  void* user_data;
} strata_generate_options;

typedef int32_t strata_stop_reason;
enum {
  STRATA_STOP_MAX_NEW_TOKENS = 0,
  STRATA_STOP_STOP_TOKEN = 1,
  STRATA_STOP_CALLBACK = 2,
  STRATA_STOP_CANCELLED = 3 /* 1.1: the session's cancel token was set */
};

typedef struct strata_generation_result {
  uint32_t struct_size; /* in: sizeof as the caller knows it; out: the bytes written */
  strata_stop_reason stop_reason;
  /* The new tokens, owned by the session: valid until its next strata_generate or its destroy. */
  const int32_t* tokens;
  size_t token_count;
  int64_t prompt_tokens;
  int64_t decode_steps;
  double prefill_seconds; /* the prompt's forward pass */
  double decode_seconds;  /* every forward pass after it */
} strata_generation_result;

STRATA_API void strata_generate_options_init(strata_generate_options* options, size_t struct_size);
/* Runs the prompt after what the session holds (strata_session_reset starts over), then
 * generates. INVALID_ARGUMENT before anything runs when the prompt is empty, holds an id outside
 * the vocabulary, or prompt + max_new_tokens exceeds the context. `options` and `out_result`
 * may be NULL. */
STRATA_API strata_status_code strata_generate(strata_session* session, const int32_t* prompt, size_t prompt_count,
                                              const strata_generate_options* options,
                                              strata_generation_result* out_result);
/* "max_new_tokens", "stop_token", "callback", "cancelled"; "unknown" outside the enum. Static. */
STRATA_API const char* strata_stop_reason_name(strata_stop_reason reason);

/* ---- Tokenizers (C API 1.1) ---------------------------------------------------------- */

/* A Hugging Face tokenizer.json (the ids are those Hugging Face's tokenizers library gives), or a
 * SentencePiece tokenizer.model. Immutable once opened: several threads may encode and decode
 * with one at once. */
typedef struct strata_tokenizer strata_tokenizer;

/* `path`: a tokenizer.json file, a SentencePiece *.model file, or a model folder holding either
 * (tokenizer.json first). The message of a failure names what is wrong with the file. */
STRATA_API strata_status_code strata_tokenizer_open(const char* path, strata_tokenizer** out_tokenizer);
STRATA_API void strata_tokenizer_destroy(strata_tokenizer* tokenizer);
/* The model's vocabulary and the added tokens together. */
STRATA_API size_t strata_tokenizer_vocab_size(const strata_tokenizer* tokenizer);
/* The ids of `length` bytes of UTF-8 text; add_special_tokens nonzero adds what the tokenizer's
 * post-processor adds (BOS for Llama 2 and Mistral, nothing for Qwen). With out_tokens NULL,
 * sets *out_count to the ids needed. Text that is not UTF-8 is INVALID_ARGUMENT. */
STRATA_API strata_status_code strata_tokenizer_encode(const strata_tokenizer* tokenizer, const char* text,
                                                      size_t length, int32_t add_special_tokens, int32_t* out_tokens,
                                                      size_t capacity, size_t* out_count);
/* The text of `tokens`, then a NUL (capacity: its length + 1); skip_special_tokens nonzero drops
 * special tokens. With out_text NULL, sets *out_length only. An id outside the vocabulary is
 * INVALID_ARGUMENT. */
STRATA_API strata_status_code strata_tokenizer_decode(const strata_tokenizer* tokenizer, const int32_t* tokens,
                                                      size_t count, int32_t skip_special_tokens, char* out_text,
                                                      size_t capacity, size_t* out_length);

/* ---- Text of byte-level models (a vocabulary of the 256 byte values) ------------------- */

/* One token per byte of `text` (`length` bytes; NUL is a byte like any other). With out_tokens
 * NULL, sets *out_count to the tokens needed. */
STRATA_API strata_status_code strata_text_to_byte_tokens(const char* text, size_t length, int32_t* out_tokens,
                                                         size_t capacity, size_t* out_count);
/* The bytes of `tokens`, then a NUL: capacity must be at least their count + 1. *out_length
 * gets the length without the NUL. With out_text NULL, sets *out_length only. A token outside
 * 0..255 is INVALID_ARGUMENT. */
STRATA_API strata_status_code strata_byte_tokens_to_text(const int32_t* tokens, size_t count, char* out_text,
                                                         size_t capacity, size_t* out_length);

/* ---- Frozen layout (1.0, and the fields later versions appended) --------------------- */
#if UINTPTR_MAX == 0xffffffffffffffffu
STRATA_STATIC_ASSERT(sizeof(strata_runtime_options) == 32, "C API 1.0 size; grow only at the end");
STRATA_STATIC_ASSERT(offsetof(strata_runtime_options, calibration_cache_dir) == 24, "C API 1.0 layout");
STRATA_STATIC_ASSERT(sizeof(strata_device_info) == 80, "C API 1.0 size; grow only at the end");
STRATA_STATIC_ASSERT(offsetof(strata_device_info, memory_total) == 48, "C API 1.0 layout");
STRATA_STATIC_ASSERT(offsetof(strata_device_info, measured) == 76, "C API 1.0 layout");
STRATA_STATIC_ASSERT(sizeof(strata_plugin_info) == 56, "C API 1.0 size; grow only at the end");
STRATA_STATIC_ASSERT(offsetof(strata_plugin_info, device_count) == 40, "C API 1.0 layout");
STRATA_STATIC_ASSERT(sizeof(strata_calibration_options) == 48, "C API 1.0 size; grow only at the end");
STRATA_STATIC_ASSERT(offsetof(strata_calibration_options, on_progress) == 32, "C API 1.0 layout");
STRATA_STATIC_ASSERT(sizeof(strata_model_info) == 96, "C API 1.0 size; grow only at the end");
STRATA_STATIC_ASSERT(offsetof(strata_model_info, bos_token_id) == 72, "C API 1.0 layout");
STRATA_STATIC_ASSERT(sizeof(strata_plan_options) == 88, "C API 1.0 size; grow only at the end");
STRATA_STATIC_ASSERT(offsetof(strata_plan_options, context_length) == 40, "C API 1.0 layout");
STRATA_STATIC_ASSERT(offsetof(strata_plan_options, kv_dtype) == 80, "C API 1.0 layout");
STRATA_STATIC_ASSERT(sizeof(strata_load_progress) == 56, "C API 1.0 size; grow only at the end");
STRATA_STATIC_ASSERT(offsetof(strata_load_progress, parameter) == 40, "C API 1.0 layout");
STRATA_STATIC_ASSERT(offsetof(strata_session_options, cancel) == 40, "C API 1.1 layout: 1.0 ended at 40");
STRATA_STATIC_ASSERT(offsetof(strata_session_options, sequences) == 48, "C API 1.2 layout: 1.1 ended at 48");
STRATA_STATIC_ASSERT(offsetof(strata_session_options, micro_batches) == 56, "C API 1.3 layout: 1.2 ended at 56");
STRATA_STATIC_ASSERT(sizeof(strata_session_options) == 64, "C API 1.3 size; grow only at the end");
STRATA_STATIC_ASSERT(offsetof(strata_session_options, on_progress) == 24, "C API 1.0 layout");
STRATA_STATIC_ASSERT(sizeof(strata_target_placement) == 64, "C API 1.0 size; grow only at the end");
STRATA_STATIC_ASSERT(offsetof(strata_target_placement, weight_bytes) == 40, "C API 1.0 layout");
STRATA_STATIC_ASSERT(sizeof(strata_generate_options) == 64, "C API 1.0 size; grow only at the end");
STRATA_STATIC_ASSERT(offsetof(strata_generate_options, temperature) == 16, "C API 1.0 layout");
STRATA_STATIC_ASSERT(offsetof(strata_generate_options, on_token) == 48, "C API 1.0 layout");
STRATA_STATIC_ASSERT(sizeof(strata_generation_result) == 56, "C API 1.0 size; grow only at the end");
STRATA_STATIC_ASSERT(offsetof(strata_generation_result, prefill_seconds) == 40, "C API 1.0 layout");
#endif

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* STRATA_STRATA_H_ */
