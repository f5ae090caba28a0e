// The planners the SDK knows: the built-in ones, registered at first use through the same entry
// function a plugin exports, and plugins loaded by path.
#pragma once

#include "plugin/shared_library.hpp"

#include <strata/planner.h>
#include <strata/planner.hpp>

#include <memory>
#include <mutex>
#include <optional>
#include <string_view>
#include <vector>

namespace strata::detail {

struct RegisteredPlanner {
  const strata_planner_api* api = nullptr;
  std::shared_ptr<SharedLibrary> library;  // null for built-in planners
  PlannerInfo info;
  strata_planner_flags flags = 0;  // planner ABI 1.1; 0 for a 1.0 plugin

  bool chooses_among_views() const { return (flags & STRATA_PLANNER_CHOOSES_AMONG_VIEWS) != 0; }
};

class PlannerRegistry {
 public:
  static PlannerRegistry& instance();

  // Calls `entry`, checks the table it returns and registers it. Throws Error naming `origin`.
  PlannerInfo add(strata_planner_entry_fn entry, std::shared_ptr<SharedLibrary> library,
                  const std::filesystem::path& origin);
  std::optional<RegisteredPlanner> find(std::string_view name) const;
  std::vector<PlannerInfo> list() const;

 private:
  PlannerRegistry();
  mutable std::mutex mutex_;
  std::vector<RegisteredPlanner> planners_;
};

// Registers the planners of planners/builtin (compiled into libstrata).
void register_builtin_planners(PlannerRegistry& registry);

// Runs a planner on `request`; throws the planner's status as Error("planner NAME: ...").
std::vector<std::uint32_t> run_planner(const RegisteredPlanner& planner, const strata_plan_request& request);

}  // namespace strata::detail
