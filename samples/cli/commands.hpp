// Each subcommand of `strata` registers itself on the app; main() only wires them up.
#pragma once

#include <CLI/CLI.hpp>

namespace strata::cli {

void add_calibrate_command(CLI::App& app);
void add_devices_command(CLI::App& app);
void add_plan_command(CLI::App& app);
void add_run_command(CLI::App& app);

}  // namespace strata::cli
