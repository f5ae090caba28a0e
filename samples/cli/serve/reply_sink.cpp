#include "reply_sink.hpp"

#include "sse.hpp"

#include <utility>

namespace strata::cli::serve {

ReplySink::ReplySink(ResponseIdentity identity, bool stream, bool include_usage, std::shared_ptr<Reply> reply)
    : identity_(std::move(identity)), stream_(stream), include_usage_(include_usage), reply_(std::move(reply)) {}

void ReplySink::open() {
  std::lock_guard lock(mutex_);
  open_locked();
}

void ReplySink::open_locked() {
  if (opened_ || !stream_) return;
  opened_ = true;
  HttpResponse head;
  head.content_type = std::string(sse_content_type);
  head.headers = {{"Cache-Control", "no-cache"}};
  reply_->start_stream(std::move(head));
  if (identity_.endpoint == Endpoint::chat) reply_->write(sse_event(dump_json(chat_role_chunk_json(identity_))));
}

void ReplySink::text(std::string_view piece) {
  std::lock_guard lock(mutex_);
  if (!stream_) {
    text_ += piece;
    return;
  }
  open_locked();
  reply_->write(sse_event(dump_json(chunk_json(identity_, piece))));
}

void ReplySink::finished(FinishReason reason, const Usage& usage) {
  std::lock_guard lock(mutex_);
  if (!stream_) {
    reply_->send({200, "application/json", {}, dump_json(completion_json(identity_, text_, reason, usage))});
    return;
  }
  open_locked();
  std::string tail = sse_event(dump_json(chunk_json(identity_, "", reason)));
  if (include_usage_) tail += sse_event(dump_json(usage_chunk_json(identity_, usage)));
  tail += sse_done();
  reply_->write(std::move(tail));
  reply_->end();
}

void ReplySink::failed(Failure failure, const std::string& message) {
  std::lock_guard lock(mutex_);
  const int status = failure == Failure::shutting_down ? 503 : 500;
  if (!stream_) {
    HttpResponse response{status, "application/json", {}, dump_json(error_json(status, message))};
    if (failure == Failure::shutting_down) response.headers.push_back({"Retry-After", "5"});
    reply_->send(std::move(response));
    return;
  }
  // The head has gone out with 200: the error travels as an event, as OpenAI's streams carry it.
  open_locked();
  reply_->write(sse_event(dump_json(error_json(status, message))) + sse_done());
  reply_->end();
}

}  // namespace strata::cli::serve
