// The benchmark's only Beast file: asynchronous operations run to completion on a private
// io_context, so every wait has tcp_stream's deadline.
#include "stream_client.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <nlohmann/json.hpp>

#include <functional>
#include <stdexcept>

namespace strata::bench {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using clock = std::chrono::steady_clock;

}  // namespace

ServerAddress parse_url(const std::string& url) {
  constexpr std::string_view scheme = "http://";
  const std::size_t colon = url.rfind(':');
  if (!url.starts_with(scheme) || colon == std::string::npos || colon < scheme.size())
    throw std::runtime_error("--url takes http://HOST:PORT, not " + url);
  ServerAddress address;
  address.host = url.substr(scheme.size(), colon - scheme.size());
  if (address.host.starts_with('[') && address.host.ends_with(']'))
    address.host = address.host.substr(1, address.host.size() - 2);
  std::string port = url.substr(colon + 1);
  if (const std::size_t slash = port.find('/'); slash != std::string::npos) port.erase(slash);
  address.port = static_cast<std::uint16_t>(std::stoi(port));
  return address;
}

StreamTiming run_stream(const ServerAddress& address, const std::string& body, std::chrono::seconds deadline) {
  StreamTiming timing;
  asio::io_context io;
  beast::tcp_stream stream(io);
  beast::flat_buffer buffer;
  beast::error_code error;
  // Runs the operation `start` begins to its end.
  auto run = [&](const std::function<void()>& start) {
    error = {};
    start();
    io.restart();
    io.run();
    return !error;
  };
  auto done = [&](beast::error_code result, std::size_t) { error = result; };
  stream.expires_after(deadline);
  const clock::time_point sent = clock::now();
  auto seconds_since_sent = [&] { return std::chrono::duration<double>(clock::now() - sent).count(); };

  if (!run([&] {
        stream.async_connect(tcp::endpoint(asio::ip::make_address(address.host), address.port),
                             [&](beast::error_code result) { error = result; });
      })) {
    timing.error = "connect: " + error.message();
    return timing;
  }
  http::request<http::string_body> request{http::verb::post, "/v1/completions", 11};
  request.set(http::field::host, address.host);
  request.set(http::field::content_type, "application/json");
  request.body() = body;
  request.prepare_payload();
  if (!run([&] { http::async_write(stream, request, done); })) {
    timing.error = "send: " + error.message();
    return timing;
  }

  http::response_parser<http::string_body> parser;
  std::string pending;
  bool finished = false;
  bool first = true;
  // Each event as it arrives: a piece of text, the usage, an error, or [DONE].
  auto on_event = [&](std::string_view event) {
    if (event.starts_with("data: ")) event.remove_prefix(6);
    if (event == "[DONE]") {
      finished = true;
      return;
    }
    const nlohmann::json chunk = nlohmann::json::parse(event, nullptr, false);
    if (!chunk.is_object()) return;
    if (chunk.contains("error")) {
      timing.error = chunk["error"].value("message", std::string("an error event"));
      return;
    }
    if (chunk.contains("usage") && chunk["usage"].is_object())
      timing.completion_tokens = chunk["usage"].value("completion_tokens", std::int64_t{0});
    const nlohmann::json& choices = chunk.value("choices", nlohmann::json::array());
    if (choices.empty() || !choices[0].contains("text") || choices[0]["text"].get<std::string>().empty()) return;
    const double now = seconds_since_sent();
    if (first) timing.first_text_seconds = now;
    first = false;
    timing.last_text_seconds = now;
  };
  std::function<std::size_t(std::uint64_t, beast::string_view, beast::error_code&)> on_chunk =
      [&](std::uint64_t, beast::string_view data, beast::error_code&) {
        pending.append(data.data(), data.size());
        for (std::size_t end = pending.find("\n\n"); end != std::string::npos; end = pending.find("\n\n")) {
          on_event(std::string_view(pending).substr(0, end));
          pending.erase(0, end + 2);
        }
        return data.size();
      };
  parser.on_chunk_body(on_chunk);
  if (!run([&] { http::async_read_header(stream, buffer, parser, done); })) {
    timing.error = "no answer: " + error.message();
    return timing;
  }
  timing.status = static_cast<int>(parser.get().result_int());
  while (!parser.is_done()) {
    if (!run([&] { http::async_read_some(stream, buffer, parser, done); })) {
      timing.error = "the stream broke: " + error.message();
      return timing;
    }
  }
  if (timing.status != 200 && timing.error.empty())
    timing.error = "HTTP " + std::to_string(timing.status) + ": " + parser.get().body();
  if (timing.error.empty() && !finished) timing.error = "the stream ended without [DONE]";
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  return timing;
}

}  // namespace strata::bench
