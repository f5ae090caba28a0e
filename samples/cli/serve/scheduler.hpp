// Continuous batching: one thread owns one Session of N sequences and runs every job on it.
// Jobs wait in a bounded queue; each turn of the loop admits waiting jobs into free sequences
// (their prompts run with forward()), then runs one decode() step for every active sequence at
// once, samples each row with its job's own Sampler, and hands the new text to its sink. A job
// ends at a stop token, a stop string or its max_tokens, and its sequence is reset for the next
// one; a job whose client has gone is dropped at the next step.
#pragma once

#include "job.hpp"

#include <strata/session.hpp>
#include <strata/tokenizer.hpp>

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace strata::cli::serve {

struct SchedulerOptions {
  std::size_t queue_limit = 64;  // jobs waiting for a sequence (none free), at most
  // Called on the scheduler's thread when a job leaves (finished, failed or dropped), with what
  // became of it: "stop", "length", "client gone", "shutting down" or "error: ...".
  std::function<void(const GenerationJob& job, std::int64_t completion_tokens, std::string_view outcome)> on_done;
};

class Scheduler {
 public:
  // Takes the session (its sequences() are the jobs that run at once). `tokenizer`: the model's,
  // or nullopt for a byte-level model. The thread starts here.
  Scheduler(Session session, std::optional<Tokenizer> tokenizer, SchedulerOptions options);
  ~Scheduler();  // stop()
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  enum class Admission { queued, queue_full, stopping };
  // From any thread. On `queued` the job's sink will hear from the scheduler's thread; otherwise
  // the job was not taken, and its sink hears nothing.
  Admission submit(GenerationJob job);

  // Ends every job, waiting or running, with Failure::shutting_down (a running forward pass is
  // cancelled through the session's cancel token), and joins the thread. Later submissions get
  // `stopping`. From any thread; idempotent.
  void stop();

  std::int64_t sequences() const { return sequences_; }
  std::int64_t context_length() const { return context_length_; }

 private:
  struct Active;

  void run();
  void admit(GenerationJob job);
  void step();
  // Samples the next token of `active` from `logits` and passes its text on; when that ends the
  // job, tells its sink and returns the outcome ("stop", "length").
  std::optional<std::string_view> advance(Active& active, std::span<const float> logits);
  // Ends the job of `sequence` and frees the sequence.
  void release(std::int64_t sequence, std::string_view outcome);
  // The same after the model failed on it (or was cancelled by stop()).
  void fail(std::int64_t sequence, const std::exception& error);
  void drop_waiting(std::deque<GenerationJob>& jobs, std::string_view outcome);
  bool any_active() const;
  std::size_t free_sequences() const;

  Session session_;
  const CancelToken cancel_;
  const std::optional<Tokenizer> tokenizer_;
  const SchedulerOptions options_;
  const std::int64_t sequences_;
  const std::int64_t context_length_;

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<GenerationJob> queue_;  // guarded by mutex_
  // Sequences no job has claimed at the last turn of the loop: that many more jobs may be
  // submitted besides queue_limit, since they will not wait. Guarded by mutex_.
  std::size_t idle_sequences_ = 0;
  bool stopping_ = false;  // guarded by mutex_
  std::once_flag joined_;

  std::vector<std::unique_ptr<Active>> active_;  // by sequence; the scheduler's thread only
  std::thread thread_;                           // last: starts once everything above is ready
};

}  // namespace strata::cli::serve
