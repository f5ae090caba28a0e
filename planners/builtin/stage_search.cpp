#include "stage_search.hpp"

#include "first_fit.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <map>

namespace strata::builtin_planners {
namespace {

constexpr double infinity = std::numeric_limits<double>::infinity();

// Devices that are interchangeable for the search.
struct DeviceClasses {
  std::vector<std::vector<std::uint32_t>> members;
  std::vector<double> intra_bandwidth;  // between two members of a class (0 for one member)
};

bool interchangeable(const PlanView& view, const std::vector<std::uint64_t>& budgets, const std::vector<bool>& usable,
                     std::uint32_t d, const std::vector<std::uint32_t>& members, double& intra) {
  const std::uint32_t r = members.front();
  const strata_plan_device& a = view.device(d);
  const strata_plan_device& b = view.device(r);
  if (a.kind != b.kind || a.flags != b.flags || budgets[d] != budgets[r] || usable[d] != usable[r]) return false;
  for (std::uint32_t u = 0; u < view.unit_count(); ++u)
    if (view.seconds(u, d) != view.seconds(u, r)) return false;  // NaN: never interchangeable
  for (std::uint32_t x = 0; x < view.device_count(); ++x) {
    if (x == d || std::find(members.begin(), members.end(), x) != members.end()) continue;
    if (view.bandwidth(d, x) != view.bandwidth(r, x) || view.bandwidth(x, d) != view.bandwidth(x, r)) return false;
    if (view.latency(d, x) != view.latency(r, x) || view.latency(x, d) != view.latency(x, r)) return false;
  }
  intra = members.size() > 1 ? view.bandwidth(members[0], members[1]) : view.bandwidth(d, r);
  const double intra_latency = members.size() > 1 ? view.latency(members[0], members[1]) : view.latency(d, r);
  for (std::uint32_t m : members)
    if (view.bandwidth(d, m) != intra || view.bandwidth(m, d) != intra || view.latency(d, m) != intra_latency ||
        view.latency(m, d) != intra_latency)
      return false;
  return true;
}

DeviceClasses group_devices(const PlanView& view, const std::vector<std::uint64_t>& budgets,
                            const std::vector<bool>& usable, bool singletons) {
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
      if (alone[classes.members[c].front()] || !interchangeable(view, budgets, usable, d, classes.members[c], intra))
        continue;
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

// The search's fixed parts: classes, prefix sums of unit times, and the windows of run starts
// that fit memory.
struct Search {
  const PlanView& view;
  std::uint32_t units = 0;
  DeviceClasses classes;
  std::uint32_t class_count = 0;
  std::size_t combos = 1;
  bool ordered = false;
  std::vector<std::size_t> stride;
  std::vector<std::vector<double>> prefix;        // [class][u]: time of units [0, u)
  std::vector<std::vector<std::uint32_t>> first;  // [class][j]: the first start i whose run [i, j) fits

  explicit Search(const PlanView& v) : view(v) {}

  std::size_t used(std::size_t combo, std::uint32_t k) const {
    return ordered ? 0 : (combo / stride[k]) % (classes.members[k].size() + 1);
  }
  // Whether a state with `combo` may start a run on class `next` after class `from` (class_count:
  // nothing before).
  bool may_follow(std::size_t combo, std::uint32_t from, std::uint32_t next) const {
    if (ordered) return from == class_count || from < next;
    return used(combo, next) < classes.members[next].size();
  }
  std::size_t after(std::size_t combo, std::uint32_t next) const { return ordered ? 0 : combo + stride[next]; }
  std::size_t at(std::uint32_t j, std::size_t combo, std::uint32_t k) const {
    return (static_cast<std::size_t>(j) * combos + combo) * class_count + k;
  }
  std::vector<double> moves;  // [unit][from][to]: moving the unit's output between classes

  double transfer(std::uint32_t unit, std::uint32_t from, std::uint32_t to) const {
    return moves[(static_cast<std::size_t>(unit) * class_count + from) * class_count + to];
  }
  // The first start i whose run [i, j) on class k takes at most `limit`, for every j.
  std::vector<std::uint32_t> first_within(std::uint32_t k, double limit) const {
    std::vector<std::uint32_t> result(units + 1, 0);
    std::uint32_t i = 0;
    for (std::uint32_t j = 1; j <= units; ++j) {
      while (i < j && prefix[k][j] - prefix[k][i] > limit) ++i;
      result[j] = std::max(i, first[k][j]);
    }
    return result;
  }
};

Search prepare(const PlanView& view, const StageSearchOptions& options) {
  Search search(view);
  search.units = view.unit_count();
  std::vector<std::uint64_t> budgets = options.budgets;
  if (budgets.empty())
    for (std::uint32_t d = 0; d < view.device_count(); ++d) budgets.push_back(view.device(d).budget_bytes);
  std::vector<bool> usable = options.usable;
  usable.resize(view.device_count(), true);
  search.classes = group_devices(view, budgets, usable, false);
  for (const auto& members : search.classes.members) {
    search.combos *= members.size() + 1;
    if (search.combos > options.max_states) break;
  }
  if (search.combos > options.max_states || static_cast<double>(search.units + 1) * static_cast<double>(search.combos) *
                                                    static_cast<double>(search.classes.members.size()) >
                                                static_cast<double>(options.max_states)) {
    search.ordered = true;  // every device its own class, used in the request's order
    search.classes = group_devices(view, budgets, usable, true);
    search.combos = 1;
  }
  search.class_count = static_cast<std::uint32_t>(search.classes.members.size());
  search.stride.assign(search.class_count, 1);
  for (std::uint32_t k = 1; k < search.class_count && !search.ordered; ++k)
    search.stride[k] = search.stride[k - 1] * (search.classes.members[k - 1].size() + 1);
  const std::uint32_t K = search.class_count;
  search.moves.resize(static_cast<std::size_t>(search.units) * K * K);
  for (std::uint32_t u = 0; u < search.units; ++u)
    for (std::uint32_t a = 0; a < K; ++a)
      for (std::uint32_t b = 0; b < K; ++b) {
        const std::vector<std::uint32_t>& from = search.classes.members[a];
        const std::vector<std::uint32_t>& to = search.classes.members[b];
        // Within a class: between two of its members (a class of one never moves to itself).
        const std::uint32_t x = from.front();
        const std::uint32_t y = a != b ? to.front() : (from.size() > 1 ? from[1] : from.front());
        const double rate = a == b ? search.classes.intra_bandwidth[a] : view.bandwidth(x, y);
        search.moves[(static_cast<std::size_t>(u) * K + a) * K + b] =
            view.latency(x, y) + (rate > 0 ? static_cast<double>(view.unit(u).activation_bytes) / rate : 0);
      }
  search.prefix.assign(search.class_count, std::vector<double>(search.units + 1, 0.0));
  search.first.assign(search.class_count, std::vector<std::uint32_t>(search.units + 1, 0));
  for (std::uint32_t k = 0; k < search.class_count; ++k) {
    const std::uint32_t d = search.classes.members[k].front();
    // A unit the device does not run, or whose time there is unknown, ends every run before it.
    auto blocked = [&](std::uint32_t u) { return !usable[d] || !view.runs(u, d) || !view.timed(u, d); };
    for (std::uint32_t u = 0; u < search.units; ++u)
      search.prefix[k][u + 1] = search.prefix[k][u] + (blocked(u) ? 0.0 : view.seconds(u, d));
    // A run that fits keeps fitting when its first unit goes, so the first fitting start only
    // moves forward as the end does.
    std::vector<std::uint32_t> run_end(search.units);
    for (std::uint32_t u = 0; u < search.units; ++u) run_end[u] = longest_fitting_run(view, d, budgets[d], u);
    std::uint32_t i = 0;
    for (std::uint32_t j = 1; j <= search.units; ++j) {
      if (blocked(j - 1)) i = j;
      while (i < j && run_end[i] < j) ++i;
      search.first[k][j] = i;  // i == j: no run ending at j fits
    }
  }
  return search;
}

// The least-latency stage plan with every stage and transfer within `limit`.
std::optional<StageSearchResult> least_latency(const Search& s, double limit) {
  const std::uint32_t K = s.class_count;
  std::vector<double> value((s.units + 1) * s.combos * K, infinity);
  std::vector<std::uint32_t> parent_start(value.size(), 0);
  std::vector<std::uint32_t> parent_class(value.size(), K);
  std::vector<std::vector<std::uint32_t>> window_start(K);
  for (std::uint32_t k = 0; k < K; ++k) window_start[k] = s.first_within(k, limit);

  // One monotone queue per (combo before the run, class of the run): candidate starts i with
  // key = (best value arriving at i) - prefix(i), increasing.
  struct Entry {
    std::uint32_t start;
    std::uint32_t from;
    double key;
  };
  std::vector<std::vector<Entry>> queues(s.combos * K);
  std::vector<std::size_t> heads(queues.size(), 0);
  for (std::uint32_t j = 1; j <= s.units; ++j) {
    const std::uint32_t i = j - 1;
    for (std::size_t combo = 0; combo < s.combos; ++combo) {
      for (std::uint32_t next = 0; next < K; ++next) {
        double best = infinity;
        std::uint32_t from = K;
        if (i == 0) {
          if (combo == 0 && s.may_follow(combo, K, next)) best = 0;
        } else {
          for (std::uint32_t k = 0; k < K; ++k) {
            const double arrived = value[s.at(i, combo, k)];
            if (arrived == infinity || !s.may_follow(combo, k, next)) continue;
            const double move = s.transfer(i - 1, k, next);
            if (move <= limit && arrived + move < best) {
              best = arrived + move;
              from = k;
            }
          }
        }
        if (best == infinity) continue;
        std::vector<Entry>& queue = queues[combo * K + next];
        const double key = best - s.prefix[next][i];
        while (queue.size() > heads[combo * K + next] && queue.back().key >= key) queue.pop_back();
        queue.push_back({i, from, key});
      }
    }
    for (std::size_t combo = 0; combo < s.combos; ++combo) {
      for (std::uint32_t next = 0; next < K; ++next) {
        const std::size_t q = combo * K + next;
        std::vector<Entry>& queue = queues[q];
        while (heads[q] < queue.size() && queue[heads[q]].start < window_start[next][j]) ++heads[q];
        if (heads[q] >= queue.size()) continue;
        const Entry& entry = queue[heads[q]];
        const std::size_t target = s.at(j, s.after(combo, next), next);
        const double candidate = entry.key + s.prefix[next][j];
        if (candidate < value[target]) {
          value[target] = candidate;
          parent_start[target] = entry.start;
          parent_class[target] = entry.from;
        }
      }
    }
  }

  double best = infinity;
  std::size_t best_combo = 0;
  std::uint32_t best_class = 0;
  for (std::size_t combo = 0; combo < s.combos; ++combo)
    for (std::uint32_t k = 0; k < K; ++k)
      if (value[s.at(s.units, combo, k)] < best) {
        best = value[s.at(s.units, combo, k)];
        best_combo = combo;
        best_class = k;
      }
  if (best == infinity) return std::nullopt;

  // Walk back through the stages, then hand each class's devices out in order of use.
  std::vector<std::pair<std::uint32_t, std::uint32_t>> stages;  // (start, class), last stage first
  std::uint32_t end = s.units;
  std::size_t combo = best_combo;
  std::uint32_t k = best_class;
  while (k != K) {
    const std::size_t here = s.at(end, combo, k);
    stages.emplace_back(parent_start[here], k);
    if (!s.ordered) combo -= s.stride[k];
    end = parent_start[here];
    k = parent_class[here];
  }
  std::reverse(stages.begin(), stages.end());
  StageSearchResult result;
  result.assignment.assign(s.units, STRATA_PLAN_NONE);
  result.latency = best;
  result.any_order = !s.ordered;
  std::vector<std::size_t> handed(K, 0);
  for (std::size_t stage = 0; stage < stages.size(); ++stage) {
    const auto [start, cls] = stages[stage];
    const std::uint32_t stop = stage + 1 < stages.size() ? stages[stage + 1].first : s.units;
    const std::uint32_t device = s.classes.members[cls][handed[cls]++];
    for (std::uint32_t u = start; u < stop; ++u) result.assignment[u] = device;
  }
  return result;
}

}  // namespace

std::optional<StageSearchResult> least_latency_plan(const PlanView& view, const StageSearchOptions& options) {
  return least_latency(prepare(view, options), options.stage_limit);
}

std::optional<StageSearchResult> best_pipelined_plan(const PlanView& view, const StageSearchOptions& options,
                                                     std::int64_t micro_batches) {
  const Search search = prepare(view, options);
  std::optional<StageSearchResult> fastest = least_latency(search, infinity);
  if (!fastest || micro_batches <= 1) return fastest;
  const auto m = static_cast<double>(micro_batches);
  // L*(B) <= m B holds at B = the least latency (a plan's bottleneck is at most its latency); no
  // plan's bottleneck is below its slowest unit on the quickest class that runs it.
  double high = fastest->latency;
  double low = 0;
  for (std::uint32_t u = 0; u < search.units; ++u) {
    double quickest = infinity;
    for (std::uint32_t k = 0; k < search.class_count; ++k)
      if (search.first[k][u + 1] <= u) quickest = std::min(quickest, search.prefix[k][u + 1] - search.prefix[k][u]);
    if (quickest < infinity) low = std::max(low, quickest);
  }
  low = std::min(low * (1 - 1e-9), high);
  auto within = [&](double limit) {
    const std::optional<StageSearchResult> plan = least_latency(search, limit);
    return plan && plan->latency <= m * limit;
  };
  double bottleneck = high;
  if (within(low)) {
    bottleneck = low;
  } else {
    // Positive doubles order as their bit patterns: bisect the bits until the bracket is within
    // 1e-12 of its top.
    std::uint64_t low_bits = std::bit_cast<std::uint64_t>(low);
    std::uint64_t high_bits = std::bit_cast<std::uint64_t>(high);
    while (high_bits - low_bits > 1 && std::bit_cast<double>(high_bits) - std::bit_cast<double>(low_bits) >
                                           1e-12 * std::bit_cast<double>(high_bits)) {
      const std::uint64_t middle = low_bits + (high_bits - low_bits) / 2;
      if (within(std::bit_cast<double>(middle)))
        high_bits = middle;
      else
        low_bits = middle;
    }
    bottleneck = std::bit_cast<double>(high_bits);
  }
  // Among plans within the bottleneck (a hair of slack for sums taken in another order), the least
  // latency.
  std::optional<StageSearchResult> result = least_latency(search, bottleneck * (1 + 1e-12));
  return result ? result : fastest;
}

namespace {

// The views of one piece of hardware (the host's cores, one GPU through two APIs) are
// alternatives: each choice of one view per piece of hardware is searched, the other views
// unused. Past 64 choices, each piece of hardware gets its view that runs the units fastest.
std::vector<std::vector<bool>> view_choices(const PlanView& view) {
  std::map<std::uint32_t, std::vector<std::uint32_t>> groups;
  for (std::uint32_t d = 0; d < view.device_count(); ++d)
    if (view.hardware(d) != STRATA_PLAN_NONE) groups[view.hardware(d)].push_back(d);
  std::size_t count = 1;
  for (const auto& [hardware, views] : groups) count = std::min<std::size_t>(count * views.size(), 65);
  auto candidates = [&](const std::vector<std::uint32_t>& views) -> std::vector<std::uint32_t> {
    if (count <= 64) return views;
    auto total = [&](std::uint32_t d) {
      double seconds = 0;
      for (std::uint32_t u = 0; u < view.unit_count(); ++u)
        seconds += view.runs(u, d) && view.timed(u, d) ? view.seconds(u, d) : infinity;
      return seconds;
    };
    return {*std::min_element(views.begin(), views.end(),
                              [&](std::uint32_t a, std::uint32_t b) { return total(a) < total(b); })};
  };
  std::vector<std::vector<bool>> choices{std::vector<bool>(view.device_count(), true)};
  for (const auto& [hardware, views] : groups) {
    std::vector<std::vector<bool>> extended;
    for (const std::vector<bool>& choice : choices)
      for (std::uint32_t chosen : candidates(views)) {
        std::vector<bool> usable = choice;
        for (std::uint32_t other : views) usable[other] = other == chosen;
        extended.push_back(std::move(usable));
      }
    choices = std::move(extended);
  }
  return choices;
}

// The plan for one set of usable devices, with the host memory that disk units' KV cache and
// workspace take kept back from their memory device. The reserve a plan needs depends on the
// plan: it is raised until a plan's need is covered, then lowered to each valid plan's own need
// while that still gives a valid plan (room given back may let the host take a disk unit); the
// best valid plan is kept.
std::optional<StageSearchResult> search_with_disk_reserve(const PlanView& view, const std::vector<bool>& usable,
                                                          std::int64_t micro_batches) {
  std::uint32_t disk = STRATA_PLAN_NONE;
  for (std::uint32_t d = 0; d < view.device_count(); ++d)
    if (view.is_disk(d) && view.memory_device(d) != d) disk = d;
  auto search = [&](std::uint64_t reserve) {
    StageSearchOptions options;
    options.usable = usable;
    for (std::uint32_t d = 0; d < view.device_count(); ++d) options.budgets.push_back(view.device(d).budget_bytes);
    if (disk != STRATA_PLAN_NONE) {
      std::uint64_t& host = options.budgets[view.memory_device(disk)];
      host -= std::min(host, reserve);
    }
    return best_pipelined_plan(view, options, micro_batches);
  };
  // What the disk units add to their memory device: their KV cache, and a workspace larger than
  // the device's own units need.
  auto need_of = [&](const StageSearchResult& plan) -> std::uint64_t {
    if (disk == STRATA_PLAN_NONE) return 0;
    Assignment without = plan.assignment;
    for (std::uint32_t& device : without)
      if (device == disk) device = STRATA_PLAN_NONE;
    const std::uint32_t holder = view.memory_device(disk);
    return detail::MemoryLoads(view, plan.assignment).load(holder).used() -
           detail::MemoryLoads(view, without).load(holder).used();
  };
  const auto m = std::max<std::int64_t>(micro_batches, 1);
  std::optional<StageSearchResult> best;
  std::uint64_t reserve = 0;
  for (int round = 0; round < 64; ++round) {  // raise: bounded by the whole model's KV cache
    std::optional<StageSearchResult> found = search(reserve);
    if (!found) return std::nullopt;
    const std::uint64_t need = need_of(*found);
    if (need <= reserve) {
      best = std::move(found);
      break;
    }
    reserve = need;
  }
  for (int round = 0; best && round < 64; ++round) {  // lower: the need only falls
    const std::uint64_t need = need_of(*best);
    if (need >= reserve) break;
    reserve = need;
    std::optional<StageSearchResult> found = search(reserve);
    if (!found || need_of(*found) > reserve) break;
    if (detail::evaluate(view, found->assignment).cycle(m) <= detail::evaluate(view, best->assignment).cycle(m))
      best = std::move(found);
  }
  return best;
}

// How much faster a plan over several devices must be predicted than the best single device that
// holds the whole model: every move between devices is a queue round trip, the figure the model
// knows least well (on an H100 a split predicted 0.9 % faster than Vulkan alone ran 20 % slower).
constexpr double split_margin = 0.05;

// The best plan with every unit on one device (not disk) that holds and runs them all, by the
// objective then by latency; nullopt when no device does.
std::optional<Assignment> best_single_device(const PlanView& view, std::int64_t micro_batches, double& best_cycle) {
  std::optional<Assignment> best;
  double best_latency = infinity;
  for (std::uint32_t d = 0; d < view.device_count(); ++d) {
    if (view.is_disk(d)) continue;
    bool runs_all = longest_fitting_run(view, d, view.device(d).budget_bytes, 0) == view.unit_count();
    for (std::uint32_t u = 0; u < view.unit_count() && runs_all; ++u) runs_all = view.runs(u, d) && view.timed(u, d);
    if (!runs_all) continue;
    Assignment alone(view.unit_count(), d);
    const auto evaluation = detail::evaluate(view, alone);
    const double cycle = evaluation.cycle(micro_batches);
    if (cycle < best_cycle || (cycle == best_cycle && evaluation.latency < best_latency)) {
      best_cycle = cycle;
      best_latency = evaluation.latency;
      best = std::move(alone);
    }
  }
  return best;
}

bool uses_several_devices(const Assignment& assignment) {
  return std::any_of(assignment.begin(), assignment.end(), [&](std::uint32_t d) { return d != assignment.front(); });
}

}  // namespace

Assignment plan_stages(const PlanView& view, std::int64_t micro_batches) {
  const std::vector<std::vector<bool>> choices = view_choices(view);

  // The best by the objective, then (within the search's own slack) by latency.
  std::optional<StageSearchResult> best;
  double best_cycle = infinity;
  for (const std::vector<bool>& usable : choices) {
    std::optional<StageSearchResult> found = search_with_disk_reserve(view, usable, micro_batches);
    if (!found) continue;
    const double cycle = detail::evaluate(view, found->assignment).cycle(std::max<std::int64_t>(micro_batches, 1));
    const bool tied = best && std::abs(cycle - best_cycle) <= 1e-12 * best_cycle;
    if ((!tied && cycle < best_cycle) || (tied && found->latency < best->latency)) {
      best_cycle = std::min(cycle, best_cycle);
      best = std::move(found);
    }
  }
  if (best && uses_several_devices(best->assignment)) {
    double single_cycle = infinity;
    std::optional<Assignment> single = best_single_device(view, std::max<std::int64_t>(micro_batches, 1), single_cycle);
    if (single && single_cycle <= best_cycle * (1 + split_margin)) {
      log_message(STRATA_LOG_INFO, fmt::format("one device alone is predicted within {:.0f} % of the best split: "
                                               "kept on one device",
                                               100 * split_margin));
      return *single;
    }
  }
  if (best) {
    if (!best->any_order)
      log_message(STRATA_LOG_INFO, fmt::format("{} devices are too many to try every order of stages: searched the "
                                               "plans that keep the devices' order",
                                               view.device_count()));
    return best->assignment;
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
