// The scheduler's loop. Each job keeps its own Sampler (its seed, its temperature), the ids its
// repetition penalty looks at, and its TextStream; the session keeps its KV caches. A batched
// decode step gives every sequence the logits forward() would give it alone, so a greedy job
// produces the same text whatever runs beside it.
#include "scheduler.hpp"

#include "text_stream.hpp"

#include <strata/error.hpp>

#include <algorithm>
#include <exception>
#include <utility>

namespace strata::cli::serve {

namespace {

constexpr const char* shutting_down_message = "the server is shutting down; send the request again once it is back";

}  // namespace

struct Scheduler::Active {
  // Takes the job once the Sampler has accepted its options (the request's fields were checked;
  // this is the SDK's own check): if it throws, `job_in` is left as it was.
  Active(GenerationJob& job_in, const Tokenizer* tokenizer)
      : sampler(job_in.sampling),
        job(std::move(job_in)),
        text(tokenizer, job.stop_strings),
        context(job.prompt.begin(), job.prompt.end()) {}

  Sampler sampler;
  GenerationJob job;
  TextStream text;
  std::vector<std::int32_t> context;  // the prompt and the tokens generated: what the repetition penalty sees
  std::int64_t generated = 0;
  std::int32_t last = 0;  // the token the next decode step runs
};

Scheduler::Scheduler(Session session, std::optional<Tokenizer> tokenizer, SchedulerOptions options)
    : session_(std::move(session)),
      cancel_(session_.cancel_token()),
      tokenizer_(std::move(tokenizer)),
      options_(std::move(options)),
      sequences_(session_.sequences()),
      context_length_(session_.context_length()),
      idle_sequences_(static_cast<std::size_t>(sequences_)),
      active_(static_cast<std::size_t>(sequences_)),
      thread_([this] { run(); }) {}

Scheduler::~Scheduler() { stop(); }

Scheduler::Admission Scheduler::submit(GenerationJob job) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return Admission::stopping;
    // Jobs whose clients have gone do not count: the loop drops them at its next turn. Nor do
    // those that free sequences will take at once.
    const auto waiting = std::count_if(queue_.begin(), queue_.end(),
                                       [](const GenerationJob& queued) { return !queued.sink->cancelled(); });
    if (static_cast<std::size_t>(waiting) >= options_.queue_limit + idle_sequences_) return Admission::queue_full;
    queue_.push_back(std::move(job));
  }
  wake_.notify_one();
  return Admission::queued;
}

void Scheduler::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cancel_.cancel();  // a prompt or a step that runs now ends at its next check
  wake_.notify_all();
  std::call_once(joined_, [this] {
    if (thread_.joinable()) thread_.join();
  });
}

bool Scheduler::any_active() const {
  return std::any_of(active_.begin(), active_.end(), [](const auto& active) { return active != nullptr; });
}

std::size_t Scheduler::free_sequences() const {
  return static_cast<std::size_t>(std::count(active_.begin(), active_.end(), nullptr));
}

void Scheduler::run() {
  while (true) {
    std::deque<GenerationJob> admitted;
    std::deque<GenerationJob> gone;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty() || any_active(); });
      if (stopping_) break;
      std::size_t free = free_sequences();
      for (auto job = queue_.begin(); job != queue_.end();) {
        if (job->sink->cancelled()) {
          gone.push_back(std::move(*job));
        } else if (free > 0) {
          admitted.push_back(std::move(*job));
          --free;
        } else {
          ++job;
          continue;
        }
        job = queue_.erase(job);
      }
      idle_sequences_ = free;
    }
    drop_waiting(gone, "client gone");
    for (GenerationJob& job : admitted) admit(std::move(job));
    step();
  }
  // Stopping: every job ends now, the waiting ones first.
  std::deque<GenerationJob> waiting;
  {
    std::lock_guard lock(mutex_);
    waiting.swap(queue_);
  }
  for (GenerationJob& job : waiting)
    if (!job.sink->cancelled()) job.sink->failed(Failure::shutting_down, shutting_down_message);
  drop_waiting(waiting, "shutting down");
  for (std::size_t sequence = 0; sequence < active_.size(); ++sequence) {
    if (!active_[sequence]) continue;
    active_[sequence]->job.sink->failed(Failure::shutting_down, shutting_down_message);
    release(static_cast<std::int64_t>(sequence), "shutting down");
  }
}

void Scheduler::drop_waiting(std::deque<GenerationJob>& jobs, std::string_view outcome) {
  for (const GenerationJob& job : jobs)
    if (options_.on_done) options_.on_done(job, 0, outcome);
  jobs.clear();
}

// A new job takes a free sequence: its prompt runs in one forward pass (in pieces of the
// session's max_batch_tokens), whose logits give its first token.
void Scheduler::admit(GenerationJob job) {
  const auto free = std::find(active_.begin(), active_.end(), nullptr);
  const auto sequence = static_cast<std::int64_t>(free - active_.begin());
  try {
    *free = std::make_unique<Active>(job, tokenizer_ ? &*tokenizer_ : nullptr);
  } catch (const std::exception& error) {
    if (!job.sink) throw;  // taken already: out of memory
    job.sink->failed(Failure::error, error.what());
    if (options_.on_done) options_.on_done(job, 0, std::string("error: ") + error.what());
    return;
  }
  Active& active = **free;
  try {
    session_.reset_sequence(sequence);
    const std::vector<float> logits = session_.forward(sequence, active.job.prompt);
    if (const std::optional<std::string_view> outcome = advance(active, logits)) release(sequence, *outcome);
  } catch (const std::exception& error) {
    fail(sequence, error);
  }
}

// One decode step for every active sequence; jobs whose clients have gone are dropped first.
void Scheduler::step() {
  std::vector<Session::SequenceToken> next;
  for (std::size_t sequence = 0; sequence < active_.size(); ++sequence) {
    if (!active_[sequence]) continue;
    if (active_[sequence]->job.sink->cancelled()) {
      release(static_cast<std::int64_t>(sequence), "client gone");
      continue;
    }
    next.push_back({static_cast<std::int64_t>(sequence), active_[sequence]->last});
  }
  if (next.empty()) return;
  std::vector<float> logits;
  try {
    logits = session_.decode(next);
  } catch (const std::exception& error) {
    // No sequence moved on; none of these jobs can go on either.
    for (const Session::SequenceToken& entry : next) fail(entry.sequence, error);
    return;
  }
  const std::size_t vocab = logits.size() / next.size();
  for (std::size_t row = 0; row < next.size(); ++row) {
    const std::int64_t sequence = next[row].sequence;
    try {
      const std::span<const float> row_logits(logits.data() + row * vocab, vocab);
      if (const std::optional<std::string_view> outcome =
              advance(*active_[static_cast<std::size_t>(sequence)], row_logits))
        release(sequence, *outcome);
    } catch (const std::exception& error) {
      fail(sequence, error);
    }
  }
}

std::optional<std::string_view> Scheduler::advance(Active& active, std::span<const float> logits) {
  const std::int32_t token = active.sampler.next(logits, active.context);
  active.context.push_back(token);
  active.last = token;
  ++active.generated;
  const Usage usage{static_cast<std::int64_t>(active.job.prompt.size()), active.generated};
  JobSink& sink = *active.job.sink;
  const std::vector<std::int32_t>& stop_tokens = active.job.stop_tokens;
  if (std::find(stop_tokens.begin(), stop_tokens.end(), token) != stop_tokens.end()) {
    // The end-of-sequence token's own text is not part of the reply.
    if (const std::string rest = active.text.finish(); !rest.empty()) sink.text(rest);
    sink.finished(FinishReason::stop, usage);
    return "stop";
  }
  std::string piece = active.text.push(token);
  if (active.text.stopped()) {
    if (!piece.empty()) sink.text(piece);
    sink.finished(FinishReason::stop, usage);
    return "stop";
  }
  if (active.generated >= active.job.max_tokens) {
    piece += active.text.finish();
    if (!piece.empty()) sink.text(piece);
    sink.finished(FinishReason::length, usage);
    return "length";
  }
  if (!piece.empty()) sink.text(piece);
  return std::nullopt;
}

void Scheduler::release(std::int64_t sequence, std::string_view outcome) {
  const std::unique_ptr<Active> done = std::move(active_[static_cast<std::size_t>(sequence)]);
  session_.reset_sequence(sequence);
  if (options_.on_done) options_.on_done(done->job, done->generated, outcome);
}

void Scheduler::fail(std::int64_t sequence, const std::exception& error) {
  Active& active = *active_[static_cast<std::size_t>(sequence)];
  const auto* strata_error = dynamic_cast<const Error*>(&error);
  if (strata_error != nullptr && strata_error->code() == StatusCode::cancelled) {
    active.job.sink->failed(Failure::shutting_down, shutting_down_message);
    release(sequence, "shutting down");
    return;
  }
  active.job.sink->failed(Failure::error, error.what());
  release(sequence, std::string("error: ") + error.what());
}

}  // namespace strata::cli::serve
