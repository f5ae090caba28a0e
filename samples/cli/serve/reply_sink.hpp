// Where a job's output meets its HTTP reply: the text gathered into one OpenAI response, or
// streamed as server-sent events, one chunk per piece, as soon as the scheduler has it.
#pragma once

#include "http_types.hpp"
#include "job.hpp"
#include "openai_response.hpp"

#include <memory>
#include <mutex>
#include <string>

namespace strata::cli::serve {

class ReplySink final : public JobSink {
 public:
  ReplySink(ResponseIdentity identity, bool stream, bool include_usage, std::shared_ptr<Reply> reply);

  // Once the scheduler has queued the job: a stream sends its head now (and a chat stream its
  // role chunk), so that the client knows the request was taken. Any thread.
  void open();

  void text(std::string_view piece) override;
  void finished(FinishReason reason, const Usage& usage) override;
  void failed(Failure failure, const std::string& message) override;
  bool cancelled() const override { return reply_->gone(); }

 private:
  void open_locked();

  const ResponseIdentity identity_;
  const bool stream_;
  const bool include_usage_;
  const std::shared_ptr<Reply> reply_;
  // open() runs on the server's thread and the rest on the scheduler's: the lock keeps the
  // stream's head first.
  std::mutex mutex_;
  bool opened_ = false;
  std::string text_;  // the whole text, when not streaming
};

}  // namespace strata::cli::serve
