// The report as a table for people and as JSON for programs.
#include "planning/name_lists.hpp"
#include "planning/plan_view.hpp"

#include <strata/planner.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace strata {
namespace {

std::string budget_text(std::uint64_t bytes) { return detail::size_text(bytes); }

using detail::figure;

std::string workload_text(const Workload& workload) {
  std::string text = fmt::format("batch {}", workload.batch_size);
  if (workload.micro_batches > 1) text += fmt::format(" x {} micro-batches", workload.micro_batches);
  text += fmt::format(", context {} tokens", workload.context_length);
  if (workload.kv_dtype) text += fmt::format(", {} KV cache", to_string(*workload.kv_dtype));
  return text;
}

}  // namespace

std::string format_plan_table(const PlanReport& report) {
  std::string text = fmt::format("strategy {}: {}\n", report.strategy, workload_text(report.workload));
  text += fmt::format("{:<12} {:<34} {:>11} {:>11} {:>11} {:>11} {:>10} {:>8}\n", "device", "units", "weights",
                      "kv cache", "workspace", "budget", "ms/token", "bound");
  for (const DevicePlan& device : report.devices) {
    std::string units = device.units.empty() ? "-" : detail::summarize_names(device.units);
    if (units.size() > 34) units = units.substr(0, 31) + "...";
    text += fmt::format("{:<12} {:<34} {:>11} {:>11} {:>11} {:>11} {:>10} {:>8}\n", device.name, units,
                        format_size(device.weight_bytes), format_size(device.kv_bytes),
                        format_size(device.workspace_bytes), budget_text(device.budget_bytes),
                        figure(device.ms_per_token, "{:.3f}"), device.bound.empty() ? "-" : device.bound);
  }
  text += fmt::format(
      "predicted decode: {} ms per token ({} ms in transfers), {} tokens/s for the workload; prefill of {} tokens: {} "
      "tokens/s\n",
      figure(report.latency_ms, "{:.3f}"), figure(report.transfer_ms, "{:.3f}"),
      figure(report.tokens_per_second, "{:.4g}"), report.workload.prompt_tokens,
      figure(report.prefill_tokens_per_second, "{:.4g}"));
  text += fmt::format("pipeline: bottleneck {} at {} ms; {} tokens/s with enough micro-batches in flight\n",
                      report.bottleneck, figure(report.bottleneck_ms, "{:.3f}"),
                      figure(report.pipelined_tokens_per_second, "{:.4g}"));
  for (const std::string& note : report.notes) text += fmt::format("note: {}\n", note);
  return text;
}

std::string plan_to_json(const PlanResult& result) {
  const PlanReport& report = result.report;
  nlohmann::ordered_json devices = nlohmann::ordered_json::array();
  for (const DevicePlan& device : report.devices) {
    nlohmann::ordered_json entry;
    entry["name"] = device.name;
    entry["kind"] = std::string(to_string(device.kind));
    entry["offload_tier"] = device.offload_tier;
    entry["units"] = device.units;
    entry["weight_bytes"] = device.weight_bytes;
    entry["kv_bytes"] = device.kv_bytes;
    entry["workspace_bytes"] = device.workspace_bytes;
    if (device.budget_bytes == UINT64_MAX)
      entry["budget_bytes"] = nullptr;
    else
      entry["budget_bytes"] = device.budget_bytes;
    entry["ms_per_token"] = device.ms_per_token;  // NaN (unknown) is written as null
    entry["bound"] = device.bound;
    entry["hardware"] = device.hardware;
    devices.push_back(std::move(entry));
  }
  nlohmann::ordered_json document;
  document["device_map"] = nlohmann::ordered_json::parse(result.map.to_json());
  nlohmann::ordered_json& out = document["report"];
  out["strategy"] = report.strategy;
  out["batch_size"] = report.workload.batch_size;
  out["micro_batches"] = report.workload.micro_batches;
  out["context_length"] = report.workload.context_length;
  out["prompt_tokens"] = report.workload.prompt_tokens;
  out["kv_dtype"] = report.workload.kv_dtype ? nlohmann::ordered_json(std::string(to_string(*report.workload.kv_dtype)))
                                             : nlohmann::ordered_json(nullptr);
  out["devices"] = std::move(devices);
  out["latency_ms"] = report.latency_ms;
  out["transfer_ms"] = report.transfer_ms;
  out["tokens_per_second"] = report.tokens_per_second;
  out["bottleneck"] = report.bottleneck;
  out["bottleneck_ms"] = report.bottleneck_ms;
  out["pipelined_tokens_per_second"] = report.pipelined_tokens_per_second;
  out["prefill_tokens_per_second"] = report.prefill_tokens_per_second;
  out["notes"] = report.notes;
  return document.dump(2);
}

}  // namespace strata
