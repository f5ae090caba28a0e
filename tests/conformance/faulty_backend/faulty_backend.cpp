// A backend with one deliberate bug, chosen by the environment variable STRATA_CTS_FAULT: the
// sample backend (samples/custom_backend) with some of its entries wrapped. The ctest runs of
// strata-cts on it prove that the suite catches each kind of bug a real backend could have,
// and that an honest refusal is not counted as one.
#include "sample.hpp"

#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <string_view>
#include <thread>
#include <vector>

// This target renames the sample's entry point to sample_inner_entry (see
// FaultyBackendTests.cmake), so that this file can export the real one.
#undef strata_backend_entry
extern "C" strata_status* sample_inner_entry(const strata_host_api* host, const strata_backend_api** out_api);

namespace {

enum class Fault {
  none,
  overrun,         // writes 4 bytes past the end of every output
  wrong_matmul,    // matmul output element 0 is off by 0.01
  swallow_nan,     // NaN outputs become 0 (a max/clamp that drops NaN)
  partial_write,   // the last output element is never written
  write_input,     // scribbles on input 0 of out-of-place ops
  leak,            // every other buffer_free frees nothing
  no_oom,          // "succeeds" at allocations larger than the device
  claim_gelu,      // supports_op says yes to GELU, which the sample cannot run
  refuse_softmax,  // supports_op says no to SOFTMAX: honest, so not a failure
  accept_invalid,  // drops malformed ops silently instead of failing them
  // ABI 1.2 ops
  ignore_weight_offset,  // claims rms_norm with a weight_offset and computes it without
  // ABI 1.1 properties
  unterminated_driver,   // driver_version fills its 64 bytes without a NUL
  unknown_sharing,       // sharing left UNKNOWN
  cpu_shares_nothing,    // a CPU-kind device claims sharing NONE
  exact_without_speeds,  // STRATA_CAP_EXACT_SPEEDS with a speed figure of 0
  properties_fail,       // device_properties fails
  // Faults that end or stop the process: strata-cts --child-process must survive them.
  crash_in_entry,   // the entry point dereferences a null pointer
  hang_in_probe,    // probe never returns
  crash_in_submit,  // the first submitted op aborts the process
};

Fault fault = Fault::none;
const strata_backend_api* inner = nullptr;
strata_backend_api table;

Fault read_fault() {
  const char* text = std::getenv("STRATA_CTS_FAULT");
  const std::string_view name = text != nullptr ? text : "";
  const std::pair<std::string_view, Fault> faults[] = {{"overrun", Fault::overrun},
                                                       {"wrong_matmul", Fault::wrong_matmul},
                                                       {"swallow_nan", Fault::swallow_nan},
                                                       {"partial_write", Fault::partial_write},
                                                       {"write_input", Fault::write_input},
                                                       {"leak", Fault::leak},
                                                       {"no_oom", Fault::no_oom},
                                                       {"claim_gelu", Fault::claim_gelu},
                                                       {"refuse_softmax", Fault::refuse_softmax},
                                                       {"accept_invalid", Fault::accept_invalid},
                                                       {"ignore_weight_offset", Fault::ignore_weight_offset},
                                                       {"unterminated_driver", Fault::unterminated_driver},
                                                       {"unknown_sharing", Fault::unknown_sharing},
                                                       {"cpu_shares_nothing", Fault::cpu_shares_nothing},
                                                       {"exact_without_speeds", Fault::exact_without_speeds},
                                                       {"properties_fail", Fault::properties_fail},
                                                       {"crash_in_entry", Fault::crash_in_entry},
                                                       {"hang_in_probe", Fault::hang_in_probe},
                                                       {"crash_in_submit", Fault::crash_in_submit}};
  for (const auto& [key, value] : faults)
    if (key == name) return value;
  return Fault::none;
}

std::byte* address(const strata_tensor& t) { return t.buffer->data + t.offset; }
std::uint64_t bytes(const strata_tensor& t) {
  return static_cast<std::uint64_t>(sample::element_count(t)) * sample::dtype_size(t.dtype);
}

strata_status* device_properties(strata_device* device, strata_device_properties* inout_props) {
  if (fault == Fault::properties_fail)
    return sample::host->status_create(STRATA_STATUS_INTERNAL, "faulty: no properties today");
  if (strata_status* status = inner->device_properties(device, inout_props)) return status;
  if (inout_props->struct_size < sizeof(strata_device_properties)) return nullptr;  // an older host
  switch (fault) {
    case Fault::unterminated_driver:
      std::memset(inout_props->driver_version, 'd', sizeof(inout_props->driver_version));
      break;
    case Fault::unknown_sharing:
      inout_props->sharing = STRATA_SHARING_UNKNOWN;
      break;
    case Fault::cpu_shares_nothing:
      inout_props->sharing = STRATA_SHARING_NONE;  // the sample's device is of kind CPU
      break;
    case Fault::exact_without_speeds:
      inout_props->caps |= STRATA_CAP_EXACT_SPEEDS;
      inout_props->peak_flops = 1e9;
      inout_props->memory_bandwidth = 5e9;
      inout_props->host_link_bandwidth = 0;
      break;
    default:
      break;
  }
  return nullptr;
}

strata_status* supports_op(strata_device* device, const strata_op* op, int32_t* out_supported) {
  if (fault == Fault::claim_gelu && op->kind == STRATA_OP_GELU) {
    *out_supported = 1;
    return nullptr;
  }
  if (fault == Fault::refuse_softmax && op->kind == STRATA_OP_SOFTMAX) {
    *out_supported = 0;
    return nullptr;
  }
  return inner->device_supports_op(device, op, out_supported);
}

void damage_after(const strata_op& op, const std::vector<std::byte>& saved_last) {
  const strata_tensor& out = op.output;
  const std::uint64_t end = out.offset + bytes(out);
  switch (fault) {
    case Fault::overrun:
      if (out.buffer->size >= end + 4) std::memset(out.buffer->data + end, 0, 4);
      break;
    case Fault::wrong_matmul:
      if (op.kind == STRATA_OP_MATMUL) reinterpret_cast<float*>(address(out))[0] += 0.01f;
      break;
    case Fault::swallow_nan:
      if (out.dtype == STRATA_DTYPE_F32) {
        float* values = reinterpret_cast<float*>(address(out));
        for (std::int64_t i = 0; i < sample::element_count(out); ++i)
          if (std::isnan(values[i])) values[i] = 0.0f;
      }
      break;
    case Fault::partial_write:
      std::memcpy(out.buffer->data + end - saved_last.size(), saved_last.data(), saved_last.size());
      break;
    case Fault::write_input:
      if (op.n_inputs > 0 && address(op.inputs[0]) != address(out)) *address(op.inputs[0]) ^= std::byte{0x5a};
      break;
    default:
      break;
  }
}

strata_status* probe(uint32_t* out_device_count) {
  while (fault == Fault::hang_in_probe) std::this_thread::sleep_for(std::chrono::hours(1));
  return inner->probe(out_device_count);
}

strata_status* submit(strata_queue* queue, const strata_op* ops, uint32_t count) {
  if (fault == Fault::crash_in_submit) std::abort();
  if (fault == Fault::accept_invalid) {
    for (uint32_t i = 0; i < count; ++i) {
      bool unsupported = false;
      if (!sample::check_op(ops[i], unsupported).empty()) return nullptr;
    }
  }
  // The last element of each output as it was, for partial_write to put back.
  std::vector<std::vector<std::byte>> saved(count);
  for (uint32_t i = 0; i < count; ++i) {
    const strata_tensor& out = ops[i].output;
    if (out.buffer == nullptr || bytes(out) == 0 || out.offset + bytes(out) > out.buffer->size) continue;
    const std::byte* last = address(out) + bytes(out) - sample::dtype_size(out.dtype);
    saved[i].assign(last, last + sample::dtype_size(out.dtype));
  }
  std::vector<strata_op> without_offsets;
  if (fault == Fault::ignore_weight_offset) {  // what a plugin of ABI 1.1 would do with the field
    without_offsets.assign(ops, ops + count);
    for (strata_op& op : without_offsets)
      if (op.kind == STRATA_OP_RMS_NORM) op.params.norm.weight_offset = 0.0f;
    ops = without_offsets.data();
  }
  if (strata_status* status = inner->queue_submit(queue, ops, count)) return status;
  for (uint32_t i = 0; i < count; ++i) damage_after(ops[i], saved[i]);
  return nullptr;
}

std::atomic<unsigned> frees{0};

void buffer_free(strata_buffer* buffer) {
  if (fault == Fault::leak && frees.fetch_add(1) % 2 == 0) return;
  inner->buffer_free(buffer);
}

strata_status* buffer_allocate(strata_device* device, uint64_t size, strata_buffer** out_buffer) {
  if (fault == Fault::no_oom && size > device->memory_total) {
    *out_buffer = new strata_buffer{device, nullptr, size, false};  // never touched by the suite
    return nullptr;
  }
  return inner->buffer_allocate(device, size, out_buffer);
}

}  // namespace

extern "C" STRATA_PLUGIN_EXPORT strata_status* strata_backend_entry(const strata_host_api* host,
                                                                    const strata_backend_api** out_api) {
  fault = read_fault();
  if (fault == Fault::crash_in_entry) std::raise(SIGSEGV);
  if (strata_status* status = sample_inner_entry(host, &inner)) return status;
  table = *inner;
  table.probe = probe;
  table.name = "faulty";
  table.device_properties = device_properties;
  table.device_supports_op = supports_op;
  table.queue_submit = submit;
  table.buffer_free = buffer_free;
  table.buffer_allocate = buffer_allocate;
  *out_api = &table;
  return nullptr;
}
