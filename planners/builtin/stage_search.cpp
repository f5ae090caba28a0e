#include "stage_search.hpp"

#include "first_fit.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace strata::builtin_planners {
namespace {

constexpr double infinity = std::numeric_limits<double>::infinity();

// Devices that are interchangeable for the search.
struct DeviceClasses {
  std::vector<std::vector<std::uint32_t>> members;
  std::vector<double> intra_bandwidth;  // between two members of a class (0 for one member)
};

bool interchangeable(const PlanView& view, const std::vector<std::uint64_t>& budgets, std::uint32_t d,
                     const std::vector<std::uint32_t>& members, double& intra) {
  const std::uint32_t r = members.front();
  const strata_plan_device& a = view.device(d);
  const strata_plan_device& b = view.device(r);
  if (a.kind != b.kind || a.flags != b.flags || budgets[d] != budgets[r]) return false;
  for (std::uint32_t u = 0; u < view.unit_count(); ++u)
    if (view.seconds(u, d) != view.seconds(u, r)) return false;
  for (std::uint32_t x = 0; x < view.device_count(); ++x) {
    if (x == d || std::find(members.begin(), members.end(), x) != members.end()) continue;
    if (view.bandwidth(d, x) != view.bandwidth(r, x) || view.bandwidth(x, d) != view.bandwidth(x, r)) return false;
  }
  intra = members.size() > 1 ? view.bandwidth(members[0], members[1]) : view.bandwidth(d, r);
  for (std::uint32_t m : members)
    if (view.bandwidth(d, m) != intra || view.bandwidth(m, d) != intra) return false;
  return true;
}

DeviceClasses group_devices(const PlanView& view, const std::vector<std::uint64_t>& budgets, bool singletons) {
  DeviceClasses classes;
  std::vector<bool> alone(view.device_count(), singletons);
  for (std::uint32_t d = 0; d < view.device_count(); ++d) {
    // Disk and the device that holds disk's KV cache are coupled through one budget.
    if (view.is_disk(d)) {
      alone[d] = true;
      alone[view.memory_device(d)] = true;
    }
  }
  for (std::uint32_t d = 0; d < view.device_count(); ++d) {
    bool joined = false;
    for (std::size_t c = 0; c < classes.members.size() && !alone[d]; ++c) {
      double intra = 0;
      if (alone[classes.members[c].front()] || !interchangeable(view, budgets, d, classes.members[c], intra)) continue;
      classes.members[c].push_back(d);
      classes.intra_bandwidth[c] = intra;
      joined = true;
      break;
    }
    if (!joined) {
      classes.members.push_back({d});
      classes.intra_bandwidth.push_back(0);
    }
  }
  return classes;
}

// The longest run [start, end) that fits on device d, as end; start when not even one unit fits.
std::uint32_t longest_fitting_run(const PlanView& view, std::uint32_t d, std::uint64_t budget, std::uint32_t start) {
  const bool weights_only = view.is_disk(d);
  std::uint64_t weights = 0;
  std::uint64_t kv = 0;
  std::uint64_t workspace = 0;
  auto add = [](std::uint64_t a, std::uint64_t b) { return a > UINT64_MAX - b ? UINT64_MAX : a + b; };
  std::uint32_t end = start;
  for (std::uint32_t u = start; u < view.unit_count(); ++u) {
    const strata_plan_unit& unit = view.unit(u);
    std::uint64_t bytes = unit.weight_bytes;
    if (unit.tied_to != STRATA_PLAN_NONE && unit.tied_to >= start && unit.tied_to < u)
      bytes -= std::min(bytes, unit.shared_weight_bytes);
    for (std::uint32_t partner : view.tied_from(u))
      if (partner >= start && partner < u)
        bytes -= std::min(bytes, std::min(view.unit(partner).weight_bytes, view.unit(partner).shared_weight_bytes));
    weights = add(weights, bytes);
    kv = add(kv, unit.kv_bytes);
    workspace = std::max(workspace, unit.workspace_bytes);
    const std::uint64_t need = weights_only ? weights : add(add(weights, kv), workspace);
    if (need > budget) break;
    end = u + 1;
  }
  return end;
}

}  // namespace

std::optional<StageSearchResult> search_stages(const PlanView& view, const StageSearchOptions& options) {
  const std::uint32_t units = view.unit_count();
  std::vector<std::uint64_t> budgets = options.budgets;
  if (budgets.empty())
    for (std::uint32_t d = 0; d < view.device_count(); ++d) budgets.push_back(view.device(d).budget_bytes);

  DeviceClasses classes = group_devices(view, budgets, false);
  std::size_t combos = 1;
  for (const auto& members : classes.members) {
    combos *= members.size() + 1;
    if (combos > options.max_states) break;
  }
  bool ordered = false;
  if (combos > options.max_states ||
      static_cast<double>(units + 1) * static_cast<double>(combos) * static_cast<double>(classes.members.size()) >
          static_cast<double>(options.max_states)) {
    ordered = true;  // every device its own class, used in the request's order
    classes = group_devices(view, budgets, true);
    combos = 1;
  }
  const auto class_count = static_cast<std::uint32_t>(classes.members.size());
  std::vector<std::size_t> stride(class_count, 1);
  for (std::uint32_t k = 1; k < class_count && !ordered; ++k)
    stride[k] = stride[k - 1] * (classes.members[k - 1].size() + 1);
  auto used = [&](std::size_t combo, std::uint32_t k) { return (combo / stride[k]) % (classes.members[k].size() + 1); };

  // Per class: prefix sums of unit times, and the longest run that fits from each start.
  std::vector<std::vector<double>> prefix(class_count, std::vector<double>(units + 1, 0.0));
  std::vector<std::vector<std::uint32_t>> run_end(class_count, std::vector<std::uint32_t>(units));
  for (std::uint32_t k = 0; k < class_count; ++k) {
    const std::uint32_t d = classes.members[k].front();
    for (std::uint32_t u = 0; u < units; ++u) prefix[k][u + 1] = prefix[k][u] + view.seconds(u, d);
    for (std::uint32_t u = 0; u < units; ++u) run_end[k][u] = longest_fitting_run(view, d, budgets[d], u);
  }
  auto transfer = [&](std::uint32_t unit, std::uint32_t from, std::uint32_t to) {
    const double rate = from == to ? classes.intra_bandwidth[from]
                                   : view.bandwidth(classes.members[from].front(), classes.members[to].front());
    return view.request().link_latency + (rate > 0 ? static_cast<double>(view.unit(unit).activation_bytes) / rate : 0);
  };

  struct Parent {
    std::uint32_t start = 0;           // where the last stage begins
    std::uint32_t previous_class = 0;  // class_count: the first stage
  };
  const std::size_t per_unit = combos * class_count;
  std::vector<double> value((units + 1) * per_unit, infinity);
  std::vector<Parent> parent(value.size());
  auto index = [&](std::uint32_t i, std::size_t combo, std::uint32_t k) {
    return i * per_unit + combo * class_count + k;
  };

  auto relax_from = [&](std::uint32_t i, std::size_t combo, std::uint32_t k, double base) {
    for (std::uint32_t next = 0; next < class_count; ++next) {
      if (ordered ? (k != class_count && next <= k) : used(combo, next) >= classes.members[next].size()) continue;
      const double move = k == class_count ? 0.0 : transfer(i - 1, k, next);
      if (move > options.stage_limit) continue;
      const std::size_t next_combo = ordered ? 0 : combo + stride[next];
      for (std::uint32_t j = i + 1; j <= run_end[next][i]; ++j) {
        const double stage = prefix[next][j] - prefix[next][i];
        if (stage > options.stage_limit) break;
        const double candidate =
            options.objective == StageObjective::latency ? base + move + stage : std::max({base, move, stage});
        const std::size_t at = index(j, next_combo, next);
        if (candidate < value[at]) {
          value[at] = candidate;
          parent[at] = {i, k};
        }
      }
    }
  };
  relax_from(0, 0, class_count, 0.0);
  for (std::uint32_t i = 1; i < units; ++i)
    for (std::size_t combo = 0; combo < combos; ++combo)
      for (std::uint32_t k = 0; k < class_count; ++k)
        if (const double base = value[index(i, combo, k)]; base < infinity) relax_from(i, combo, k, base);

  double best = infinity;
  std::size_t best_combo = 0;
  std::uint32_t best_class = 0;
  for (std::size_t combo = 0; combo < combos; ++combo)
    for (std::uint32_t k = 0; k < class_count; ++k)
      if (value[index(units, combo, k)] < best) {
        best = value[index(units, combo, k)];
        best_combo = combo;
        best_class = k;
      }
  if (best == infinity) return std::nullopt;

  // Walk back through the stages, then hand each class's devices out in order of use.
  std::vector<std::pair<std::uint32_t, std::uint32_t>> stages;  // (start, class), last stage first
  std::uint32_t end = units;
  std::size_t combo = best_combo;
  std::uint32_t k = best_class;
  while (k != class_count) {
    const Parent& from = parent[index(end, combo, k)];
    stages.emplace_back(from.start, k);
    if (!ordered) combo -= stride[k];
    end = from.start;
    k = from.previous_class;
  }
  std::reverse(stages.begin(), stages.end());
  StageSearchResult result;
  result.assignment.assign(units, STRATA_PLAN_NONE);
  result.value = best;
  result.any_order = !ordered;
  std::vector<std::size_t> handed(class_count, 0);
  for (std::size_t s = 0; s < stages.size(); ++s) {
    const auto [start, cls] = stages[s];
    const std::uint32_t stop = s + 1 < stages.size() ? stages[s + 1].first : units;
    const std::uint32_t device = classes.members[cls][handed[cls]++];
    for (std::uint32_t u = start; u < stop; ++u) result.assignment[u] = device;
  }
  return result;
}

Assignment plan_stages(const PlanView& view, StageObjective objective) {
  std::uint32_t disk = STRATA_PLAN_NONE;
  for (std::uint32_t d = 0; d < view.device_count(); ++d)
    if (view.is_disk(d) && view.memory_device(d) != d) disk = d;
  std::vector<std::uint64_t> budgets;
  for (std::uint32_t d = 0; d < view.device_count(); ++d) budgets.push_back(view.device(d).budget_bytes);

  // Disk units keep their KV cache in host memory: plan with that much kept back from it,
  // raising the reserve until the plan's own need is covered (each round the reserve grows, and
  // it is bounded by the whole model's KV cache).
  std::uint64_t reserve = 0;
  for (int round = 0; round < 64; ++round) {
    StageSearchOptions options;
    options.objective = objective;
    options.budgets = budgets;
    if (disk != STRATA_PLAN_NONE) {
      std::uint64_t& host = options.budgets[view.memory_device(disk)];
      host -= std::min(host, reserve);
    }
    std::optional<StageSearchResult> found = search_stages(view, options);
    if (!found) break;
    if (objective == StageObjective::bottleneck) {
      StageSearchOptions second = options;
      second.objective = StageObjective::latency;
      second.stage_limit = found->value * (1 + 1e-9) + 1e-15;
      if (std::optional<StageSearchResult> faster = search_stages(view, second)) found = std::move(faster);
    }
    std::uint64_t need = 0;
    std::uint64_t workspace = 0;
    for (std::uint32_t u = 0; u < view.unit_count(); ++u) {
      if (found->assignment[u] != disk) continue;
      need += view.unit(u).kv_bytes;
      workspace = std::max(workspace, view.unit(u).workspace_bytes);
    }
    need += workspace;
    if (need <= reserve) {
      if (!found->any_order)
        log_message(STRATA_LOG_INFO, fmt::format("{} devices are too many to try every order of stages: searched the "
                                                 "plans that keep the devices' order",
                                                 view.device_count()));
      return found->assignment;
    }
    reserve = need;
  }

  // No stage plan fits (units too uneven for one run per device): place first-fit instead.
  Assignment assignment(view.unit_count(), STRATA_PLAN_NONE);
  detail::MemoryLoads loads(view);
  std::vector<std::uint32_t> all(view.unit_count());
  for (std::uint32_t u = 0; u < view.unit_count(); ++u) all[u] = u;
  const std::vector<std::uint32_t> unplaced = first_fit(view, loads, assignment, all, preference_order(view));
  if (!unplaced.empty()) fail_unplaced(view, loads, unplaced);
  log_message(STRATA_LOG_WARNING,
              "no plan with one run of units per device fits the budgets; placed the units first-fit instead");
  return assignment;
}

}  // namespace strata::builtin_planners
