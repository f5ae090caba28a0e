// The plugin through its C ABI alone, loaded with dlopen and driven by a fake host: version
// negotiation, the table, partial property structs, and handle checks the C++ API cannot
// reach. Needs no SDK.
#include <strata/backend.h>

#include <gtest/gtest.h>

#include <dlfcn.h>

#include <cstddef>
#include <cstring>
#include <string>
#include <vector>

// The fake host's status: opaque to the plugin, so this test may define it.
struct strata_status {
  strata_status_code code;
  std::string message;
};

namespace strata_test {
namespace {

strata_status* fake_status_create(strata_status_code code, const char* message) {
  return new strata_status{code, message};
}
void fake_log(strata_log_level, const char*) {}

strata_host_api host_speaking(std::uint32_t major, std::uint32_t minor) {
  return {sizeof(strata_host_api), STRATA_MAKE_VERSION(major, minor), fake_status_create, fake_log};
}

// Takes ownership of a status; returns its code (OK for NULL).
strata_status_code code_of(strata_status* status, std::string* message = nullptr) {
  if (status == nullptr) return STRATA_STATUS_OK;
  const strata_status_code code = status->code;
  if (message != nullptr) *message = status->message;
  delete status;
  return code;
}

class PluginAbiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    library_ = dlopen(STRATA_CPU_PLUGIN_FILE, RTLD_NOW | RTLD_LOCAL);
    ASSERT_NE(library_, nullptr) << dlerror();
    entry_ = reinterpret_cast<strata_backend_entry_fn>(dlsym(library_, STRATA_BACKEND_ENTRY_SYMBOL));
    ASSERT_NE(entry_, nullptr);
    ASSERT_EQ(code_of(entry_(&host_, &api_)), STRATA_STATUS_OK);
  }
  // The plugin stays loaded: TBB and OpenBLAS threads may outlive a dlclose.

  void SetUp() override {
    ASSERT_EQ(code_of(api_->backend_create(&backend_)), STRATA_STATUS_OK);
    ASSERT_EQ(code_of(api_->device_get(backend_, 0, &device_)), STRATA_STATUS_OK);
  }
  void TearDown() override { api_->backend_destroy(backend_); }

  static inline void* library_ = nullptr;
  static inline strata_backend_entry_fn entry_ = nullptr;
  static inline strata_host_api host_ = host_speaking(STRATA_BACKEND_ABI_MAJOR, STRATA_BACKEND_ABI_MINOR);
  static inline const strata_backend_api* api_ = nullptr;
  strata_backend* backend_ = nullptr;
  strata_device* device_ = nullptr;
};

TEST_F(PluginAbiTest, TableDescribesTheCpuPlugin) {
  EXPECT_EQ(api_->struct_size, sizeof(strata_backend_api));
  EXPECT_EQ(api_->abi_version, STRATA_BACKEND_ABI_VERSION);
  EXPECT_STREQ(api_->name, "cpu");
  EXPECT_NE(std::strlen(api_->version), 0u);
  std::uint32_t count = 0;
  EXPECT_EQ(code_of(api_->probe(&count)), STRATA_STATUS_OK);
  EXPECT_EQ(count, 1u);
  EXPECT_EQ(code_of(api_->device_count(backend_, &count)), STRATA_STATUS_OK);
  EXPECT_EQ(count, 1u);
  strata_device* other = nullptr;
  EXPECT_EQ(code_of(api_->device_get(backend_, 1, &other)), STRATA_STATUS_INVALID_ARGUMENT);
  EXPECT_EQ(other, nullptr);
}

TEST_F(PluginAbiTest, HostOfAnotherMajorVersionIsRefused) {
  const strata_host_api newer = host_speaking(STRATA_BACKEND_ABI_MAJOR + 1, 0);
  const strata_backend_api* api = reinterpret_cast<const strata_backend_api*>(0x1);  // must stay untouched
  std::string message;
  EXPECT_EQ(code_of(entry_(&newer, &api), &message), STRATA_STATUS_INCOMPATIBLE_VERSION);
  EXPECT_EQ(api, reinterpret_cast<const strata_backend_api*>(0x1));
  EXPECT_NE(message.find("cpu"), std::string::npos) << message;
  const strata_host_api older = host_speaking(0, 9);
  EXPECT_EQ(code_of(entry_(&older, &api)), STRATA_STATUS_INCOMPATIBLE_VERSION);

  // A newer minor version of the same major is fine.
  const strata_host_api newer_minor = host_speaking(STRATA_BACKEND_ABI_MAJOR, STRATA_BACKEND_ABI_MINOR + 3);
  EXPECT_EQ(code_of(entry_(&newer_minor, &api)), STRATA_STATUS_OK);
  EXPECT_EQ(api, api_);
  ASSERT_EQ(code_of(entry_(&host_, &api)), STRATA_STATUS_OK);  // back to this test's host
}

TEST_F(PluginAbiTest, PropertiesWriteOnlyWhatTheCallersStructHolds) {
  strata_device_properties props;
  std::memset(&props, 0xCD, sizeof(props));
  props.struct_size = offsetof(strata_device_properties, memory_total);  // a host from before memory fields
  ASSERT_EQ(code_of(api_->device_properties(device_, &props)), STRATA_STATUS_OK);
  EXPECT_EQ(props.struct_size, offsetof(strata_device_properties, memory_total));
  EXPECT_EQ(props.kind, STRATA_DEVICE_CPU);
  EXPECT_STREQ(props.stable_id, "cpu");
  const auto* bytes = reinterpret_cast<const unsigned char*>(&props);
  for (std::size_t i = offsetof(strata_device_properties, memory_total); i < sizeof(props); ++i)
    ASSERT_EQ(bytes[i], 0xCD) << "byte " << i << " written past the caller's struct";

  props.struct_size = sizeof(props);
  ASSERT_EQ(code_of(api_->device_properties(device_, &props)), STRATA_STATUS_OK);
  EXPECT_NE(props.memory_total, STRATA_MEMORY_UNKNOWN);
  EXPECT_EQ(props.caps,
            STRATA_CAP_HOST_VISIBLE | STRATA_CAP_UNIFIED_MEMORY | STRATA_CAP_IMPORT_HOST | STRATA_CAP_EVENTS);
  EXPECT_EQ(props.dtypes, 0xFu);
  EXPECT_EQ(props.peak_flops, 0.0);  // not measured by the plugin
  EXPECT_EQ(props.memory_bandwidth, 0.0);
  EXPECT_EQ(props.sharing, STRATA_SHARING_HOST_CORES);
  EXPECT_NE(std::memchr(props.driver_version, '\0', sizeof(props.driver_version)), nullptr);
  EXPECT_GT(std::strlen(props.driver_version), 0u);
}

TEST_F(PluginAbiTest, AHostOfAbi10GetsOnlyThe10Fields) {
  strata_device_properties props;
  std::memset(&props, 0xCD, sizeof(props));
  props.struct_size = STRATA_DEVICE_PROPERTIES_SIZE_1_0;
  ASSERT_EQ(code_of(api_->device_properties(device_, &props)), STRATA_STATUS_OK);
  EXPECT_EQ(props.struct_size, STRATA_DEVICE_PROPERTIES_SIZE_1_0);
  EXPECT_EQ(props.kind, STRATA_DEVICE_CPU);
  EXPECT_EQ(props.host_link_bandwidth, 0.0);  // the last field of 1.0 is written
  const auto* bytes = reinterpret_cast<const unsigned char*>(&props);
  for (std::size_t i = STRATA_DEVICE_PROPERTIES_SIZE_1_0; i < sizeof(props); ++i)
    ASSERT_EQ(bytes[i], 0xCD) << "byte " << i << " written past a 1.0 host's struct";
}

TEST_F(PluginAbiTest, BuffersRefuseZeroAndHugeSizesWithoutOutput) {
  strata_buffer* buffer = reinterpret_cast<strata_buffer*>(0x1);
  EXPECT_EQ(code_of(api_->buffer_allocate(device_, 0, &buffer)), STRATA_STATUS_INVALID_ARGUMENT);
  EXPECT_EQ(code_of(api_->buffer_allocate(device_, UINT64_MAX, &buffer)), STRATA_STATUS_OUT_OF_MEMORY);
  EXPECT_EQ(code_of(api_->buffer_allocate(device_, 1ull << 62, &buffer)), STRATA_STATUS_OUT_OF_MEMORY);
  EXPECT_EQ(buffer, reinterpret_cast<strata_buffer*>(0x1));
  EXPECT_EQ(code_of(api_->buffer_import_host(device_, nullptr, 16, &buffer)), STRATA_STATUS_INVALID_ARGUMENT);
  EXPECT_EQ(buffer, reinterpret_cast<strata_buffer*>(0x1));
}

TEST_F(PluginAbiTest, BuffersOfAnotherDeviceAreRefused) {
  strata_backend* other_backend = nullptr;
  strata_device* other_device = nullptr;
  ASSERT_EQ(code_of(api_->backend_create(&other_backend)), STRATA_STATUS_OK);
  ASSERT_EQ(code_of(api_->device_get(other_backend, 0, &other_device)), STRATA_STATUS_OK);
  strata_buffer* foreign = nullptr;
  strata_queue* queue = nullptr;
  ASSERT_EQ(code_of(api_->buffer_allocate(other_device, 16, &foreign)), STRATA_STATUS_OK);
  ASSERT_EQ(code_of(api_->queue_create(device_, &queue)), STRATA_STATUS_OK);
  const char data[16] = {};
  std::string message;
  EXPECT_EQ(code_of(api_->queue_write(queue, foreign, 0, data, 16), &message), STRATA_STATUS_INVALID_ARGUMENT);
  EXPECT_NE(message.find("another device"), std::string::npos) << message;
  EXPECT_EQ(code_of(api_->queue_write(queue, nullptr, 0, data, 16)), STRATA_STATUS_INVALID_ARGUMENT);
  EXPECT_EQ(code_of(api_->queue_submit(queue, nullptr, 1)), STRATA_STATUS_INVALID_ARGUMENT);
  EXPECT_EQ(code_of(api_->queue_submit(queue, nullptr, 0)), STRATA_STATUS_OK);
  api_->queue_destroy(queue);
  api_->buffer_free(foreign);
  api_->backend_destroy(other_backend);
}

TEST_F(PluginAbiTest, EventsAreCompleteWhenRecorded) {
  strata_queue* a = nullptr;
  strata_queue* b = nullptr;
  ASSERT_EQ(code_of(api_->queue_create(device_, &a)), STRATA_STATUS_OK);
  ASSERT_EQ(code_of(api_->queue_create(device_, &b)), STRATA_STATUS_OK);
  strata_event* event = nullptr;
  ASSERT_EQ(code_of(api_->event_record(a, &event)), STRATA_STATUS_OK);
  ASSERT_NE(event, nullptr);
  EXPECT_EQ(code_of(api_->queue_wait_event(b, event)), STRATA_STATUS_OK);
  EXPECT_EQ(code_of(api_->event_synchronize(event)), STRATA_STATUS_OK);
  EXPECT_EQ(code_of(api_->queue_finish(b)), STRATA_STATUS_OK);
  EXPECT_EQ(code_of(api_->event_synchronize(nullptr)), STRATA_STATUS_INVALID_ARGUMENT);
  api_->event_release(event);
  api_->queue_destroy(a);
  api_->queue_destroy(b);
}

TEST_F(PluginAbiTest, SupportsOpReadsOnlyDescriptions) {
  strata_op op{};
  op.kind = STRATA_OP_SILU;
  op.n_inputs = 1;
  op.inputs[0].dtype = op.output.dtype = STRATA_DTYPE_F32;
  op.inputs[0].rank = op.output.rank = 1;
  op.inputs[0].shape[0] = op.output.shape[0] = 5;  // no buffers at all
  std::int32_t supported = -1;
  EXPECT_EQ(code_of(api_->device_supports_op(device_, &op, &supported)), STRATA_STATUS_OK);
  EXPECT_EQ(supported, 1);
  op.output.shape[0] = 6;
  EXPECT_EQ(code_of(api_->device_supports_op(device_, &op, &supported)), STRATA_STATUS_OK);
  EXPECT_EQ(supported, 0);
  op.kind = STRATA_OP_KIND_COUNT;
  EXPECT_EQ(code_of(api_->device_supports_op(device_, &op, &supported)), STRATA_STATUS_OK);
  EXPECT_EQ(supported, 0);
}

}  // namespace
}  // namespace strata_test
