#include "bench.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <fstream>
#include <stdexcept>

namespace bench {

void Report::add(Row row) {
  fmt::print("  {:<8} {:<52} {:>12.2f} {:<9}{}\n", row.section, row.label, row.value, row.unit,
             row.ratio >= 0 ? fmt::format(" {:6.1f}% of {}", row.ratio * 100, row.ratio_to) : "");
  std::fflush(stdout);
  rows_.push_back(std::move(row));
}

double Report::value_of(const std::string& section, const std::string& label) const {
  for (const Row& row : rows_)
    if (row.section == section && row.label.rfind(label, 0) == 0) return row.value;
  return 0;
}

void Report::print_table() const {
  fmt::print("\n{:<8} {:<52} {:>12} {:<9} {}\n", "section", "measurement", "value", "unit", "ratio");
  for (const Row& row : rows_)
    fmt::print("{:<8} {:<52} {:>12.2f} {:<9} {}\n", row.section, row.label, row.value, row.unit,
               row.ratio >= 0 ? fmt::format("{:.3f} of {}", row.ratio, row.ratio_to) : "");
}

void Report::write_json(const std::string& path, const strata::Device& device, const Options& options) const {
  nlohmann::json doc;
  doc["benchmark"] = "strata-bench-device";
  doc["device"] = {{"name", device.name()},
                   {"backend", device.info().backend},
                   {"description", device.info().description},
                   {"stable_id", device.info().stable_id}};
  doc["quick"] = options.quick;
  nlohmann::json tuning = nlohmann::json::object();
  for (const char* name : {"STRATA_OPENCL_GEMV_WG", "STRATA_OPENCL_GEMV_ROWS", "STRATA_OPENCL_GEMM_WPT"})
    if (const char* value = std::getenv(name)) tuning[name] = value;
  doc["environment"] = tuning;
  nlohmann::json rows = nlohmann::json::array();
  for (const Row& row : rows_) {
    nlohmann::json r = {{"section", row.section}, {"label", row.label}, {"value", row.value}, {"unit", row.unit}};
    if (row.ratio >= 0) {
      r["ratio"] = row.ratio;
      r["ratio_to"] = row.ratio_to;
    }
    rows.push_back(r);
  }
  doc["results"] = rows;
  std::ofstream out(path);
  out << doc.dump(2) << "\n";
  if (!out) throw std::runtime_error("cannot write " + path);
}

}  // namespace bench
