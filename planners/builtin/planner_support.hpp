// What the built-in planners share: the entry and table boilerplate of planner.h, and the
// conversion of exceptions into statuses at the C boundary (a built-in planner is called
// through the same table a plugin's is).
#pragma once

#include "planning/plan_view.hpp"

#include <strata/planner.h>

#include <string>

namespace strata::builtin_planners {

using detail::Assignment;
using detail::PlanView;
using PlanFunction = Assignment (*)(const PlanView& view);

// Runs `plan` and copies its answer to `out` only on success; a thrown strata::Error becomes a
// status with its code and message, anything else INTERNAL.
strata_status* guarded_plan(PlanFunction plan, const strata_plan_request* request, std::uint32_t* out);

// The entry function's work: keeps the host table, refuses a host of another major version.
strata_status* negotiate(const strata_host_api* host, std::uint32_t host_version, const strata_planner_api* table,
                         const strata_planner_api** out_api);

// Logs through the host table the planners received (nothing before the first entry call).
void log_message(strata_log_level level, const std::string& message);

// The built-in planners' entry functions, in the order `strata plan --list` shows them.
strata_status* sequential_entry(const strata_host_api*, std::uint32_t, const strata_planner_api**);
strata_status* balanced_entry(const strata_host_api*, std::uint32_t, const strata_planner_api**);
strata_status* balanced_low_0_entry(const strata_host_api*, std::uint32_t, const strata_planner_api**);
strata_status* latency_entry(const strata_host_api*, std::uint32_t, const strata_planner_api**);
strata_status* throughput_entry(const strata_host_api*, std::uint32_t, const strata_planner_api**);

// Defines NAME_entry for a planner function, as a plugin would define strata_planner_entry.
#define STRATA_BUILTIN_PLANNER(entry_name, planner_name, description_text, function, flags)                       \
  namespace {                                                                                                     \
  strata_status* entry_name##_plan(const strata_plan_request* request, std::uint32_t* out) {                      \
    return ::strata::builtin_planners::guarded_plan(&function, request, out);                                     \
  }                                                                                                               \
  const strata_planner_api entry_name##_table{                                                                    \
      sizeof(strata_planner_api), STRATA_PLANNER_ABI_VERSION, planner_name, "builtin",                            \
      description_text,           &entry_name##_plan,         flags,        0};                                   \
  }                                                                                                               \
  strata_status* entry_name(const strata_host_api* host, std::uint32_t version, const strata_planner_api** out) { \
    return ::strata::builtin_planners::negotiate(host, version, &entry_name##_table, out);                        \
  }

}  // namespace strata::builtin_planners
