// What the C API's opaque handles hold: the C++ objects, and the strings and arrays handed out
// through the C API, kept where they do not move for as long as the handle lives.
#pragma once

#include <strata/strata.h>
#include <strata/cancel.hpp>
#include <strata/checkpoint.hpp>
#include <strata/loaded_model.hpp>
#include <strata/planner.hpp>
#include <strata/runtime.hpp>
#include <strata/session.hpp>

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

struct strata_runtime {
  strata::Runtime runtime;
  // A copy of the plugin reports: Runtime::plugins() may move its strings when a plugin is
  // loaded, and a deque never moves what it holds.
  std::deque<strata::PluginReport> plugins;

  explicit strata_runtime(const strata::RuntimeOptions& options) : runtime(options) { copy_new_plugin_reports(); }
  void copy_new_plugin_reports() {
    const auto& reports = runtime.plugins();
    for (std::size_t i = plugins.size(); i < reports.size(); ++i) plugins.push_back(reports[i]);
  }
};

struct strata_checkpoint {
  strata::Checkpoint checkpoint;
  std::vector<std::int32_t> eos_token_ids;  // the config's, as token ids
};

struct strata_plan {
  strata::PlanResult result;
  std::string device_map_json;
  std::string report_json;
};

struct strata_cancel_token {
  strata::CancelToken token;  // shared with every session made with it
};

struct strata_model {
  strata::LoadedModel model;  // a handle to the weights; each session made from it holds them too
};

struct strata_session {
  strata::Session session;
  std::vector<strata::TargetPlacement> placement;
  std::vector<std::vector<const char*>> placement_units;  // into `placement`
  std::vector<std::int32_t> generated;                    // the last strata_generate's tokens

  explicit strata_session(strata::Session made);
};
