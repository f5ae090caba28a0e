// Each subcommand of `strata` registers itself on the app; main() only wires them up, and turns
// what they throw into the exit status (exit_status.hpp).
#pragma once

#include "global_options.hpp"

#include <CLI/CLI.hpp>

namespace strata::cli {

void add_calibrate_command(CLI::App& app, const GlobalOptions& global);
void add_chat_command(CLI::App& app, const GlobalOptions& global);
void add_devices_command(CLI::App& app, const GlobalOptions& global);
void add_plan_command(CLI::App& app, const GlobalOptions& global);
void add_run_command(CLI::App& app, const GlobalOptions& global);
void add_serve_command(CLI::App& app, const GlobalOptions& global);

}  // namespace strata::cli
