#include "planning/planner_registry.hpp"

#include "plugin/host_table.hpp"

#include <strata/error.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cstddef>

namespace strata::detail {
namespace {

constexpr std::size_t api_size_1_0 = offsetof(strata_planner_api, plan) + sizeof(void*);

bool valid_name(std::string_view name) {
  return !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

std::string text_or_empty(const char* text) { return text ? text : ""; }

}  // namespace

PlannerRegistry& PlannerRegistry::instance() {
  static PlannerRegistry registry;
  return registry;
}

PlannerRegistry::PlannerRegistry() { register_builtin_planners(*this); }

PlannerInfo PlannerRegistry::add(strata_planner_entry_fn entry, std::shared_ptr<SharedLibrary> library,
                                 const std::filesystem::path& origin) {
  const std::string where = origin.empty() ? std::string("built-in planner") : origin.string();
  const strata_planner_api* api = nullptr;
  check(entry(&host_table(), STRATA_PLANNER_ABI_VERSION, &api), fmt::format("planner {}", where));
  if (!api) throw Error(StatusCode::internal, fmt::format("planner {}: the entry returned no table", where));
  if (STRATA_VERSION_MAJOR(api->abi_version) != STRATA_PLANNER_ABI_MAJOR)
    throw Error(StatusCode::incompatible_version,
                fmt::format("planner {}: built for planner ABI {}.{}, this SDK speaks {}.{}", where,
                            STRATA_VERSION_MAJOR(api->abi_version), STRATA_VERSION_MINOR(api->abi_version),
                            STRATA_PLANNER_ABI_MAJOR, STRATA_PLANNER_ABI_MINOR));
  if (api->struct_size < api_size_1_0 || api->plan == nullptr)
    throw Error(StatusCode::internal, fmt::format("planner {}: its table is malformed (size {}, plan entry {})", where,
                                                  api->struct_size, api->plan ? "set" : "missing"));
  const std::string name = text_or_empty(api->name);
  if (!valid_name(name) || name == "auto" || name == "map")
    throw Error(StatusCode::internal,
                fmt::format("planner {}: its name '{}' is not usable: lower case letters, digits and '_', and not "
                            "'auto' or 'map'",
                            where, name));

  RegisteredPlanner planner;
  planner.api = api;
  planner.library = std::move(library);
  planner.info.name = name;
  planner.info.description = text_or_empty(api->description);
  planner.info.version = text_or_empty(api->version);
  planner.info.builtin = planner.library == nullptr;
  planner.info.path = origin;
  // A 1.0 plugin's table ends before `flags`: it gets the 1.0 behaviour.
  if (api->struct_size >= offsetof(strata_planner_api, flags) + sizeof(api->flags)) planner.flags = api->flags;

  std::lock_guard lock(mutex_);
  for (const RegisteredPlanner& known : planners_)
    if (known.info.name == name)
      throw Error(StatusCode::invalid_argument,
                  fmt::format("planner {}: the name '{}' is taken by {}", where, name,
                              known.info.builtin ? std::string("a built-in planner") : known.info.path.string()));
  planners_.push_back(planner);
  return planner.info;
}

std::optional<RegisteredPlanner> PlannerRegistry::find(std::string_view name) const {
  std::lock_guard lock(mutex_);
  for (const RegisteredPlanner& planner : planners_)
    if (planner.info.name == name) return planner;
  return std::nullopt;
}

std::vector<PlannerInfo> PlannerRegistry::list() const {
  std::lock_guard lock(mutex_);
  std::vector<PlannerInfo> infos;
  for (const RegisteredPlanner& planner : planners_) infos.push_back(planner.info);
  return infos;
}

std::vector<std::uint32_t> run_planner(const RegisteredPlanner& planner, const strata_plan_request& request) {
  std::vector<std::uint32_t> assignment(request.unit_count, STRATA_PLAN_NONE);
  check(planner.api->plan(&request, assignment.data()), fmt::format("planner {}", planner.info.name));
  return assignment;
}

}  // namespace strata::detail

namespace strata {

std::vector<PlannerInfo> planners() { return detail::PlannerRegistry::instance().list(); }

PlannerInfo load_planner_plugin(const std::filesystem::path& path) {
  std::shared_ptr<detail::SharedLibrary> library = detail::SharedLibrary::open(path);
  auto* entry = reinterpret_cast<strata_planner_entry_fn>(library->symbol(STRATA_PLANNER_ENTRY_SYMBOL));
  if (!entry)
    throw Error(StatusCode::unavailable,
                fmt::format("planner {}: it does not export {}", path.string(), STRATA_PLANNER_ENTRY_SYMBOL));
  return detail::PlannerRegistry::instance().add(entry, std::move(library), path);
}

}  // namespace strata
