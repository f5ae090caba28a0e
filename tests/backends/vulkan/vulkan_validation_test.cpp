// The validation hook itself: run by ctest with STRATA_VULKAN_VALIDATION=selftest, which makes
// the plugin inject one synthetic validation error. The next queue call must fail with it; in any
// other run the test has nothing to check and skips.
#include "vulkan_test_support.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string_view>

namespace {

TEST(VulkanValidation, AnInjectedValidationErrorFailsTheNextQueueCall) {
  const char* mode = std::getenv("STRATA_VULKAN_VALIDATION");
  if (mode == nullptr || std::string_view(mode) != "selftest")
    GTEST_SKIP() << "runs as the ctest entry vulkan_backend_test.validation_selftest";
  auto runtime = vulkan_test::make_runtime();
  REQUIRE_VULKAN(runtime, vulkan);
  strata::Queue queue = vulkan.create_queue();
  try {
    queue.finish();
    FAIL() << "the injected validation error went unnoticed";
  } catch (const strata::Error& error) {
    EXPECT_EQ(error.code(), strata::StatusCode::internal);
    EXPECT_NE(std::string_view(error.what()).find("validation"), std::string_view::npos) << error.what();
  }
  EXPECT_NO_THROW(queue.finish()) << "reported once, then cleared";
}

}  // namespace
