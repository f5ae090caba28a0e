// `strata serve`: an OpenAI-compatible HTTP server for one model. The model is placed and loaded
// as `strata run` does it, then one Session of --parallel sequences runs every request with
// continuous batching (serve/scheduler.hpp); the HTTP side (serve/http_server.hpp) and the API
// (serve/api.hpp) hand it requests and stream its output back. On start it prints "listening on
// http://HOST:PORT" on stdout; SIGINT or SIGTERM stops it (exit status 0): requests still waiting
// or running are answered 503 "shutting down", or end their stream with that error.
#include "commands.hpp"
#include "exit_status.hpp"
#include "generation_setup.hpp"
#include "serve/api.hpp"
#include "serve/http_server.hpp"
#include "serve/openai_response.hpp"
#include "serve/scheduler.hpp"

#include <strata/chat_template.hpp>
#include <strata/checkpoint.hpp>
#include <strata/error.hpp>
#include <strata/generation_config.hpp>
#include <strata/loaded_model.hpp>
#include <strata/session.hpp>
#include <strata/tokenizer.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

namespace strata::cli {
namespace {

struct ServeOptions {
  std::string model;
  std::string model_name;
  std::string host = "127.0.0.1";
  int port = 8080;
  std::int64_t parallel = 4;
  std::int64_t micro_batches = 1;
  std::int64_t queue = 64;
  std::int64_t max_prompt_tokens = 0;  // 0: the context less one
  std::int64_t max_tokens = 512;
  double read_timeout = 30;  // seconds
  PlacementOptions placement;
};

// Each sequence's KV caches hold this many tokens unless --context says otherwise (or the
// model's limit is smaller).
constexpr std::int64_t default_serve_context = 4096;

std::string model_id(const ServeOptions& options, const std::filesystem::path& model_dir) {
  if (!options.model_name.empty()) return options.model_name;
  std::error_code error;
  std::filesystem::path path = std::filesystem::weakly_canonical(model_dir, error);
  if (error) path = model_dir;
  if (!path.has_filename()) path = path.parent_path();  // "models/qwen/"
  return path.filename().string();
}

// The jobs hold the replies, and the replies the server's connections: declared after the
// server, this stops the scheduler (and drops its jobs) before the server goes, whichever way
// serve() ends.
struct StopScheduler {
  serve::Scheduler& scheduler;
  ~StopScheduler() { scheduler.stop(); }
};

void serve_model(const ServeOptions& options, const GlobalOptions& global) {
  const std::filesystem::path model_dir =
      options.model.empty() ? default_model_dir() : std::filesystem::path(options.model);
  const Checkpoint checkpoint = Checkpoint::open(model_dir);
  const ModelConfig& config = checkpoint.config();
  std::optional<Tokenizer> tokenizer = Tokenizer::from_model_dir(model_dir);
  if (!tokenizer && !has_byte_vocabulary(config))
    throw Error(StatusCode::invalid_argument,
                fmt::format("{} has no tokenizer.json (nor tokenizer.model) and its vocabulary is not the 256 byte "
                            "values: strata serve takes and answers text, and needs the model's tokenizer",
                            model_dir.string()));
  std::optional<ChatTemplate> chat = ChatTemplate::from_model_dir(model_dir);
  const std::int64_t context = options.placement.context > 0 ? options.placement.context
                                                             : std::min(config.context_limit(), default_serve_context);
  if (context < 2) throw UsageError(fmt::format("--context {} leaves no room for a prompt and a reply", context));
  const std::int64_t max_prompt_tokens = options.max_prompt_tokens > 0 ? options.max_prompt_tokens : context - 1;
  if (max_prompt_tokens >= context)
    throw UsageError(
        fmt::format("--max-prompt-tokens {} leaves no room to generate in a context of {} tokens; give "
                    "at most {}, or raise --context",
                    max_prompt_tokens, context, context - 1));

  // The model's generation defaults, which a request's fields override.
  const GenerateOptions defaults =
      generation_options(SamplingFlags{}, GenerationConfig::from_model_dir(model_dir), config);
  GenerateOptions chat_defaults = defaults;
  if (chat && tokenizer) add_template_eos(chat_defaults, *chat, *tokenizer);

  Runtime runtime(runtime_options(global));
  const PlanResult plan_result = plan_placement(options.placement, checkpoint.graph(), runtime, context, 0,
                                                global.quiet, options.parallel, options.micro_batches);
  LoadReporter reporter(global.quiet);
  LoadOptions load_options;
  load_options.on_progress = [&](const LoadProgress& progress) { reporter(progress); };
  const LoadedModel model(runtime, checkpoint, plan_result.targets, load_options);
  SessionOptions session_options;
  session_options.context_length = context;
  session_options.sequences = options.parallel;
  session_options.micro_batches = options.micro_batches;
  // Every active sequence in one decode step.
  session_options.max_batch_tokens = std::max<std::int64_t>(session_options.max_batch_tokens, options.parallel);
  session_options.kv_dtype = kv_dtype_option(options.placement.kv_dtype);
  Session session(model, session_options);
  const std::string id = model_id(options, model_dir);
  if (!global.quiet) {
    print_placement(session.placement(), options.placement.device_map);
    std::uint64_t kv_bytes = 0;
    for (const TargetPlacement& target : session.placement()) kv_bytes += target.kv_bytes;
    fmt::print(stderr,
               "serving {} ({}): {} sequences of {} tokens at once, {} of KV caches in all; {} more requests may "
               "wait\n",
               id, chat ? "completions and chat" : "completions; no chat template", options.parallel, context,
               format_size(kv_bytes), options.queue);
  }

  serve::SchedulerOptions scheduler_options;
  scheduler_options.queue_limit = static_cast<std::size_t>(options.queue);
  if (!global.quiet)
    scheduler_options.on_done = [](const serve::GenerationJob& job, std::int64_t completion_tokens,
                                   std::string_view outcome) {
      const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - job.received).count();
      fmt::print(stderr, "{}: {} prompt tokens, {} generated, {:.2f} s: {}\n", job.id, job.prompt.size(),
                 completion_tokens, seconds, outcome);
    };
  serve::Scheduler scheduler(std::move(session), tokenizer, std::move(scheduler_options));

  serve::ApiConfig api_config;
  api_config.model_id = id;
  api_config.created =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  api_config.tokenizer = std::move(tokenizer);
  api_config.chat_template = std::move(chat);
  api_config.defaults = defaults;
  api_config.chat_stop_tokens = chat_defaults.stop_tokens;
  api_config.context_length = context;
  api_config.max_prompt_tokens = max_prompt_tokens;
  api_config.max_tokens = options.max_tokens;
  serve::Api api(std::move(api_config), scheduler);

  serve::ServerConfig server_config;
  server_config.host = options.host;
  server_config.port = static_cast<std::uint16_t>(options.port);
  server_config.read_timeout = std::chrono::milliseconds(static_cast<std::int64_t>(options.read_timeout * 1000));
  server_config.error_response = [](int status, std::string_view message) {
    return serve::HttpResponse{status, "application/json", {}, serve::dump_json(serve::error_json(status, message))};
  };
  serve::HttpServer server(std::move(server_config),
                           [&api](const serve::HttpRequest& request, const std::shared_ptr<serve::Reply>& reply) {
                             api.handle(request, reply);
                           });
  const StopScheduler stop_scheduler_first{scheduler};

  // The one line on stdout: a script or a test reads the port from it.
  fmt::print("listening on {}\n", server.url());
  std::fflush(stdout);
  server.run([&] {
    if (!global.quiet) fmt::print(stderr, "stopping: requests still waiting or running get 503\n");
    scheduler.stop();
  });
  if (!global.quiet) fmt::print(stderr, "stopped\n");
}

}  // namespace

void add_serve_command(CLI::App& app, const GlobalOptions& global) {
  auto options = std::make_shared<ServeOptions>();
  auto* command = app.add_subcommand(
      "serve", "serve a model over HTTP with OpenAI's completions and chat API, batching requests together");
  command->add_option("--model", options->model,
                      "checkpoint folder (config.json + safetensors [+ tokenizer, chat template]; default: the demo "
                      "model)");
  command->add_option("--model-name", options->model_name, "the model's id in the API (default: the folder's name)");
  command->add_option("--host", options->host, "address to listen on")->capture_default_str();
  command->add_option("--port", options->port, "port to listen on (0: a free one; the line on stdout names it)")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  command
      ->add_option("--parallel", options->parallel,
                   "requests generated at once, each in a sequence of its own KV caches")
      ->check(CLI::Range(1, 1024))
      ->capture_default_str();
  command
      ->add_option("--micro-batches", options->micro_batches,
                   "on a model split over devices, run each decode step as this many micro-batches in flight through "
                   "the devices at once (pipelined)")
      ->check(CLI::Range(1, 1024))
      ->capture_default_str();
  command->add_option("--queue", options->queue, "requests that may wait for a sequence; more are answered 503")
      ->check(CLI::Range(1, 1 << 20))
      ->capture_default_str();
  command
      ->add_option("--max-prompt-tokens", options->max_prompt_tokens,
                   "longest prompt taken, in tokens (default: the context less one)")
      ->check(CLI::PositiveNumber);
  command
      ->add_option("--max-tokens", options->max_tokens,
                   "most tokens one request may generate, and what it gets without max_tokens")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  command
      ->add_option("--read-timeout", options->read_timeout,
                   "seconds a client has to send a whole request (or to start the next one)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  add_placement_options(*command, options->placement);
  command->callback([options, &global] { serve_model(*options, global); });
}

}  // namespace strata::cli
