#include "results.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <vector>

namespace strata_cts {

const char* to_string(Status status) {
  switch (status) {
    case Status::pass:
      return "pass";
    case Status::fail:
      return "FAIL";
    case Status::unsupported:
      return "unsupported";
    case Status::unclaimed:
      return "unclaimed";
    case Status::skipped:
      return "skipped";
  }
  return "?";
}

std::size_t DeviceReport::count(Status status) const {
  return static_cast<std::size_t>(
      std::count_if(results.begin(), results.end(), [&](const Result& r) { return r.status == status; }));
}

namespace {

// One row of the table: all cases of one op on one dtype.
struct Row {
  std::string op, dtype;
  std::size_t cases = 0, passed = 0, failed = 0, refused = 0, unclaimed = 0;
  std::size_t skipped = 0;  // cases of a newer ABI than the plugin's
  double worst_nmse = 0, worst_max_abs = 0;
};

std::string support_text(const Row& row) {
  // Skipped cases (of a newer ABI than the plugin's) say nothing about support.
  const std::size_t judged = row.cases - row.skipped;
  if (judged == 0) return "skipped";
  if (row.unclaimed == judged) return "no dtype";
  if (row.refused == 0 && row.unclaimed == 0) return "yes";
  if (row.refused + row.unclaimed == judged) return "no";
  return "partly";
}

std::string result_text(const Row& row) {
  if (row.failed > 0) return fmt::format("FAIL {}/{}", row.failed, row.passed + row.failed);
  if (row.passed > 0) return fmt::format("pass {}/{}", row.passed, row.passed);
  return "-";
}

}  // namespace

void print_report(const DeviceReport& report) {
  std::vector<Row> rows;
  for (const Result& r : report.results) {
    if (r.op.empty()) continue;
    auto it =
        std::find_if(rows.begin(), rows.end(), [&](const Row& row) { return row.op == r.op && row.dtype == r.dtype; });
    if (it == rows.end()) it = rows.insert(rows.end(), Row{r.op, r.dtype});
    ++it->cases;
    it->passed += r.status == Status::pass;
    it->failed += r.status == Status::fail;
    it->refused += r.status == Status::unsupported;
    it->unclaimed += r.status == Status::unclaimed;
    it->skipped += r.status == Status::skipped;
    it->worst_nmse = std::max(it->worst_nmse, r.nmse);
    it->worst_max_abs = std::max(it->worst_max_abs, r.max_abs);
  }
  fmt::print("\n{} ({}), compared with {}\n", report.info.name, report.info.description, report.reference);
  fmt::print("{:<12} {:<10} {:>9} {:>12} {:>11} {:>11}\n", "op", "dtype", "supported", "result", "worst NMSE",
             "worst |err|");
  for (const Row& row : rows) {
    const bool ran = row.passed + row.failed > 0;
    fmt::print("{:<12} {:<10} {:>9} {:>12} {:>11} {:>11}\n", row.op, row.dtype, support_text(row), result_text(row),
               ran ? fmt::format("{:.2e}", row.worst_nmse) : "-", ran ? fmt::format("{:.2e}", row.worst_max_abs) : "-");
  }
  const auto skipped_case = std::find_if(report.results.begin(), report.results.end(),
                                         [](const Result& r) { return !r.op.empty() && r.status == Status::skipped; });
  if (skipped_case != report.results.end())
    fmt::print("op cases skipped: {} ({})\n",
               std::count_if(report.results.begin(), report.results.end(),
                             [](const Result& r) { return !r.op.empty() && r.status == Status::skipped; }),
               skipped_case->message);
  fmt::print("\n{:<32} {}\n", "device check", "result");
  for (const Result& r : report.results) {
    if (!r.op.empty()) continue;
    fmt::print("{:<32} {}{}\n", r.name, to_string(r.status), r.message.empty() ? "" : "  (" + r.message + ")");
  }
  const std::size_t failed = report.count(Status::fail);
  fmt::print("\n{}: {} passed, {} failed, {} unsupported, {} on unclaimed dtypes, {} skipped: {}\n", report.info.name,
             report.count(Status::pass), failed, report.count(Status::unsupported), report.count(Status::unclaimed),
             report.count(Status::skipped), failed == 0 ? "PASS" : "FAIL");
  if (failed > 0) {
    fmt::print("failures:\n");
    for (const Result& r : report.results)
      if (r.status == Status::fail) fmt::print("  {}: {}\n", r.name, r.message);
  }
}

}  // namespace strata_cts
