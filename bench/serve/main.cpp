// Load on `strata serve`: 1, 4, 16 and 64 clients streaming completions at once, each sending one
// request after another, and what they measured as a Markdown table: requests, generated tokens
// per second over all streams, time to the first text and time per token after it (p50, p95).
//
//   strata_serve_bench [--url http://HOST:PORT]        a server that runs already, or else
//                      [--strata PATH] [--model DIR] [--device-map MAP] [--parallel N]
//                                                      one started here (--port 0) and stopped after
//                      [--streams 1,4,16,64] [--requests N] [--seconds S] [--max-tokens N]
//                      [--prompt TEXT] [--server-log] [--quick]
//
// --requests is per level (default: 4 per stream, at least 8); --seconds bounds each level
// (no request starts after it). --quick: 1 and 4 streams, 4 requests of 8 tokens each (a smoke run).
#include "load_run.hpp"
#include "server_launch.hpp"
#include "stream_client.hpp"

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace {

using namespace strata::bench;

struct Options {
  std::string url;
  std::string strata = STRATA_CLI_PATH;
  std::string model;
  std::string device_map;
  int parallel = 16;
  std::vector<int> streams{1, 4, 16, 64};
  int requests = 0;  // 0: 4 per stream, at least 8
  int seconds = 60;
  std::int64_t max_tokens = 64;
  std::vector<std::string> prompts;
  bool server_log = false;
  bool quick = false;
};

// The command line, through CLI11 as every strata command; exits (as CLI11 does) on --help or a
// malformed option.
Options parse(int argc, char** argv) {
  Options options;
  CLI::App app{"strata_serve_bench: concurrent streaming clients against strata serve"};
  app.add_option("--url", options.url, "a server that runs already (else one is started here)");
  app.add_option("--strata", options.strata, "the strata executable to start")->capture_default_str();
  app.add_option("--model", options.model, "the model folder the started server loads");
  app.add_option("--device-map", options.device_map, "the started server's device map");
  app.add_option("--parallel", options.parallel, "the started server's --parallel")
      ->check(CLI::Range(1, 4096))
      ->capture_default_str();
  app.add_option("--streams", options.streams, "concurrent streams, one level each")
      ->delimiter(',')
      ->check(CLI::Range(1, 1024))
      ->capture_default_str();
  app.add_option("--requests", options.requests, "requests per level (0: 4 per stream, at least 8)")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--seconds", options.seconds, "no request starts after this long in a level")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--max-tokens", options.max_tokens, "tokens each completion generates")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--prompt", options.prompts, "a prompt (repeat for several; requests take them in turn)");
  app.add_flag("--server-log", options.server_log, "pass the started server's log through to stderr");
  app.add_flag("--quick", options.quick, "1 and 4 streams, 4 requests of 8 tokens: a smoke run");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    std::exit(app.exit(error));
  }
  if (options.quick) {
    options.streams = {1, 4};
    options.requests = 4;
    options.max_tokens = 8;
  }
  // Prompts for a byte-level model and for real ones alike: short code, different per request.
  if (options.prompts.empty())
    options.prompts = {"import os\n",    "def main(",     "class Node:\n", "for i in range(",
                       "# A parser for", "while True:\n", "return self.",  "x = [1, 2,"};
  return options;
}

std::string milliseconds(double seconds) { return fmt::format("{:.1f}", seconds * 1e3); }

}  // namespace

int main(int argc, char** argv) {
  try {
    const Options options = parse(argc, argv);
    std::unique_ptr<LaunchedServer> server;
    std::string url = options.url;
    if (url.empty()) {
      std::vector<std::string> arguments = {"--parallel",   std::to_string(options.parallel),  "--queue", "4096",
                                            "--max-tokens", std::to_string(options.max_tokens)};
      if (!options.model.empty()) arguments.insert(arguments.end(), {"--model", options.model});
      if (!options.device_map.empty()) arguments.insert(arguments.end(), {"--device-map", options.device_map});
      server = std::make_unique<LaunchedServer>(options.strata, arguments, options.server_log);
      url = server->url();
    }
    const ServerAddress address = parse_url(url);
    fmt::print("strata serve at {}{}: streaming completions of {} tokens (greedy)\n\n", url,
               server ? fmt::format(" (started here, --parallel {})", options.parallel) : std::string(),
               options.max_tokens);
    fmt::print(
        "| streams | requests | failed | tokens/s | first text p50 (ms) | p95 (ms) | per token p50 (ms) | "
        "p95 (ms) |\n");
    fmt::print("|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    std::fflush(stdout);
    std::string first_error;
    for (const int streams : options.streams) {
      LoadSettings settings;
      settings.streams = streams;
      settings.requests = options.requests > 0 ? options.requests : std::max(8, 4 * streams);
      settings.time_limit = std::chrono::seconds(options.seconds);
      settings.max_tokens = options.max_tokens;
      settings.prompts = options.prompts;
      const LoadResult result = run_load(address, settings);
      fmt::print("| {} | {} | {} | {:.0f} | {} | {} | {} | {} |\n", streams, result.requests, result.failed,
                 result.tokens_per_second(), milliseconds(quantile(result.first_text_seconds, 0.5)),
                 milliseconds(quantile(result.first_text_seconds, 0.95)),
                 milliseconds(quantile(result.token_seconds, 0.5)), milliseconds(quantile(result.token_seconds, 0.95)));
      std::fflush(stdout);
      if (first_error.empty()) first_error = result.first_error;
    }
    if (!first_error.empty()) {
      fmt::print(stderr, "strata_serve_bench: some requests failed; the first: {}\n", first_error);
      return 1;
    }
  } catch (const std::exception& error) {
    fmt::print(stderr, "strata_serve_bench: {}\n", error.what());
    return 1;
  }
  return 0;
}
