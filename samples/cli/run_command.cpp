#include "commands.hpp"

#include <stdexcept>

namespace strata::cli {

void add_run_command(CLI::App& app) {
  auto* command = app.add_subcommand("run", "(being written)");
  command->callback([] { throw std::runtime_error("strata run is not built yet"); });
}

}  // namespace strata::cli
