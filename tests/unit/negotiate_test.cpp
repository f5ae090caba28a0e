// Version negotiation rules, including hosts newer than this one: a plugin built for an older
// minor version must keep working when the host has moved on.
#include "plugin/negotiate.hpp"

#include <strata/error.hpp>

#include <gtest/gtest.h>

namespace {

void noop() {}

// A complete 1.0 table whose entries are never called here.
strata_backend_api complete_table() {
  strata_backend_api api{};
  api.struct_size = sizeof(strata_backend_api);
  api.abi_version = STRATA_MAKE_VERSION(1, 0);
  api.name = "fake";
  void** entries = reinterpret_cast<void**>(&api.probe);
  const std::size_t count = (sizeof(strata_backend_api) - offsetof(strata_backend_api, probe)) / sizeof(void*);
  for (std::size_t i = 0; i < count; ++i) entries[i] = reinterpret_cast<void*>(&noop);
  return api;
}

strata::StatusCode code_of(const strata_backend_api& api, std::uint32_t host) {
  try {
    strata::detail::check_backend_api(&api, host);
    return strata::StatusCode::ok;
  } catch (const strata::Error& error) {
    return error.code();
  }
}

TEST(Negotiate, SameVersionIsAccepted) {
  strata_backend_api api = complete_table();
  api.abi_version = STRATA_BACKEND_ABI_VERSION;
  EXPECT_EQ(code_of(api, STRATA_BACKEND_ABI_VERSION), strata::StatusCode::ok);
}

TEST(Negotiate, OlderMinorPluginWorksWithANewerHost) {
  // This host and a later one (1.4) meet a plugin built for 1.0, with the table 1.0 defined:
  // accepted, and the entries 1.0 lacks read as absent. (tests/plugins builds a real 1.0 plugin
  // against the frozen 1.0 header and runs it: abi_1_0_plugin_test, cts.abi_1_0_plugin.)
  static_assert(STRATA_BACKEND_ABI_MINOR >= 1, "this host must be newer than the plugin");
  strata_backend_api api = complete_table();
  api.struct_size = 208;  // sizeof(strata_backend_api) in ABI 1.0, frozen by backend.h
  EXPECT_EQ(code_of(api, STRATA_BACKEND_ABI_VERSION), strata::StatusCode::ok);
  EXPECT_EQ(code_of(api, STRATA_MAKE_VERSION(1, 4)), strata::StatusCode::ok);
  EXPECT_TRUE(STRATA_HAS_ENTRY(api, event_release));
  EXPECT_FALSE(strata::detail::has_entry(api, 208));
}

TEST(Negotiate, OtherMajorIsIncompatible) {
  strata_backend_api api = complete_table();
  api.abi_version = STRATA_MAKE_VERSION(2, 0);
  EXPECT_EQ(code_of(api, STRATA_BACKEND_ABI_VERSION), strata::StatusCode::incompatible_version);
  api.abi_version = STRATA_MAKE_VERSION(0, 9);
  EXPECT_EQ(code_of(api, STRATA_BACKEND_ABI_VERSION), strata::StatusCode::incompatible_version);
}

TEST(Negotiate, TableSmallerThanItsVersionIsMalformed) {
  strata_backend_api api = complete_table();
  api.struct_size = offsetof(strata_backend_api, queue_create);
  EXPECT_EQ(code_of(api, STRATA_BACKEND_ABI_VERSION), strata::StatusCode::internal);
}

TEST(Negotiate, MissingNameOrEntryIsMalformed) {
  strata_backend_api api = complete_table();
  api.name = "Bad Name";
  EXPECT_EQ(code_of(api, STRATA_BACKEND_ABI_VERSION), strata::StatusCode::internal);
  api = complete_table();
  api.buffer_free = nullptr;
  EXPECT_EQ(code_of(api, STRATA_BACKEND_ABI_VERSION), strata::StatusCode::internal);
}

TEST(Negotiate, NullTableIsMalformed) {
  EXPECT_THROW(strata::detail::check_backend_api(nullptr, STRATA_BACKEND_ABI_VERSION), strata::Error);
}

}  // namespace
