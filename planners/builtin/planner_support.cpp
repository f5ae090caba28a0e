#include "planner_support.hpp"

#include <strata/error.hpp>

#include <algorithm>
#include <atomic>
#include <new>
#include <string>

namespace strata::builtin_planners {
namespace {

std::atomic<const strata_host_api*> host_api{nullptr};

strata_status* make_status(strata_status_code code, const std::string& message) {
  const strata_host_api* host = host_api.load();
  return host ? host->status_create(code, message.c_str()) : nullptr;
}

}  // namespace

void log_message(strata_log_level level, const std::string& message) {
  if (const strata_host_api* host = host_api.load()) host->log(level, message.c_str());
}

strata_status* guarded_plan(PlanFunction plan, const strata_plan_request* request, std::uint32_t* out) {
  if (!request || !out || request->unit_count == 0 || request->device_count == 0)
    return make_status(STRATA_STATUS_INVALID_ARGUMENT, "empty planning request");
  try {
    const PlanView view(*request);
    const Assignment assignment = plan(view);
    std::copy(assignment.begin(), assignment.end(), out);
    return nullptr;
  } catch (const Error& error) {
    return make_status(static_cast<strata_status_code>(error.code()), error.what());
  } catch (const std::bad_alloc&) {
    return make_status(STRATA_STATUS_OUT_OF_MEMORY, "out of host memory while planning");
  } catch (const std::exception& error) {
    return make_status(STRATA_STATUS_INTERNAL, error.what());
  } catch (...) {
    return make_status(STRATA_STATUS_INTERNAL, "unknown error while planning");
  }
}

strata_status* negotiate(const strata_host_api* host, std::uint32_t host_version, const strata_planner_api* table,
                         const strata_planner_api** out_api) {
  if (!host || !out_api) return nullptr;
  host_api.store(host);
  if (STRATA_VERSION_MAJOR(host_version) != STRATA_PLANNER_ABI_MAJOR)
    return host->status_create(STRATA_STATUS_INCOMPATIBLE_VERSION, "the host speaks another planner ABI major version");
  *out_api = table;
  return nullptr;
}

}  // namespace strata::builtin_planners
