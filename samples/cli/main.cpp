#include "commands.hpp"
#include "exit_status.hpp"
#include "global_options.hpp"
#include "tokenize_command.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <exception>

namespace {

// Shown under every command's help: subcommands inherit the footer, not the options' listing.
constexpr const char* footer_text =
    "Every command also takes --plugin-path DIR and -q,--quiet (see strata --help).\n"
    "Exit status: 0 the command did what was asked; 1 it could not (an error, explained on stderr); 2 the "
    "command line is wrong (an unknown option, a missing or malformed value).";

}  // namespace

int main(int argc, char** argv) {
  using namespace strata::cli;
  CLI::App app{"strata: run one neural network across the OpenCL, Vulkan and CPU devices of this machine"};
  app.require_subcommand(1);
  app.footer(footer_text);
  GlobalOptions global;
  add_global_options(app, global);
  add_devices_command(app, global);
  add_plan_command(app, global);
  add_calibrate_command(app, global);
  add_run_command(app, global);
  add_chat_command(app, global);
  add_serve_command(app, global);
  add_tokenize_command(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    // --help is a ParseError too, whose exit code is 0.
    return app.exit(error) == 0 ? exit_ok : exit_usage;
  } catch (const UsageError& error) {
    fmt::print(stderr, "strata: {}\nRun with --help for more information.\n", error.what());
    return exit_usage;
  } catch (const std::exception& error) {
    fmt::print(stderr, "strata: error: {}\n", error.what());
    return exit_error;
  }
  return exit_ok;
}
