// `strata chat`: a conversation with a model on stdin and stdout. Each line read is a user
// message; the whole conversation goes through the model's chat template, the reply streams as
// text until an end-of-sequence token (generation_config.json's defaults, the flags over them),
// and joins the history. "/exit" or the end of stdin ends it. Reports go to stderr, so that
// stdout carries the replies alone.
#include "commands.hpp"
#include "exit_status.hpp"
#include "generation_setup.hpp"

#include <strata/chat_template.hpp>
#include <strata/checkpoint.hpp>
#include <strata/error.hpp>
#include <strata/generation_config.hpp>
#include <strata/session.hpp>
#include <strata/text_generation.hpp>
#include <strata/tokenizer.hpp>

#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <unistd.h>

namespace strata::cli {
namespace {

struct ChatOptions {
  std::string model;
  std::string system;
  PlacementOptions placement;
  SamplingFlags sampling;
};

// A model without a default context limit this small would hold a long conversation; the KV
// cache is sized for this many tokens unless --context says otherwise.
constexpr std::int64_t default_chat_context = 4096;

Tokenizer chat_tokenizer(const std::filesystem::path& model_dir) {
  std::optional<Tokenizer> tokenizer = Tokenizer::from_model_dir(model_dir);
  if (!tokenizer)
    throw Error(
        StatusCode::invalid_argument,
        fmt::format("{} has no tokenizer.json (nor tokenizer.model): strata chat needs the model's own tokenizer",
                    model_dir.string()));
  return std::move(*tokenizer);
}

ChatTemplate chat_template(const std::filesystem::path& model_dir) {
  std::optional<ChatTemplate> found = ChatTemplate::from_model_dir(model_dir);
  if (!found)
    throw Error(StatusCode::invalid_argument,
                fmt::format("{} has no chat template (neither chat_template.jinja nor a \"chat_template\" in "
                            "tokenizer_config.json): it is not a chat model; try strata run --prompt",
                            model_dir.string()));
  return std::move(*found);
}

void chat(const ChatOptions& options, const GlobalOptions& global) {
  const std::filesystem::path model_dir =
      options.model.empty() ? default_model_dir() : std::filesystem::path(options.model);
  const Checkpoint checkpoint = Checkpoint::open(model_dir);
  const ModelConfig& config = checkpoint.config();
  const Tokenizer tokenizer = chat_tokenizer(model_dir);
  const ChatTemplate chat = chat_template(model_dir);
  GenerateOptions generation =
      generation_options(options.sampling, GenerationConfig::from_model_dir(model_dir), config);
  add_template_eos(generation, chat, tokenizer);
  const std::int64_t context = options.placement.context > 0 ? options.placement.context
                                                             : std::min(config.context_limit(), default_chat_context);

  Runtime runtime(runtime_options(global));
  const PlanResult plan_result =
      plan_placement(options.placement, checkpoint.graph(), runtime, context, context / 2, global.quiet);
  LoadReporter reporter(global.quiet);
  SessionOptions session_options;
  session_options.context_length = context;
  session_options.kv_dtype = kv_dtype_option(options.placement.kv_dtype);
  session_options.on_progress = [&](const LoadProgress& progress) { reporter(progress); };
  Session session(runtime, checkpoint, plan_result.targets, session_options);
  if (!global.quiet) {
    print_placement(session.placement(), options.placement.device_map);
    fmt::print(stderr, "chat with {}: one message a line; /exit or end of input to stop\n",
               model_dir.filename().string());
  }

  const bool terminal = isatty(STDIN_FILENO) != 0;
  std::vector<ChatMessage> messages;
  if (!options.system.empty()) messages.push_back({"system", options.system});
  std::string line;
  while (true) {
    if (terminal) {
      fmt::print(stderr, "> ");
      std::fflush(stderr);
    }
    if (!std::getline(std::cin, line) || line == "/exit") break;
    if (line.empty()) continue;
    messages.push_back({"user", line});
    // The whole conversation is rendered again each turn: templates render earlier turns
    // differently once later ones exist (Qwen3 drops past reasoning), so the cache starts over.
    const std::vector<std::int32_t> prompt =
        tokenizer.encode(chat.apply(messages, true), false);  // the template writes BOS itself
    const auto prompt_size = static_cast<std::int64_t>(prompt.size());
    if (prompt_size >= context)
      throw Error(StatusCode::invalid_argument,
                  fmt::format("the conversation has grown to {} tokens, past the context of {}; start a new one "
                              "or raise --context",
                              prompt_size, context));
    TextGenerateOptions text_options;
    text_options.generation = generation;
    text_options.generation.max_new_tokens = std::min(generation.max_new_tokens, context - prompt_size);
    text_options.stop_strings = options.sampling.stop;
    text_options.on_text = [](std::string_view text) {
      fmt::print("{}", text);
      std::fflush(stdout);
      return true;
    };
    session.reset();
    const TextGenerationResult reply = generate_text(session, tokenizer, prompt, text_options);
    fmt::print("\n");
    std::fflush(stdout);
    if (!global.quiet)
      fmt::print(stderr, "[{} prompt tokens, {} new, stop: {}]\n", prompt_size, reply.generation.tokens.size(),
                 to_string(reply.generation.stop_reason));
    messages.push_back({"assistant", reply.text});
  }
}

}  // namespace

void add_chat_command(CLI::App& app, const GlobalOptions& global) {
  auto options = std::make_shared<ChatOptions>();
  auto* command =
      app.add_subcommand("chat", "talk with a chat model on stdin/stdout, through its chat template and tokenizer");
  command->add_option("--model", options->model, "checkpoint folder with its tokenizer and a chat template")
      ->required();
  command->add_option("--system", options->system, "a system message to start the conversation with");
  add_placement_options(*command, options->placement);
  add_sampling_flags(*command, options->sampling);
  command->callback([options, &global] { chat(*options, global); });
}

}  // namespace strata::cli
