// The host side of the status rules: the table the SDK hands to every plugin, and the
// conversion of returned statuses into strata::Error.
#pragma once

#include <strata/backend.h>

#include <string>
#include <string_view>

struct strata_status {
  strata_status_code code;
  std::string message;
};

namespace strata::detail {

const strata_host_api& host_table();

// Frees `status`; throws Error(code, "<context>: <message>") when it is an error.
void check(strata_status* status, std::string_view context);

// Frees `status` and returns its message ("" for success).
std::string take_message(strata_status* status);

}  // namespace strata::detail
