// The latency and throughput planners against a brute-force optimiser: on small random cases
// (up to 12 units, 4 devices, random speeds, sizes, links, micro-batches and devices that run on
// the host's cores) their plans must be exactly as good as the best of all stage plans (every
// device holds at most one contiguous run of units, in any order, and at most one device of the
// host's cores is used), by a cost model written here from the documented formulas.
#include "planning_fixtures.hpp"

#include <strata/error.hpp>
#include <strata/planner.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>

namespace strata {
namespace {

using testing::MiB;

struct Case {
  ModelGraph graph;
  std::vector<DeviceInfo> devices;
  PlanOptions options;
  std::map<std::string, std::uint64_t> budget;  // by device name
};

// The documented cost model, independently.
struct Costs {
  std::vector<std::vector<double>> unit_seconds;  // [unit][device]
  std::vector<std::vector<double>> bandwidth;     // [from][to]
  std::vector<double> activation;                 // bytes per step
  double latency = 0;

  double transfer(std::size_t unit, std::size_t a, std::size_t b) const {
    return a == b ? 0.0 : latency + activation[unit] / bandwidth[a][b];
  }
};

Costs costs_of(const Case& c) {
  Costs costs;
  const auto batch = static_cast<double>(c.options.workload.batch_size);
  const auto context = static_cast<double>(c.options.workload.context_length);
  const std::size_t devices = c.devices.size();
  for (const Unit& unit : c.graph.units) {
    std::vector<double> row;
    for (const DeviceInfo& device : c.devices) {
      const double flops = (unit.flops_per_token + unit.flops_per_token_per_context * context) * batch;
      const double bytes = static_cast<double>(unit.weight_bytes_read_per_token) +
                           static_cast<double>(unit.kv_bytes_per_token) * context * batch;
      row.push_back(std::max(flops / device.peak_flops, bytes / device.memory_bandwidth));
    }
    costs.unit_seconds.push_back(row);
    costs.activation.push_back(static_cast<double>(unit.activation_bytes) * batch);
  }
  // A CPU's link to the host is a copy within host memory. Activations go through host memory:
  // read back from one device, written to the other.
  auto host_link = [&](std::size_t d) {
    return c.devices[d].kind == DeviceKind::cpu && c.devices[d].host_link_bandwidth == 0
               ? c.devices[d].memory_bandwidth
               : c.devices[d].host_link_bandwidth;
  };
  costs.bandwidth.assign(devices, std::vector<double>(devices, 0));
  for (std::size_t a = 0; a < devices; ++a)
    for (std::size_t b = 0; b < devices; ++b) costs.bandwidth[a][b] = 1.0 / (1.0 / host_link(a) + 1.0 / host_link(b));
  for (const Link& link : c.options.links) {
    std::size_t a = 0;
    std::size_t b = 0;
    for (std::size_t d = 0; d < devices; ++d) {
      if (c.devices[d].name == link.a) a = d;
      if (c.devices[d].name == link.b) b = d;
    }
    costs.bandwidth[a][b] = costs.bandwidth[b][a] = link.bandwidth;
  }
  costs.latency = c.options.link_latency;
  return costs;
}

struct Score {
  double latency = 0;
  double bottleneck = 0;  // the devices of the host's cores counted as one
  double cycle = 0;       // max(latency, micro-batches x bottleneck)
};

Score score(const Case& c, const Costs& costs, const std::vector<std::size_t>& assignment) {
  const std::size_t devices = c.devices.size();
  Score result;
  std::vector<double> busy(devices, 0);
  std::vector<std::vector<double>> link(devices, std::vector<double>(devices, 0));
  for (std::size_t u = 0; u < assignment.size(); ++u) {
    busy[assignment[u]] += costs.unit_seconds[u][assignment[u]];
    result.latency += costs.unit_seconds[u][assignment[u]];
    if (u + 1 < assignment.size()) {
      const double move = costs.transfer(u, assignment[u], assignment[u + 1]);
      result.latency += move;
      link[assignment[u]][assignment[u + 1]] += move;
    }
  }
  double host = 0;
  for (std::size_t a = 0; a < devices; ++a) {
    if (c.devices[a].shares_host_cores())
      host += busy[a];
    else
      result.bottleneck = std::max(result.bottleneck, busy[a]);
    for (std::size_t b = 0; b < devices; ++b) result.bottleneck = std::max(result.bottleneck, link[a][b]);
  }
  result.bottleneck = std::max(result.bottleneck, host);
  result.cycle = std::max(result.latency, static_cast<double>(c.options.workload.micro_batches) * result.bottleneck);
  return result;
}

// At most one device of the host's cores: they are views of the same cores.
bool one_host_device(const Case& c, const std::vector<std::size_t>& assignment) {
  std::vector<std::size_t> used;
  for (std::size_t d : assignment)
    if (c.devices[d].shares_host_cores() && std::find(used.begin(), used.end(), d) == used.end()) used.push_back(d);
  return used.size() <= 1;
}

bool fits(const Case& c, const std::vector<std::size_t>& assignment) {
  std::vector<std::string> targets;
  for (std::size_t d : assignment) targets.push_back(c.devices[d].name);
  const auto usage = testing::memory_by_target(c.graph, targets, c.options.workload, c.options.workspace_factor);
  for (const auto& [name, used] : usage)
    if (used.total() > c.budget.at(name)) return false;
  return true;
}

struct Best {
  double latency = std::numeric_limits<double>::infinity();
  double cycle = std::numeric_limits<double>::infinity();
  double latency_at_best_cycle = std::numeric_limits<double>::infinity();
  std::size_t plans = 0;
};

// The planners keep the model on one device when that device alone is predicted within this of
// the best plan over several (docs/planner-guide.md).
constexpr double split_margin = 0.05;

// Every stage plan: each way to cut the units into runs, each way to give the runs distinct
// devices; the best of them, or the best single device where it is within split_margin.
Best brute_force(const Case& c) {
  const Costs costs = costs_of(c);
  const std::size_t units = c.graph.units.size();
  const std::size_t devices = c.devices.size();
  std::vector<Score> feasible;
  std::vector<Score> single_device;  // the feasible plans of one run
  for (std::uint32_t cuts = 0; cuts < (1u << (units - 1)); ++cuts) {
    std::vector<std::size_t> starts{0};
    for (std::size_t gap = 0; gap + 1 < units; ++gap)
      if (cuts & (1u << gap)) starts.push_back(gap + 1);
    if (starts.size() > devices) continue;
    std::vector<std::size_t> order(devices);
    std::iota(order.begin(), order.end(), 0);
    // All injective maps from runs to devices: permutations, using the first starts.size().
    std::vector<std::vector<std::size_t>> seen;
    do {
      std::vector<std::size_t> chosen(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(starts.size()));
      if (std::find(seen.begin(), seen.end(), chosen) != seen.end()) continue;
      seen.push_back(chosen);
      std::vector<std::size_t> assignment(units);
      for (std::size_t s = 0; s < starts.size(); ++s) {
        const std::size_t end = s + 1 < starts.size() ? starts[s + 1] : units;
        for (std::size_t u = starts[s]; u < end; ++u) assignment[u] = chosen[s];
      }
      if (fits(c, assignment) && one_host_device(c, assignment)) {
        feasible.push_back(score(c, costs, assignment));
        if (starts.size() == 1) single_device.push_back(feasible.back());
      }
    } while (std::next_permutation(order.begin(), order.end()));
  }
  Best best;
  best.plans = feasible.size();
  for (const Score& s : feasible) {
    best.latency = std::min(best.latency, s.latency);
    best.cycle = std::min(best.cycle, s.cycle);
  }
  for (const Score& s : feasible)
    if (s.cycle <= best.cycle * (1 + 1e-9))
      best.latency_at_best_cycle = std::min(best.latency_at_best_cycle, s.latency);
  // The best single device, by the objective then by latency, replaces a split within the margin.
  double single_latency = std::numeric_limits<double>::infinity();
  double single_cycle = std::numeric_limits<double>::infinity();
  double single_latency_at_cycle = std::numeric_limits<double>::infinity();
  for (const Score& s : single_device) {
    single_latency = std::min(single_latency, s.latency);
    single_cycle = std::min(single_cycle, s.cycle);
  }
  for (const Score& s : single_device)
    if (s.cycle <= single_cycle * (1 + 1e-9)) single_latency_at_cycle = std::min(single_latency_at_cycle, s.latency);
  if (single_latency <= best.latency * (1 + split_margin)) best.latency = single_latency;
  if (single_cycle <= best.cycle * (1 + split_margin)) {
    best.cycle = single_cycle;
    best.latency_at_best_cycle = single_latency_at_cycle;
  }
  return best;
}

Case random_case(std::mt19937& random) {
  auto uniform = [&](double low, double high) { return std::uniform_real_distribution<double>(low, high)(random); };
  Case c;
  const int units = 1 + static_cast<int>(random() % 12);
  std::vector<testing::UnitSpec> specs;
  for (int u = 0; u < units; ++u)
    specs.push_back({(1 + random() % 32) * MiB, uniform(1e8, 1e11), (random() % 256) * MiB, (1 + random() % 64) * 4096,
                     (random() % 4) * 64});
  c.graph = testing::chain_graph(specs, false);
  if (units > 1 && random() % 4 == 0) {  // a tied last unit, sharing the first one's weight
    c.graph.units.back().tied_to = c.graph.units.front().name;
    c.graph.units.back().parameters.push_back(c.graph.units.front().parameters.front());
  }

  c.options.workload.batch_size = 1 + static_cast<std::int64_t>(random() % 4);
  const std::int64_t micro_batches[] = {1, 2, 3, 8, 1000};
  c.options.workload.micro_batches = micro_batches[random() % 5];
  c.options.workload.context_length = 1 + static_cast<std::int64_t>(random() % 512);
  c.options.workload.max_batch_tokens = 1 + static_cast<std::int64_t>(random() % 8);
  c.options.workspace_factor = static_cast<double>(random() % 3);

  const int devices = 1 + static_cast<int>(random() % 4);
  const bool with_cpu = random() % 2 == 0;
  const bool uniform_links = random() % 2 == 0;
  // What the model needs beyond its weights: KV caches, and a workspace on every device used.
  std::uint64_t total = 0;
  std::uint64_t workspace = 0;
  const auto tokens = static_cast<std::uint64_t>(
      std::min(c.options.workload.max_batch_tokens, c.options.workload.context_length) * c.options.workload.batch_size);
  for (const Unit& unit : c.graph.units) {
    total += unit.parameter_bytes() +
             unit.kv_bytes_per_token *
                 static_cast<std::uint64_t>(c.options.workload.context_length * c.options.workload.batch_size *
                                            c.options.workload.micro_batches);
    workspace = std::max(workspace, static_cast<std::uint64_t>(static_cast<double>(unit.activation_bytes * tokens) *
                                                               c.options.workspace_factor));
  }
  int gpus = 0;
  for (int d = 0; d < devices; ++d) {
    const bool is_cpu = with_cpu && d == devices - 1;
    DeviceInfo info = is_cpu ? testing::cpu(1ull << 40, uniform(1e10, 5e11), uniform(1e10, 1e11))
                             : testing::gpu("sim:" + std::to_string(d), 1ull << 40, uniform(1e12, 2e13),
                                            uniform(1e11, 2e12), uniform(4e9, 3e10));
    // Sometimes a device that runs on the host's cores (as PoCL or lavapipe do), besides the CPU.
    if (is_cpu || random() % 5 == 0) info.sharing = DeviceSharing::host_cores;
    // Tight enough that memory decides much of the plan, loose enough that most cases fit.
    const auto budget =
        static_cast<std::uint64_t>(uniform(0.6, 1.6) * 1.5 * static_cast<double>(total) / devices) + workspace;
    // Sometimes a twin of the previous GPU: the search groups interchangeable devices.
    if (!is_cpu && d > 0 && c.devices.back().kind != DeviceKind::cpu && random() % 3 == 0) {
      const std::string name = info.name;
      info = c.devices.back();
      info.name = name;
      c.options.max_memory[std::to_string(gpus)] = c.options.max_memory.at(std::to_string(gpus - 1));
    } else {
      c.options.max_memory[is_cpu ? std::string("cpu") : std::to_string(gpus)] = budget;
    }
    c.budget[info.name] = c.options.max_memory.at(is_cpu ? std::string("cpu") : std::to_string(gpus));
    if (!is_cpu) ++gpus;
    c.devices.push_back(info);
  }
  if (!uniform_links)
    for (std::size_t a = 0; a < c.devices.size(); ++a)
      for (std::size_t b = a + 1; b < c.devices.size(); ++b)
        if (random() % 2 == 0) c.options.links.push_back({c.devices[a].name, c.devices[b].name, uniform(1e9, 3e11)});
  c.options.link_latency = uniform(0, 1e-4);
  c.options.allow_disk = false;
  c.options.fill_offload_gaps = false;  // the raw answer of the search
  return c;
}

std::vector<std::size_t> indices(const Case& c, const PlanResult& result) {
  std::vector<std::size_t> assignment;
  for (const std::string& target : result.targets)
    for (std::size_t d = 0; d < c.devices.size(); ++d)
      if (c.devices[d].name == target) assignment.push_back(d);
  return assignment;
}

bool is_stage_plan(const std::vector<std::size_t>& assignment) {
  std::vector<std::size_t> seen;
  for (std::size_t u = 0; u < assignment.size(); ++u) {
    if (u > 0 && assignment[u] == assignment[u - 1]) continue;
    if (std::find(seen.begin(), seen.end(), assignment[u]) != seen.end()) return false;
    seen.push_back(assignment[u]);
  }
  return true;
}

void expect_near_relative(double actual, double expected, const char* what) {
  EXPECT_LE(std::abs(actual - expected), 1e-9 * std::max(1e-12, std::abs(expected)))
      << what << ": planner " << actual << ", best " << expected;
}

TEST(StagePlanners, LatencyAndThroughputAreExactAgainstBruteForce) {
  std::mt19937 random(2024);
  int compared = 0;
  int infeasible = 0;
  for (int trial = 0; trial < 400; ++trial) {
    const Case c = random_case(random);
    SCOPED_TRACE(::testing::Message() << "trial " << trial << ": " << c.graph.units.size() << " units, "
                                      << c.devices.size() << " devices");
    const Best best = brute_force(c);
    const Costs costs = costs_of(c);
    if (best.plans == 0) {
      // No stage plan fits: the planners may fall back to first-fit or report the shortfall.
      ++infeasible;
      continue;
    }
    ++compared;
    const PlanResult latency = plan(c.graph, c.devices, "latency", c.options);
    const auto fastest = indices(c, latency);
    EXPECT_TRUE(is_stage_plan(fastest));
    EXPECT_TRUE(fits(c, fastest));
    EXPECT_TRUE(one_host_device(c, fastest));
    const Score fastest_score = score(c, costs, fastest);
    expect_near_relative(fastest_score.latency, best.latency, "latency");
    expect_near_relative(latency.report.latency_ms * 1e-3, fastest_score.latency, "reported latency");

    const PlanResult throughput = plan(c.graph, c.devices, "throughput", c.options);
    const auto pipelined = indices(c, throughput);
    EXPECT_TRUE(is_stage_plan(pipelined));
    EXPECT_TRUE(fits(c, pipelined));
    EXPECT_TRUE(one_host_device(c, pipelined));
    const Score pipelined_score = score(c, costs, pipelined);
    expect_near_relative(pipelined_score.cycle, best.cycle, "cycle");
    expect_near_relative(pipelined_score.latency, best.latency_at_best_cycle, "latency at the best cycle");
    expect_near_relative(throughput.report.bottleneck_ms * 1e-3, pipelined_score.bottleneck, "reported bottleneck");
    const double sequences = static_cast<double>(c.options.workload.batch_size * c.options.workload.micro_batches);
    // On one device a session cannot pipeline: it decodes all b x m sequences in one step.
    const bool one_run =
        std::all_of(pipelined.begin(), pipelined.end(), [&](std::size_t d) { return d == pipelined.front(); });
    if (one_run && c.options.workload.micro_batches > 1) {
      Case together = c;
      together.options.workload.batch_size *= c.options.workload.micro_batches;
      const double step = score(together, costs_of(together), pipelined).latency;
      expect_near_relative(throughput.report.tokens_per_second, sequences / step, "reported tokens/s, one step");
    } else {
      expect_near_relative(throughput.report.tokens_per_second, sequences / pipelined_score.cycle, "reported tokens/s");
    }
    if (c.options.workload.micro_batches == 1) expect_near_relative(pipelined_score.latency, best.latency, "m = 1");
  }
  EXPECT_GT(compared, 2 * infeasible);  // most cases fit, so the comparisons above ran
}

TEST(StagePlanners, ManyDistinctDevicesStillGiveValidPlans) {
  // 14 distinct GPUs: too many orders to search, so the order given is kept.
  std::mt19937 random(5);
  std::vector<testing::UnitSpec> specs(300, testing::UnitSpec{64 * MiB, 1e10, 64 * MiB, 16384, 256});
  const ModelGraph graph = testing::chain_graph(specs);
  std::vector<DeviceInfo> devices;
  PlanOptions options;
  for (int d = 0; d < 14; ++d) {
    devices.push_back(testing::gpu("sim:" + std::to_string(d), 1ull << 40, 1e12 * (1 + d), 1e11 * (1 + d % 5)));
    options.max_memory[std::to_string(d)] = (1 + random() % 3) * 512 * MiB;
  }
  devices.push_back(testing::cpu(1ull << 40));
  options.max_memory["cpu"] = 64ull << 30;
  for (const char* strategy : {"latency", "throughput"}) {
    const PlanResult result = plan(graph, devices, strategy, options);
    EXPECT_EQ(testing::over_budget(result, graph), "") << strategy;
  }
}

TEST(StagePlanners, PreferFastDevicesAndFastLinks) {
  // Two GPUs hold half the model each; a third is as fast but behind a slow host link. The
  // latency plan uses the pair joined by a direct link.
  std::vector<testing::UnitSpec> specs(20, testing::UnitSpec{100 * MiB, 1e9, 100 * MiB, 64 * MiB, 0});
  const ModelGraph graph = testing::chain_graph(specs, false);
  std::vector<DeviceInfo> devices{testing::gpu("sim:0", 1ull << 40, 1e13, 1e12, 1e9),
                                  testing::gpu("sim:1", 1ull << 40, 1e13, 1e12, 1e9),
                                  testing::gpu("sim:2", 1ull << 40, 1e13, 1e12, 1e9)};
  PlanOptions options;
  options.max_memory = {{"0", 1100 * MiB}, {"1", 1100 * MiB}, {"2", 1100 * MiB}};
  options.links = {{"sim:0", "sim:2", 300e9}};
  options.allow_disk = false;
  options.workspace_factor = 0;
  const PlanResult result = plan(graph, devices, "latency", options);
  EXPECT_EQ(std::count(result.targets.begin(), result.targets.end(), "sim:1"), 0) << plan_to_json(result);
}

}  // namespace
}  // namespace strata
