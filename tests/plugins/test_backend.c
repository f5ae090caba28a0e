/* A deliberately small backend written in plain C11: it proves backend.h is a C header, and,
 * built once per TEST_MODE, it gives the loader tests each kind of broken plugin.
 * Devices keep their memory on the host; queues run synchronously; the only op is COPY
 * between same-dtype tensors. */
#include <strata/backend.h>

#include <stdlib.h>
#include <string.h>

#define MODE_GOOD 0
#define MODE_NO_ENTRY 1
#define MODE_NEWER_MAJOR 2
#define MODE_NEWER_MINOR 3
#define MODE_FAILING_INIT 4
#define MODE_DEVICE_ERRORS 5
#define MODE_MALFORMED_SIZE 6
#define MODE_MISSING_ENTRY 7
#define MODE_NO_DEVICES 8
#define MODE_REFUSES_HOST 9
#define MODE_UNTRUSTED_PROPERTIES 10 /* 1.1 fields a host must not trust */
#define MODE_STRAY_1_1_FIELDS 11     /* says ABI 1.0, yet sets 1.1 fields a 1.0 plugin could not mean */
#define MODE_PROPERTIES_FAIL 12      /* starts, then cannot describe its device */
#define MODE_CLAIMS_ALL_1_1 13       /* says ABI 1.1 and claims every op: the host must keep 1.2 ops away */

#ifndef TEST_MODE
#error "define TEST_MODE"
#endif
#ifndef TEST_NAME
#error "define TEST_NAME"
#endif

static const strata_host_api* g_host = NULL;

struct strata_backend {
  int unused;
};
struct strata_device {
  uint64_t allocated;
};
struct strata_buffer {
  struct strata_device* device;
  unsigned char* memory;
  uint64_t size;
};
struct strata_queue {
  struct strata_device* device;
};
struct strata_event {
  int unused;
};

static struct strata_backend g_backend;
static struct strata_device g_device;
static const uint64_t k_memory_total = 64u << 20;

static strata_status* error(strata_status_code code, const char* message) {
  return g_host->status_create(code, message);
}

static strata_status* probe(uint32_t* out_count) {
  *out_count = TEST_MODE == MODE_NO_DEVICES ? 0u : 1u;
  return NULL;
}

static strata_status* backend_create(strata_backend** out) {
  if (TEST_MODE == MODE_FAILING_INIT) return error(STRATA_STATUS_UNAVAILABLE, "the test driver refuses to start");
  *out = &g_backend;
  return NULL;
}

static void backend_destroy(strata_backend* backend) { (void)backend; }

static strata_status* device_count(strata_backend* backend, uint32_t* out) {
  (void)backend;
  *out = 1;
  return NULL;
}

static strata_status* device_get(strata_backend* backend, uint32_t index, strata_device** out) {
  (void)backend;
  if (index != 0) return error(STRATA_STATUS_INVALID_ARGUMENT, "no such device");
  *out = &g_device;
  return NULL;
}

static strata_status* device_properties(strata_device* device, strata_device_properties* props) {
  strata_device_properties full;
  if (TEST_MODE == MODE_PROPERTIES_FAIL) return error(STRATA_STATUS_INTERNAL, "the test device has no properties");
  (void)device;
  memset(&full, 0, sizeof full);
  full.struct_size = props->struct_size;
  full.kind = STRATA_DEVICE_ACCEL;
  strcpy(full.name, "Strata test device (" TEST_NAME ")");
  strcpy(full.stable_id, TEST_NAME ":0");
  full.dtypes = STRATA_DTYPE_BIT(STRATA_DTYPE_F32);
  full.caps = STRATA_CAP_HOST_VISIBLE;
  full.memory_total = k_memory_total;
  full.memory_free = k_memory_total - g_device.allocated;
  /* ABI 1.1: a device of its own, with a driver the loader tests can recognise. */
  strcpy(full.driver_version, "test driver " TEST_NAME);
  full.sharing = STRATA_SHARING_NONE;
  if (TEST_MODE == MODE_UNTRUSTED_PROPERTIES || TEST_MODE == MODE_STRAY_1_1_FIELDS) {
    /* No NUL in the driver's 64 bytes, a sharing outside the enum, exact speeds of 0, and the
     * memory of an integrated device without a PCI bus id. */
    memset(full.driver_version, 'x', sizeof full.driver_version);
    full.sharing = 42;
    full.caps |= STRATA_CAP_EXACT_SPEEDS | STRATA_CAP_UNIFIED_MEMORY;
  }
  /* Write only what the caller's struct can hold. */
  memcpy(props, &full, props->struct_size < sizeof full ? props->struct_size : sizeof full);
  return NULL;
}

static strata_status* device_memory(strata_device* device, uint64_t* out_free, uint64_t* out_total) {
  *out_free = k_memory_total - device->allocated;
  *out_total = k_memory_total;
  return NULL;
}

static int is_plain_copy(const strata_op* op) {
  return op->kind == STRATA_OP_COPY && op->n_inputs == 1 && op->inputs[0].dtype == op->output.dtype;
}

/* How often the host called supports_op and queue_submit, read by the tests through dlsym. */
STRATA_PLUGIN_EXPORT uint32_t strata_test_supports_op_calls;
STRATA_PLUGIN_EXPORT uint32_t strata_test_submit_calls;
uint32_t strata_test_supports_op_calls = 0;
uint32_t strata_test_submit_calls = 0;

static strata_status* device_supports_op(strata_device* device, const strata_op* op, int32_t* out) {
  (void)device;
  ++strata_test_supports_op_calls;
  *out = TEST_MODE == MODE_CLAIMS_ALL_1_1 ? 1 : is_plain_copy(op);
  return NULL;
}

static strata_status* buffer_allocate(strata_device* device, uint64_t size, strata_buffer** out) {
  strata_buffer* buffer;
  if (TEST_MODE == MODE_DEVICE_ERRORS) return error(STRATA_STATUS_DEVICE_LOST, "the test device fell off the bus");
  if (size == 0) return error(STRATA_STATUS_INVALID_ARGUMENT, "size 0");
  if (size > k_memory_total - device->allocated) return error(STRATA_STATUS_OUT_OF_MEMORY, "the test device is full");
  buffer = (strata_buffer*)malloc(sizeof *buffer);
  if (buffer == NULL) return error(STRATA_STATUS_OUT_OF_MEMORY, "host allocation failed");
  buffer->memory = (unsigned char*)calloc(1, (size_t)size);
  if (buffer->memory == NULL) {
    free(buffer);
    return error(STRATA_STATUS_OUT_OF_MEMORY, "host allocation failed");
  }
  buffer->device = device;
  buffer->size = size;
  device->allocated += size;
  *out = buffer;
  return NULL;
}

static void buffer_free(strata_buffer* buffer) {
  buffer->device->allocated -= buffer->size;
  free(buffer->memory);
  free(buffer);
}

static void* buffer_host_pointer(strata_buffer* buffer) { return buffer->memory; }

static strata_status* buffer_import_host(strata_device* device, void* memory, uint64_t size, strata_buffer** out) {
  (void)device;
  (void)memory;
  (void)size;
  (void)out;
  return error(STRATA_STATUS_UNSUPPORTED, "the test device cannot import host memory");
}

static strata_status* queue_create(strata_device* device, strata_queue** out) {
  strata_queue* queue = (strata_queue*)malloc(sizeof *queue);
  if (queue == NULL) return error(STRATA_STATUS_OUT_OF_MEMORY, "host allocation failed");
  queue->device = device;
  *out = queue;
  return NULL;
}

static void queue_destroy(strata_queue* queue) { free(queue); }

static int out_of_range(const strata_buffer* buffer, uint64_t offset, uint64_t size) {
  return offset > buffer->size || size > buffer->size - offset;
}

static strata_status* queue_write(strata_queue* queue, strata_buffer* dst, uint64_t offset, const void* src,
                                  uint64_t size) {
  (void)queue;
  if (out_of_range(dst, offset, size)) return error(STRATA_STATUS_INVALID_ARGUMENT, "write out of range");
  memcpy(dst->memory + offset, src, (size_t)size);
  return NULL;
}

static strata_status* queue_read(strata_queue* queue, strata_buffer* src, uint64_t offset, void* dst, uint64_t size) {
  (void)queue;
  if (out_of_range(src, offset, size)) return error(STRATA_STATUS_INVALID_ARGUMENT, "read out of range");
  memcpy(dst, src->memory + offset, (size_t)size);
  return NULL;
}

static strata_status* queue_copy(strata_queue* queue, strata_buffer* src, uint64_t src_offset, strata_buffer* dst,
                                 uint64_t dst_offset, uint64_t size) {
  (void)queue;
  if (out_of_range(src, src_offset, size) || out_of_range(dst, dst_offset, size))
    return error(STRATA_STATUS_INVALID_ARGUMENT, "copy out of range");
  memmove(dst->memory + dst_offset, src->memory + src_offset, (size_t)size);
  return NULL;
}

static uint64_t tensor_bytes(const strata_tensor* tensor) {
  uint64_t n = 4;
  uint32_t i;
  for (i = 0; i < tensor->rank; ++i) n *= (uint64_t)tensor->shape[i];
  return n;
}

static strata_status* queue_submit(strata_queue* queue, const strata_op* ops, uint32_t count) {
  uint32_t i;
  (void)queue;
  ++strata_test_submit_calls;
  for (i = 0; i < count; ++i)
    if (!is_plain_copy(&ops[i])) return error(STRATA_STATUS_UNSUPPORTED, "the test device runs only same-dtype copies");
  for (i = 0; i < count; ++i) {
    const strata_tensor* in = &ops[i].inputs[0];
    const strata_tensor* out = &ops[i].output;
    const uint64_t bytes = tensor_bytes(in);
    if (bytes != tensor_bytes(out) || out_of_range(in->buffer, in->offset, bytes) ||
        out_of_range(out->buffer, out->offset, bytes))
      return error(STRATA_STATUS_INVALID_ARGUMENT, "copy out of range");
    memmove(out->buffer->memory + out->offset, in->buffer->memory + in->offset, (size_t)bytes);
  }
  return NULL;
}

static strata_status* queue_finish(strata_queue* queue) {
  (void)queue;
  return NULL;
}

static strata_event g_event;

static strata_status* event_record(strata_queue* queue, strata_event** out) {
  (void)queue;
  *out = &g_event;
  return NULL;
}

static strata_status* queue_wait_event(strata_queue* queue, strata_event* event) {
  (void)queue;
  (void)event;
  return NULL;
}

static strata_status* event_synchronize(strata_event* event) {
  (void)event;
  return NULL;
}

static void event_release(strata_event* event) { (void)event; }

static strata_backend_api g_api = {
    sizeof(strata_backend_api),
    STRATA_BACKEND_ABI_VERSION,
    TEST_NAME,
    "0.0-test",
    probe,
    backend_create,
    backend_destroy,
    device_count,
    device_get,
    device_properties,
    device_memory,
    device_supports_op,
    buffer_allocate,
    buffer_free,
    buffer_host_pointer,
    buffer_import_host,
    queue_create,
    queue_destroy,
    queue_write,
    queue_read,
    queue_copy,
    queue_submit,
    queue_finish,
    event_record,
    queue_wait_event,
    event_synchronize,
    event_release,
};

/* A table from a later minor version: the 1.0 table followed by entries this host does not know. */
struct newer_minor_api {
  strata_backend_api base;
  void (*entry_from_the_future)(void);
};

static void entry_from_the_future(void) {}

static struct newer_minor_api g_newer_api;

/* The no-entry plugin exports its entry under a misspelt name, as a real mistake would. */
#if TEST_MODE == MODE_NO_ENTRY
#define ENTRY_NAME strata_backend_entrypoint
#else
#define ENTRY_NAME strata_backend_entry
#endif

STRATA_PLUGIN_EXPORT strata_status* ENTRY_NAME(const strata_host_api* host, const strata_backend_api** out);

STRATA_PLUGIN_EXPORT strata_status* ENTRY_NAME(const strata_host_api* host, const strata_backend_api** out) {
  g_host = host;
  if (TEST_MODE == MODE_REFUSES_HOST)
    return host->status_create(STRATA_STATUS_INCOMPATIBLE_VERSION, "this plugin needs a host speaking ABI 1.9");
  if (TEST_MODE == MODE_NEWER_MAJOR) g_api.abi_version = STRATA_MAKE_VERSION(STRATA_BACKEND_ABI_MAJOR + 1, 0);
  if (TEST_MODE == MODE_MALFORMED_SIZE) g_api.struct_size = 16;
  if (TEST_MODE == MODE_MISSING_ENTRY) g_api.queue_submit = NULL;
  if (TEST_MODE == MODE_STRAY_1_1_FIELDS) g_api.abi_version = STRATA_MAKE_VERSION(STRATA_BACKEND_ABI_MAJOR, 0);
  if (TEST_MODE == MODE_CLAIMS_ALL_1_1) g_api.abi_version = STRATA_MAKE_VERSION(STRATA_BACKEND_ABI_MAJOR, 1);
  if (TEST_MODE == MODE_NEWER_MINOR) {
    g_newer_api.base = g_api;
    g_newer_api.base.struct_size = sizeof g_newer_api;
    g_newer_api.base.abi_version = STRATA_MAKE_VERSION(STRATA_BACKEND_ABI_MAJOR, STRATA_BACKEND_ABI_MINOR + 3);
    g_newer_api.entry_from_the_future = entry_from_the_future;
    *out = &g_newer_api.base;
    return NULL;
  }
  *out = &g_api;
  return NULL;
}
