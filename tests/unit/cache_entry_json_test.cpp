// Calibration cache entries are read with the SDK's strict JSON rules: an entry that gives a key
// twice, or nests without end, is damaged, not read with the last value winning.
#include "calibration/cache_entry.hpp"

#include <gtest/gtest.h>

#include <string>

namespace strata {
namespace {

DeviceInfo device() {
  DeviceInfo info;
  info.name = "opencl:0";
  info.backend = "opencl";
  info.plugin_version = "1.4.0";
  info.description = "Example GPU";
  info.stable_id = "opencl:example:0";
  info.driver = "Example 1.2.3";
  return info;
}

DeviceMeasurements measurements() {
  DeviceMeasurements m;
  m.matvec_bandwidth = {{DType::f32, 20e9}};
  m.matmul_flops = {{DType::f32, 1.5e11}};
  m.small_matvec_seconds = {{DType::f32, 9e-6}};
  m.tall_matvec_seconds = {{DType::f32, 2.5e-5}};
  m.wide_matvec_seconds = {{DType::f32, 1.1e-4}};
  m.small_matmul_flops = {{DType::f32, 4e10}};
  m.matvec_weight_bytes = 64.0 * (1 << 20);
  m.matmul_op_flops = 2.7e8;
  m.op_kind_seconds = {{"rope", 4.5e-5}};
  m.measured_at = "2025-06-01T12:00:00Z";
  m.seconds_taken = 1.25;
  return m;
}

// The entry with `member` put first in its top-level object.
std::string with_first_member(const std::string& member) {
  std::string text = detail::encode_cache_entry(device(), measurements());
  return text.insert(text.find('{') + 1, member + ",");
}

std::string refusal(const std::string& text) {
  std::string why;
  bool outdated = false;
  EXPECT_FALSE(detail::decode_cache_entry(text, device(), why, outdated)) << text;
  return why;
}

TEST(CacheEntryJson, AKeyGivenTwiceMakesTheEntryDamaged) {
  std::string why;
  bool outdated = false;
  ASSERT_TRUE(detail::decode_cache_entry(with_first_member(R"("comment": 1)"), device(), why, outdated)) << why;
  // nlohmann alone would let the later "version" win and read the entry.
  EXPECT_EQ(refusal(with_first_member(R"("version": 1)")), "is not JSON (a damaged or truncated file)");
}

TEST(CacheEntryJson, DeepNestingMakesTheEntryDamaged) {
  EXPECT_EQ(refusal(with_first_member(R"("comment": )" + std::string(10000, '[') + std::string(10000, ']'))),
            "is not JSON (a damaged or truncated file)");
}

}  // namespace
}  // namespace strata
