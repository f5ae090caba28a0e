#include "commands.hpp"

#include <stdexcept>

namespace strata::cli {

void add_plan_command(CLI::App& app) {
  auto* command = app.add_subcommand("plan", "(being written)");
  command->callback([] { throw std::runtime_error("strata plan is not built yet"); });
}

}  // namespace strata::cli
