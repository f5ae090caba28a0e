// The server's HTTP side as the rest of `strata serve` sees it, without Boost: a request read in
// full, and a Reply to answer it with, at once or as a stream, from any thread.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace strata::cli::serve {

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string target;  // as sent: the path, and a query if any
  std::string body;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;  // besides Content-Type (Retry-After, Allow, ...)
  std::string body;
};

// The answer to one request. Either send() once, or start_stream(), write() any number of times
// and end(). Every call is safe from any thread and reaches the client in the order it was made.
// A Reply dropped before it is complete completes itself (a 500 error, or the end of the stream).
class Reply {
 public:
  virtual ~Reply() = default;
  virtual void send(HttpResponse response) = 0;
  // The status and headers of a body sent in pieces (chunked transfer); `head.body` is ignored.
  virtual void start_stream(HttpResponse head) = 0;
  virtual void write(std::string data) = 0;
  virtual void end() = 0;
  // True once the client has gone (it closed the connection, or a write to it failed): whatever
  // is still written is dropped, and the work for it may stop.
  virtual bool gone() const = 0;
};

// Called on the server's thread for each request; must not block (hand long work to another
// thread, which answers through the Reply).
using Handler = std::function<void(const HttpRequest& request, const std::shared_ptr<Reply>& reply)>;

}  // namespace strata::cli::serve
