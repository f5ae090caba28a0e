#include "commands.hpp"
#include "tokenize_command.hpp"

#include <strata/error.hpp>

#include <fmt/format.h>

#include <cstdio>
#include <exception>

int main(int argc, char** argv) {
  CLI::App app{"strata: run one neural network across the OpenCL, Vulkan and CPU devices of this machine"};
  app.require_subcommand(1);
  strata::cli::add_devices_command(app);
  strata::cli::add_plan_command(app);
  strata::cli::add_calibrate_command(app);
  strata::cli::add_run_command(app);
  strata::cli::add_tokenize_command(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return app.exit(error);
  } catch (const strata::Error& error) {
    fmt::print(stderr, "strata: error: {}\n", error.what());
    return 1;
  } catch (const std::exception& error) {
    fmt::print(stderr, "strata: error: {}\n", error.what());
    return 1;
  }
  return 0;
}
