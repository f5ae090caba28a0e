// Beast's asynchronous operations, each run to completion on a private io_context: a blocking
// client whose every wait has a deadline (tcp_stream's timeout).
#include "http_client.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <functional>
#include <stdexcept>

namespace serve_test {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

struct Connection {
  asio::io_context io;
  beast::tcp_stream stream{io};
  beast::flat_buffer buffer;

  // Runs one asynchronous operation started by `start` to its end, within `deadline`.
  beast::error_code run(std::chrono::milliseconds deadline,
                        const std::function<void(std::function<void(beast::error_code, std::size_t)>)>& start) {
    beast::error_code result;
    stream.expires_after(deadline);
    start([&result](beast::error_code error, std::size_t) { result = error; });
    io.restart();
    io.run();
    return result;
  }

  void connect(std::uint16_t port, std::chrono::milliseconds deadline) {
    beast::error_code error;
    stream.expires_after(deadline);
    stream.async_connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port),
                         [&error](beast::error_code connect_error) { error = connect_error; });
    io.restart();
    io.run();
    if (error) throw std::runtime_error("cannot connect to port " + std::to_string(port) + ": " + error.message());
  }

  void send(const std::string& method, const std::string& target, const std::string& body,
            std::chrono::milliseconds deadline) {
    http::request<http::string_body> message;
    message.method_string(method);
    message.target(target);
    message.version(11);
    message.set(http::field::host, "127.0.0.1");
    if (!body.empty()) message.set(http::field::content_type, "application/json");
    message.body() = body;
    message.prepare_payload();
    const beast::error_code error = run(deadline, [&](auto done) { http::async_write(stream, message, done); });
    if (error) throw std::runtime_error("cannot send " + method + " " + target + ": " + error.message());
  }
};

template <class Body>
void copy_head(const http::response<Body>& message, Response& out) {
  out.status = static_cast<int>(message.result_int());
  for (const auto& field : message) {
    std::string name(field.name_string());
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    out.headers[name] = std::string(field.value());
  }
}

}  // namespace

Response request(std::uint16_t port, const std::string& method, const std::string& target, const std::string& body,
                 std::chrono::milliseconds deadline) {
  Connection connection;
  connection.connect(port, deadline);
  connection.send(method, target, body, deadline);
  http::response_parser<http::string_body> parser;
  parser.body_limit(64u << 20);
  const beast::error_code error = connection.run(
      deadline, [&](auto done) { http::async_read(connection.stream, connection.buffer, parser, done); });
  if (error) throw std::runtime_error("no answer to " + method + " " + target + ": " + error.message());
  Response response;
  copy_head(parser.get(), response);
  response.body = parser.get().body();
  return response;
}

struct Stream::Impl {
  Connection connection;
  http::response_parser<http::string_body> parser;
  std::string pending;  // chunk data not yet returned as events
  std::function<std::size_t(std::uint64_t, beast::string_view, beast::error_code&)> on_chunk =
      [this](std::uint64_t, beast::string_view data, beast::error_code&) {
        pending.append(data.data(), data.size());
        return data.size();
      };
  Response head;
  bool closed = false;

  // Reads more of the body; false at its end.
  bool read_more(std::chrono::milliseconds deadline) {
    if (closed || parser.is_done()) return false;
    const beast::error_code error = connection.run(
        deadline, [&](auto done) { http::async_read_some(connection.stream, connection.buffer, parser, done); });
    if (error == http::error::end_of_stream || error == asio::error::eof) return false;
    if (error) throw std::runtime_error("the stream broke: " + error.message());
    return true;
  }
};

Stream::Stream(std::uint16_t port, const std::string& target, const std::string& body)
    : impl_(std::make_unique<Impl>()) {
  impl_->parser.body_limit(64u << 20);
  impl_->parser.on_chunk_body(impl_->on_chunk);
  impl_->connection.connect(port, default_deadline);
  impl_->connection.send("POST", target, body, default_deadline);
  const beast::error_code error = impl_->connection.run(default_deadline, [&](auto done) {
    http::async_read_header(impl_->connection.stream, impl_->connection.buffer, impl_->parser, done);
  });
  if (error) throw std::runtime_error("no answer to POST " + target + ": " + error.message());
  copy_head(impl_->parser.get(), impl_->head);
}

Stream::~Stream() = default;

const Response& Stream::head() const { return impl_->head; }

std::optional<std::string> Stream::next_event(std::chrono::milliseconds deadline) {
  while (true) {
    const std::size_t end = impl_->pending.find("\n\n");
    if (end != std::string::npos) {
      std::string event = impl_->pending.substr(0, end);
      impl_->pending.erase(0, end + 2);
      constexpr std::string_view prefix = "data: ";
      if (event.starts_with(prefix)) event.erase(0, prefix.size());
      return event;
    }
    if (!impl_->read_more(deadline)) return std::nullopt;
  }
}

std::vector<std::string> Stream::all_events(std::chrono::milliseconds deadline) {
  std::vector<std::string> events;
  while (std::optional<std::string> event = next_event(deadline)) events.push_back(std::move(*event));
  return events;
}

std::string Stream::rest(std::chrono::milliseconds deadline) {
  while (impl_->read_more(deadline)) {
  }
  return impl_->parser.get().body() + impl_->pending;
}

void Stream::close() {
  impl_->closed = true;
  beast::error_code ignored;
  impl_->connection.stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  impl_->connection.stream.close();
}

RawOutcome raw_exchange(std::uint16_t port, const std::string& bytes, std::chrono::milliseconds deadline) {
  Connection connection;
  connection.connect(port, deadline);
  const auto start = std::chrono::steady_clock::now();
  if (!bytes.empty()) {
    const beast::error_code error =
        connection.run(deadline, [&](auto done) { asio::async_write(connection.stream, asio::buffer(bytes), done); });
    if (error) throw std::runtime_error("cannot send: " + error.message());
  }
  RawOutcome outcome;
  std::array<char, 4096> chunk{};
  while (true) {
    std::size_t got = 0;
    beast::error_code error;
    connection.stream.expires_at(start + deadline);
    connection.stream.async_read_some(asio::buffer(chunk), [&](beast::error_code read_error, std::size_t size) {
      error = read_error;
      got = size;
    });
    connection.io.restart();
    connection.io.run();
    outcome.received.append(chunk.data(), got);
    if (error) {
      outcome.closed_by_server = error != beast::error::timeout;
      break;
    }
  }
  outcome.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return outcome;
}

}  // namespace serve_test
