// What the HTTP side hands the scheduler: one generation request (its prompt as ids, its limits
// and sampling), and the sink that receives what it produces. The scheduler knows nothing of
// HTTP or JSON; the sink knows nothing of sequences or sessions.
#pragma once

#include <strata/generate.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace strata::cli::serve {

enum class FinishReason {
  stop,    // an end-of-sequence token or a stop string
  length,  // max_tokens, or the end of the context
};

enum class Failure {
  shutting_down,  // the server stops: the request was cancelled before it could finish
  error,          // the model failed while running it
};

struct Usage {
  std::int64_t prompt_tokens = 0;
  std::int64_t completion_tokens = 0;  // every token sampled, the end-of-sequence one included
};

// Receives a job's output. Called on the scheduler's thread, in order: text() any number of
// times, then finished() or failed() once; cancelled() at every step.
class JobSink {
 public:
  virtual ~JobSink() = default;
  // Text that is final: never a stop string nor the start of one, never half a character.
  virtual void text(std::string_view piece) = 0;
  virtual void finished(FinishReason reason, const Usage& usage) = 0;
  virtual void failed(Failure failure, const std::string& message) = 0;
  // True once nobody waits for the output any more (the client went away): the job is dropped
  // at the next step, without a call to finished() or failed().
  virtual bool cancelled() const = 0;
};

struct GenerationJob {
  std::string id;  // for the log: "cmpl-...", "chatcmpl-..."
  std::chrono::steady_clock::time_point received = std::chrono::steady_clock::now();
  std::vector<std::int32_t> prompt;
  // At least 1, and at most the room the context leaves after the prompt.
  std::int64_t max_tokens = 1;
  SamplingOptions sampling;
  std::vector<std::int32_t> stop_tokens;  // generation ends after one of these (its text is not shown)
  std::vector<std::string> stop_strings;  // the text ends before the first of these
  std::shared_ptr<JobSink> sink;
};

}  // namespace strata::cli::serve
