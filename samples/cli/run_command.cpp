// `strata run`: open a checkpoint, plan its placement over the devices found, load it with a
// progress bar, generate, and report the placement and the speed. With no arguments it runs the
// demo model (tiny-llama-pystdlib) installed next to the executable. A model folder with a
// tokenizer (tokenizer.json, or a SentencePiece tokenizer.model) gets its prompt tokenized and its
// text decoded by it; generation follows the model's generation_config.json unless a flag says
// otherwise.
#include "commands.hpp"
#include "exit_status.hpp"
#include "generation_setup.hpp"

#include <strata/checkpoint.hpp>
#include <strata/error.hpp>
#include <strata/generate.hpp>
#include <strata/generation_config.hpp>
#include <strata/planner.hpp>
#include <strata/runtime.hpp>
#include <strata/session.hpp>
#include <strata/text_generation.hpp>
#include <strata/tokenizer.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <sstream>
#include <string>

namespace strata::cli {
namespace {

constexpr std::string_view default_prompt = "class Foo:\n    def __init__(self";

struct RunOptions {
  std::string model;
  std::string prompt{default_prompt};
  std::string prompt_ids;
  PlacementOptions placement;
  SamplingFlags sampling;
  bool json = false;
};

std::vector<std::int32_t> parse_ids(const std::string& text) {
  std::vector<std::int32_t> ids;
  std::stringstream stream(text);
  std::string item;
  while (std::getline(stream, item, ',')) {
    try {
      std::size_t used = 0;
      ids.push_back(std::stoi(item, &used));
      if (used != item.size()) throw std::invalid_argument(item);
    } catch (const std::exception&) {
      throw UsageError(fmt::format("--prompt-ids: '{}' is not a token id", item));
    }
  }
  return ids;
}

std::vector<std::int32_t> prompt_tokens(const RunOptions& options, const ModelConfig& config,
                                        const std::optional<Tokenizer>& tokenizer) {
  if (!options.prompt_ids.empty()) return parse_ids(options.prompt_ids);
  // As transformers' tokenizer(prompt) does: with the special tokens the tokenizer adds (BOS).
  if (tokenizer) return tokenizer->encode(options.prompt, true);
  if (!has_byte_vocabulary(config))
    throw Error(StatusCode::invalid_argument,
                fmt::format("this model's vocabulary has {} tokens, not the 256 byte values, and its folder has no "
                            "tokenizer.json (nor tokenizer.model): give the prompt as --prompt-ids 1,2,3",
                            config.vocab_size));
  return text_to_byte_tokens(options.prompt);
}

// null where the plan could not predict (a device without measured figures).
nlohmann::json rate_json(double tokens_per_second) {
  return std::isfinite(tokens_per_second) ? nlohmann::json(tokens_per_second) : nlohmann::json(nullptr);
}

nlohmann::json placement_json(const std::vector<TargetPlacement>& placement) {
  nlohmann::json out = nlohmann::json::array();
  for (const TargetPlacement& target : placement)
    out.push_back({{"target", target.target},
                   {"device", target.device},
                   {"units", target.units},
                   {"weight_bytes", target.weight_bytes},
                   {"mapped_bytes", target.mapped_bytes},
                   {"kv_bytes", target.kv_bytes}});
  return out;
}

void run(const RunOptions& options, const GlobalOptions& global) {
  const std::filesystem::path model_dir =
      options.model.empty() ? default_model_dir() : std::filesystem::path(options.model);
  const Checkpoint checkpoint = Checkpoint::open(model_dir);
  const ModelConfig& config = checkpoint.config();
  // The folder's tokenizer when it has one; byte-level models (the demo) need none.
  const std::optional<Tokenizer> tokenizer = Tokenizer::from_model_dir(model_dir);
  const bool bytes = !tokenizer && has_byte_vocabulary(config);
  if (!tokenizer && !bytes && !options.sampling.stop.empty())
    throw UsageError("--stop needs text: this model's folder has no tokenizer.json (nor tokenizer.model)");
  const std::vector<std::int32_t> prompt = prompt_tokens(options, config, tokenizer);
  GenerateOptions generation =
      generation_options(options.sampling, GenerationConfig::from_model_dir(model_dir), config);
  const std::int64_t max_new_tokens = generation.max_new_tokens;
  const std::int64_t context_option = options.placement.context;
  // Checked before anything is measured or loaded: a request that cannot fit fails now, not
  // halfway through the output.
  const auto prompt_size = static_cast<std::int64_t>(prompt.size());
  const std::int64_t room = context_option > 0 ? context_option : config.context_limit();
  if (max_new_tokens > room - prompt_size)
    throw Error(StatusCode::invalid_argument,
                fmt::format("the prompt's {} tokens and --max-new-tokens {} do not fit the context of {} tokens ({}); "
                            "lower --max-new-tokens{}",
                            prompt_size, max_new_tokens, room, context_option > 0 ? "--context" : "the model's limit",
                            context_option > 0 ? " or raise --context" : ""));
  const std::int64_t context =
      context_option > 0 ? context_option
                         : std::min(config.context_limit(), prompt_size + std::max<std::int64_t>(max_new_tokens, 1));

  Runtime runtime(runtime_options(global));
  const PlanResult plan_result =
      plan_placement(options.placement, checkpoint.graph(), runtime, context, prompt_size, global.quiet);
  const PlanReport& predicted = plan_result.report;

  // Reports go to stderr, and not at all with --quiet or --json (whose output is the report).
  const bool report = !options.json && !global.quiet;
  LoadReporter reporter(!report);
  SessionOptions session_options;
  session_options.context_length = context;
  session_options.kv_dtype = kv_dtype_option(options.placement.kv_dtype);
  session_options.on_progress = [&](const LoadProgress& progress) { reporter(progress); };
  Session session(runtime, checkpoint, plan_result.targets, session_options);

  if (report) {
    fmt::print(stderr, "model: {} ({}, {} layers, {} of weights)\n", model_dir.filename().string(), config.architecture,
               config.num_hidden_layers, format_size(checkpoint.graph().parameter_bytes()));
    print_placement(session.placement(), options.placement.device_map);
    for (const std::string& note : predicted.notes) fmt::print(stderr, "  note: {}\n", note);
    fmt::print(stderr, "predicted: prefill {} tokens/s, decode {} tokens/s\n\n",
               detail_rate(predicted.prefill_tokens_per_second), detail_rate(predicted.tokens_per_second));
    std::fflush(stderr);
  }
  // The text streams to stdout as it comes (not with --json, whose output is the report).
  auto stream = [&](std::string_view text) {
    if (options.json) return true;
    fmt::print("{}", text);
    std::fflush(stdout);
    return true;
  };
  if (!options.json) {
    if (tokenizer) {
      stream(options.prompt_ids.empty() ? options.prompt : tokenizer->decode(prompt, true));
    } else if (bytes) {
      stream(byte_tokens_to_text(prompt));
    }
  }
  GenerationResult result;
  std::optional<std::string> generated_text;
  if (tokenizer) {
    TextGenerateOptions text_options;
    text_options.generation = std::move(generation);
    text_options.stop_strings = options.sampling.stop;
    text_options.on_text = stream;
    TextGenerationResult text_result = generate_text(session, *tokenizer, prompt, text_options);
    result = std::move(text_result.generation);
    generated_text = std::move(text_result.text);
  } else if (bytes) {
    // Byte tokens are text already; stop strings are matched on it here.
    StopStringMatcher matcher(options.sampling.stop);
    std::string text;
    generation.on_token = [&](std::int32_t token) {
      const std::string piece = matcher.push(std::string(1, static_cast<char>(static_cast<unsigned char>(token))));
      text += piece;
      stream(piece);
      return !matcher.stopped();
    };
    result = generate(session, prompt, generation);
    if (matcher.stopped()) {
      result.stop_reason = StopReason::stop_string;
    } else {
      const std::string rest = matcher.flush();
      text += rest;
      stream(rest);
    }
    generated_text = std::move(text);
  } else {
    if (!options.json) generation.on_token = [&](std::int32_t token) { return stream(fmt::format("{} ", token)); };
    result = generate(session, prompt, generation);
  }

  if (options.json) {
    nlohmann::json out = {
        {"model", model_dir.string()},
        {"device_map", nlohmann::json::parse(plan_result.map.to_json())},
        {"placement", placement_json(session.placement())},
        {"prompt_ids", prompt},
        {"generated_ids", result.tokens},
        {"stop_reason", to_string(result.stop_reason)},
        {"prefill",
         {{"tokens", result.prompt_tokens},
          {"seconds", result.prefill_seconds},
          {"tokens_per_second", result.prefill_tokens_per_second()}}},
        {"decode",
         {{"tokens", result.decode_steps},
          {"seconds", result.decode_seconds},
          {"tokens_per_second", result.decode_tokens_per_second()}}},
        // What the plan predicted for this run, beside what it measured.
        {"predicted",
         {{"prefill_tokens_per_second", rate_json(predicted.prefill_tokens_per_second)},
          {"decode_tokens_per_second", rate_json(predicted.tokens_per_second)}}},
        {"notes", predicted.notes},
    };
    if (generated_text) {
      out["prompt"] = bytes ? byte_tokens_to_text(prompt) : tokenizer->decode(prompt, false);
      out["generated_text"] = *generated_text;
    }
    fmt::print("{}\n", out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
    return;
  }
  fmt::print("\n");
  std::fflush(stdout);
  if (!report) return;
  fmt::print(stderr, "\nprefill: {} tokens in {:.1f} ms ({:.0f} tokens/s; predicted {})\n", result.prompt_tokens,
             result.prefill_seconds * 1e3, result.prefill_tokens_per_second(),
             detail_rate(predicted.prefill_tokens_per_second));
  fmt::print(stderr, "decode:  {} tokens in {:.1f} ms ({:.0f} tokens/s; predicted {})\n", result.decode_steps,
             result.decode_seconds * 1e3, result.decode_tokens_per_second(), detail_rate(predicted.tokens_per_second));
}

}  // namespace

void add_run_command(CLI::App& app, const GlobalOptions& global) {
  auto options = std::make_shared<RunOptions>();
  auto* command = app.add_subcommand("run", "generate text from a Hugging Face checkpoint (default: the demo model)");
  command->add_option("--model", options->model,
                      "checkpoint folder (config.json + safetensors [+ tokenizer.json or tokenizer.model])");
  command->add_option("--prompt", options->prompt, "prompt text (models with a tokenizer, and byte-level ones)")
      ->capture_default_str();
  command->add_option("--prompt-ids", options->prompt_ids, "prompt as token ids: 1,2,3 (any model)");
  add_placement_options(*command, options->placement);
  add_sampling_flags(*command, options->sampling);
  command->add_flag("--json", options->json, "print the result as JSON");
  command->callback([options, &global] { run(*options, global); });
}

}  // namespace strata::cli
