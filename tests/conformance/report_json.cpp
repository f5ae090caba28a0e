#include "results.hpp"

#include <strata/error.hpp>

#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>

namespace strata_cts {
namespace {

nlohmann::json device_json(const strata::DeviceInfo& info) {
  nlohmann::json dtypes = nlohmann::json::array();
  for (const strata::DType d : info.dtypes) dtypes.push_back(std::string(strata::to_string(d)));
  return {{"name", info.name},
          {"backend", info.backend},
          {"description", info.description},
          {"stable_id", info.stable_id},
          {"kind", std::string(strata::to_string(info.kind))},
          {"dtypes", dtypes},
          {"driver", info.driver},
          {"sharing", std::string(strata::to_string(info.sharing))},
          {"sharing_inferred", info.sharing_inferred},
          {"memory_total", info.memory_total ? nlohmann::json(*info.memory_total) : nlohmann::json(nullptr)}};
}

nlohmann::json number(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }

}  // namespace

void write_json(const std::filesystem::path& path, const RunInfo& run, const std::vector<DeviceReport>& reports) {
  nlohmann::json devices = nlohmann::json::array();
  bool all_passed = true;
  for (const DeviceReport& report : reports) {
    nlohmann::json results = nlohmann::json::array();
    for (const Result& r : report.results) {
      nlohmann::json entry = {{"name", r.name}, {"status", to_string(r.status)}, {"seconds", number(r.seconds)}};
      if (!r.op.empty()) {
        entry["op"] = r.op;
        entry["dtype"] = r.dtype;
        entry["reference"] = r.reference;
        entry["nmse"] = number(r.nmse);
        entry["max_abs_error"] = number(r.max_abs);
        entry["nmse_limit"] = number(r.nmse_limit);
        entry["max_rel_error_limit"] = number(r.max_rel_limit);
      }
      if (!r.message.empty()) entry["message"] = r.message;
      results.push_back(std::move(entry));
    }
    all_passed = all_passed && report.passed();
    devices.push_back({{"device", device_json(report.info)},
                       {"reference", report.reference},
                       {"passed", report.passed()},
                       {"summary",
                        {{"pass", report.count(Status::pass)},
                         {"fail", report.count(Status::fail)},
                         {"unsupported", report.count(Status::unsupported)},
                         {"unclaimed", report.count(Status::unclaimed)},
                         {"skipped", report.count(Status::skipped)}}},
                       {"results", results}});
  }
  const nlohmann::json document = {{"tool", "strata-cts"},   {"set", run.set},       {"seed", run.seed},
                                   {"filters", run.filters}, {"passed", all_passed}, {"devices", devices}};
  std::ofstream out(path);
  out << document.dump(2) << '\n';
  if (!out) throw strata::Error(strata::StatusCode::invalid_argument, "cannot write " + path.string());
}

}  // namespace strata_cts
