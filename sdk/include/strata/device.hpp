// Devices, device memory and the views that ops read and write.
#pragma once

#include <strata/export.hpp>

#include <strata/types.hpp>

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct strata_buffer;

namespace strata {

namespace detail {
struct DeviceState;
struct BufferState;
}  // namespace detail

class Buffer;
class Queue;
struct Op;

struct STRATA_API DeviceCaps {
  bool async = false;
  bool events = false;
  bool host_visible = false;
  bool unified_memory = false;
  bool import_host = false;
  bool exact_speeds = false;  // the reported speeds are used as they are, never measured (a simulator)
};

// What a device shares with the host (backend.h's strata_device_sharing).
enum class DeviceSharing : std::int32_t {
  none = 1,         // its own compute units and memory
  host_memory = 2,  // its own compute units, the host's memory
  host_cores = 3,   // runs on the host's CPU cores: the same cores as "cpu" and any other such device
};

STRATA_API std::string_view to_string(DeviceSharing sharing);

// Figures measured on a device through the device interface (strata::measure_device, or the
// calibration cache): what the planners' predictions are made of. A figure that could not be
// measured (the device refuses the op, or lacks the dtype) is absent.
struct STRATA_API DeviceMeasurements {
  // The shapes of the small-op figures: a small model's layers, where fixed costs weigh.
  static constexpr std::int64_t small_dim = 256;          // weights [256, 256]
  static constexpr std::int64_t tall_rows = 1024;         // weights [1024, 256]
  static constexpr std::int64_t wide_columns = 4096;      // weights [256, 4096]
  static constexpr std::int64_t matvec_columns = 4096;    // matvec_bandwidth's rows
  static constexpr std::int64_t narrow_columns = 1024;    // narrow_matvec_bandwidth's rows
  static constexpr std::int64_t small_matmul_rows = 32;   // a prompt piece of 32 tokens
  static constexpr std::int64_t large_matmul_rows = 128;  // and of 128 (the default max_batch_tokens)
  static constexpr std::int64_t prompt_tokens = 32;       // "attention_prompt": 32 queries
  // The attention ops: q [T, 8, 64] over an f32 cache of [128, 4, 64] keys and values.
  static constexpr std::int64_t attention_cache = 128;
  static constexpr std::int64_t attention_kv_width = 4 * 64;

  std::map<DType, double> matvec_bandwidth;  // bytes of weights/s streamed by a one-row MATMUL, per weight dtype
  // The same on weights of the same size in rows of narrow_columns (four times as many rows as
  // matvec_bandwidth's 4096): what each streamed row costs beyond its bytes (software devices run
  // a work-group per row; a model's rows are often this short).
  std::map<DType, double> narrow_matvec_bandwidth;
  // The same for f32 weights of smaller sizes (4, 32, 256 MiB: those below matvec_weight_bytes), by
  // their bytes: caches serve a model that fits them faster than memory does. The planners scale
  // each dtype's figure by this curve at the size of a model's weights.
  std::map<std::int64_t, double> f32_matvec_bandwidth_by_size;
  std::map<DType, double> matmul_flops;        // FLOP/s of a prefill-sized MATMUL (128 rows), per weight dtype
  std::map<DType, double> small_matmul_flops;  // the same K and N with 32 rows: a short prompt's piece
  double matvec_weight_bytes = 0;              // the size of the weights matvec_bandwidth was measured on
  double matmul_op_flops = 0;                  // the FLOPs of the MATMUL matmul_flops was measured on
  // Small ops, where fixed costs weigh: seconds of a one-row MATMUL by weights [256, 256], by
  // [1024, 256] and by [256, 4096] (software devices pay per output row as well as per byte). The
  // planners fit a fixed cost, a cost per row and one per byte to the three products, and
  // interpolate FLOP/s between 32 and 128 rows on a log scale.
  std::map<DType, double> small_matvec_seconds;
  std::map<DType, double> tall_matvec_seconds;
  std::map<DType, double> wide_matvec_seconds;
  // Seconds of one small op of each kind, submitted among many, at the shapes of a decode step:
  // "add", "rms_norm", "rope", "silu_mul", "copy", "attention" (one query, a 128-token cache),
  // "attention_prompt" (32 queries), "embedding".
  std::map<std::string, double> op_kind_seconds;
  std::optional<double> host_to_device;      // bytes/s of queue_write
  std::optional<double> device_to_host;      // bytes/s of queue_read
  std::optional<double> op_seconds;          // fixed cost of one small op submitted among many
  std::optional<double> round_trip_seconds;  // one small op submitted, then a read that waits for it
  // Seconds of a small reference Llama layer (hidden 256, f16 weights) run as the Session runs a
  // layer (its ops built and submitted at once, many layers before a wait), by the tokens of the
  // step: 1 (after 63 in the cache), 32 and 128 (prompt pieces). The planners correct their sum
  // over a layer's ops by what these show.
  std::map<std::int64_t, double> layer_seconds;
  std::string measured_at;   // when, in UTC (ISO 8601)
  double seconds_taken = 0;  // how long measuring took
};

struct STRATA_API DeviceInfo {
  std::string name;            // Strata's name: "cpu", "opencl:0", "vulkan:1", "sim:2"
  std::string backend;         // the plugin's name: "cpu", "opencl", ...
  std::string plugin_version;  // the plugin's own version string
  std::string description;     // the hardware's own name
  std::string stable_id;
  std::string driver;      // the driver and its version (ABI 1.1 plugins), "" when not said
  std::string pci_bus_id;  // "" when the API does not say
  std::optional<std::array<std::uint8_t, 16>> uuid;
  DeviceKind kind = DeviceKind::cpu;
  DeviceSharing sharing = DeviceSharing::none;
  bool sharing_inferred = false;              // the plugin did not say (ABI 1.0): inferred from kind, memory and PCI id
  std::optional<std::uint64_t> memory_total;  // nullopt: the API cannot tell
  std::optional<std::uint64_t> memory_free;
  std::vector<DType> dtypes;  // storage dtypes
  DeviceCaps caps;
  // The speed the plugin reports, 0 when it does not: F32 FLOP/s, memory and host link bytes/s.
  // The SDK measures devices rather than trust these, except where caps.exact_speeds says so.
  double peak_flops = 0;
  double memory_bandwidth = 0;
  double host_link_bandwidth = 0;
  // What strata::measure_device measured on this device (read from the calibration cache when a
  // Runtime starts, or filled by Runtime::calibrate), nullopt when it was never measured.
  std::optional<DeviceMeasurements> measured;

  // Identifies the physical device across backends ("pci:0000:65:00.0", "uuid:..."), or ""
  // when the API gives neither: one GPU seen by OpenCL and Vulkan has one physical_id.
  std::string physical_id() const;
  bool stores(DType dtype) const;
  bool shares_host_cores() const { return sharing == DeviceSharing::host_cores; }
};

struct STRATA_API MemoryInfo {
  std::optional<std::uint64_t> free;
  std::optional<std::uint64_t> total;
};

// A handle to one device of a loaded backend. Cheap to copy; keeps its plugin loaded.
class STRATA_API Device {
 public:
  const DeviceInfo& info() const;
  const std::string& name() const { return info().name; }

  MemoryInfo memory() const;
  // Throws Error(out_of_memory) when the device cannot give `bytes`.
  Buffer allocate(std::uint64_t bytes) const;
  // Wraps host memory without copying; it must outlive the buffer. Needs caps.import_host.
  Buffer import_host(void* memory, std::uint64_t bytes) const;
  Queue create_queue() const;
  bool supports(const Op& op) const;

  friend bool operator==(const Device& a, const Device& b) { return a.state_ == b.state_; }

  // For the SDK itself.
  explicit Device(std::shared_ptr<detail::DeviceState> state) : state_(std::move(state)) {}
  const std::shared_ptr<detail::DeviceState>& state() const { return state_; }

 private:
  std::shared_ptr<detail::DeviceState> state_;
};

// Device memory; freed when the last owner lets go. Move-only.
class STRATA_API Buffer {
 public:
  Buffer();
  Buffer(Buffer&&) noexcept;
  Buffer& operator=(Buffer&&) noexcept;
  ~Buffer();

  explicit operator bool() const { return state_ != nullptr; }
  std::uint64_t size() const;
  Device device() const;
  // The buffer's memory in the host's address space (caps.host_visible), else nullptr.
  void* host_pointer() const;

  // For the SDK itself.
  explicit Buffer(std::unique_ptr<detail::BufferState> state);
  strata_buffer* handle() const;

 private:
  std::unique_ptr<detail::BufferState> state_;
};

// A dense row-major view into a buffer: what ops read and write. Does not own the buffer.
struct STRATA_API TensorView {
  const Buffer* buffer = nullptr;
  std::uint64_t offset = 0;  // bytes
  DType dtype = DType::f32;
  Shape shape;

  std::uint64_t bytes() const { return static_cast<std::uint64_t>(shape.elements()) * dtype_size(dtype); }
};

// A buffer together with the shape it holds: the usual way to keep a tensor on a device.
class STRATA_API Tensor {
 public:
  Tensor() = default;
  Tensor(const Device& device, DType dtype, Shape shape);

  TensorView view() const { return {&buffer_, 0, dtype_, shape_}; }
  operator TensorView() const { return view(); }
  DType dtype() const { return dtype_; }
  const Shape& shape() const { return shape_; }
  const Buffer& buffer() const { return buffer_; }
  std::uint64_t bytes() const { return view().bytes(); }

 private:
  Buffer buffer_;
  DType dtype_ = DType::f32;
  Shape shape_;
};

}  // namespace strata
