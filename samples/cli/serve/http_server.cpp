// The one file of `strata serve` that sees Boost.Beast and Boost.Asio. One io_context, run by
// the thread that calls run(): every connection, timer and signal handler runs there, so they
// share their state without locks; the scheduler's thread reaches a connection only through
// asio::post (ConnectionReply).
#include "http_server.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

#include <fmt/format.h>

#include <atomic>
#include <csignal>
#include <deque>
#include <exception>
#include <optional>
#include <set>
#include <stdexcept>
#include <utility>
#include <vector>

namespace strata::cli::serve {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

class Connection;

// What the server's connections share; touched on the server's thread only.
struct ServerState {
  void accept();
  void wait_for_signal(const std::function<void()>& on_stop);
  void begin_shutdown(const std::function<void()>& on_stop);
  void closed(Connection* connection);

  ServerConfig config;
  Handler handler;
  std::set<Connection*> connections;
  bool stopping = false;
  bool running = false;
  // Declared after what the connections use: destroying the io_context destroys the handlers it
  // still holds, and with them the last connections.
  asio::io_context io{1};
  tcp::acceptor acceptor{io};
  asio::signal_set signals{io};
  asio::steady_timer grace{io};
  asio::steady_timer accept_retry{io};
};

template <class Body>
void set_headers(http::response<Body>& message, const HttpResponse& response) {
  message.set(http::field::server, "strata");
  message.set(http::field::content_type, response.content_type);
  for (const auto& [name, value] : response.headers) message.set(name, value);
}

// One client connection: reads a request, hands it to the handler, writes the reply it is
// given, then reads the next request (keep-alive) or closes.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(tcp::socket socket, ServerState& server) : stream_(std::move(socket)), server_(server) {
    server_.connections.insert(this);
  }
  ~Connection() { server_.closed(this); }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  void start() { read_request(); }
  // At shutdown: an idle connection closes now, a busy one after its reply.
  void stop_when_idle();
  asio::any_io_executor executor() { return stream_.get_executor(); }

  // The parts of the reply to request `number`, as ConnectionReply posts them. Parts for a
  // request that is no longer the current one (its client went away) are dropped.
  void send(std::uint64_t number, HttpResponse response);
  void start_stream(std::uint64_t number, HttpResponse head);
  void write(std::uint64_t number, std::string data);
  void end(std::uint64_t number);
  void abandoned(std::uint64_t number);

 private:
  enum class Phase { reading, replying, closed };
  struct Outgoing {
    enum class Kind { message, head, chunk, raw, last_chunk };
    Kind kind = Kind::raw;
    std::shared_ptr<http::response<http::string_body>> message;
    std::shared_ptr<http::response<http::empty_body>> head;
    std::string data;
  };

  void read_request();
  void on_header(beast::error_code error);
  void read_body();
  void on_read_error(beast::error_code error);
  void dispatch();
  void begin_reply(unsigned version, bool keep_alive);
  void reply_error(int status, std::string_view message);
  void watch_peer();
  bool current(std::uint64_t number) const { return phase_ == Phase::replying && number == number_; }
  void flush();
  void on_written(beast::error_code error);
  void reply_done();
  void close();

  beast::tcp_stream stream_;
  ServerState& server_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  Phase phase_ = Phase::reading;
  std::uint64_t number_ = 0;  // of the request being answered
  unsigned version_ = 11;
  bool keep_alive_ = false;
  bool started_ = false;      // the reply's head is queued
  bool chunked_ = false;      // a stream's body goes in chunks (HTTP/1.1), else until the close (HTTP/1.0)
  bool last_queued_ = false;  // the reply's last part is queued
  std::shared_ptr<std::atomic<bool>> gone_ = std::make_shared<std::atomic<bool>>(false);
  std::deque<Outgoing> outgoing_;
  bool writing_ = false;
  std::optional<http::response_serializer<http::empty_body>> head_serializer_;
};

// The Reply a handler gets: each call posts to the connection's thread. It keeps the connection
// alive until it is dropped.
class ConnectionReply final : public Reply {
 public:
  ConnectionReply(std::shared_ptr<Connection> connection, std::uint64_t number, std::shared_ptr<std::atomic<bool>> gone)
      : executor_(connection->executor()),
        connection_(std::move(connection)),
        number_(number),
        gone_(std::move(gone)) {}
  // The reference to the connection goes back to the server's thread, even when the reply was
  // complete: it may be the last one, and a connection that closes changes what the server's
  // connections share, which only that thread touches (ThreadSanitizer caught ~Connection running
  // on the scheduler's thread).
  ~ConnectionReply() override {
    post([connection = std::move(connection_), number = number_, abandoned = !complete_.load()] {
      if (abandoned) connection->abandoned(number);
    });
  }
  ConnectionReply(const ConnectionReply&) = delete;
  ConnectionReply& operator=(const ConnectionReply&) = delete;

  void send(HttpResponse response) override {
    if (complete_.exchange(true)) return;
    post([connection = connection_, number = number_, response = std::move(response)]() mutable {
      connection->send(number, std::move(response));
    });
  }
  void start_stream(HttpResponse head) override {
    if (complete_.load()) return;
    post([connection = connection_, number = number_, head = std::move(head)]() mutable {
      connection->start_stream(number, std::move(head));
    });
  }
  void write(std::string data) override {
    if (complete_.load()) return;
    post([connection = connection_, number = number_, data = std::move(data)]() mutable {
      connection->write(number, std::move(data));
    });
  }
  void end() override {
    if (complete_.exchange(true)) return;
    post([connection = connection_, number = number_] { connection->end(number); });
  }
  bool gone() const override { return gone_->load(); }

 private:
  template <class Function>
  void post(Function&& function) {
    asio::post(executor_, std::forward<Function>(function));
  }

  const asio::any_io_executor executor_;  // copied on the server's thread, read from any
  std::shared_ptr<Connection> connection_;
  std::uint64_t number_;
  std::shared_ptr<std::atomic<bool>> gone_;
  std::atomic<bool> complete_{false};
};

void Connection::read_request() {
  phase_ = Phase::reading;
  parser_.emplace();
  parser_->header_limit(server_.config.max_header_bytes);
  parser_->body_limit(server_.config.max_body_bytes);
  // One deadline for the whole request, from its first byte to its last (or for the idle time
  // before the next one): a client that sends nothing, or sends slowly, is let go.
  stream_.expires_after(server_.config.read_timeout);
  http::async_read_header(
      stream_, buffer_, *parser_,
      [self = shared_from_this()](beast::error_code error, std::size_t) { self->on_header(error); });
}

void Connection::on_header(beast::error_code error) {
  if (error) return on_read_error(error);
  const http::request<http::string_body>& request = parser_->get();
  if (request.version() >= 11 && beast::iequals(request[http::field::expect], "100-continue") && !parser_->is_done()) {
    // curl asks before it sends a body over 1 KiB; the size was checked with the headers.
    static constexpr std::string_view go_on = "HTTP/1.1 100 Continue\r\n\r\n";
    stream_.expires_after(server_.config.write_timeout);
    asio::async_write(stream_, asio::buffer(go_on.data(), go_on.size()),
                      [self = shared_from_this()](beast::error_code write_error, std::size_t) {
                        if (write_error) return self->close();
                        self->stream_.expires_after(self->server_.config.read_timeout);
                        self->read_body();
                      });
    return;
  }
  read_body();
}

void Connection::read_body() {
  if (parser_->is_done()) return dispatch();
  http::async_read(stream_, buffer_, *parser_, [self = shared_from_this()](beast::error_code error, std::size_t) {
    if (error) return self->on_read_error(error);
    self->dispatch();
  });
}

void Connection::on_read_error(beast::error_code error) {
  if (error == http::error::body_limit)
    return reply_error(413, fmt::format("the request body is larger than this server takes ({} bytes)",
                                        server_.config.max_body_bytes));
  if (error == http::error::header_limit)
    return reply_error(431, fmt::format("the request line and headers are larger than this server takes ({} bytes)",
                                        server_.config.max_header_bytes));
  // A malformed request gets an answer; a timeout, a client that closed or reset, does not.
  if (error.category() == beast::error_code(http::error::bad_method).category() &&
      error != http::error::end_of_stream && error != http::error::partial_message)
    return reply_error(400, fmt::format("malformed HTTP request: {}", error.message()));
  close();
}

void Connection::begin_reply(unsigned version, bool keep_alive) {
  phase_ = Phase::replying;
  ++number_;
  version_ = version;
  keep_alive_ = keep_alive && !server_.stopping;
  started_ = false;
  chunked_ = false;
  last_queued_ = false;
  gone_ = std::make_shared<std::atomic<bool>>(false);
  stream_.expires_never();  // the work for the reply may take long; each write sets its own deadline
}

void Connection::reply_error(int status, std::string_view message) {
  begin_reply(11, false);
  send(number_, server_.config.error_response(status, message));
}

void Connection::dispatch() {
  http::request<http::string_body> request = parser_->release();
  parser_.reset();
  begin_reply(request.version(), request.keep_alive());
  HttpRequest in{std::string(request.method_string()), std::string(request.target()), std::move(request.body())};
  const auto reply = std::make_shared<ConnectionReply>(shared_from_this(), number_, gone_);
  watch_peer();
  try {
    server_.handler(in, reply);
  } catch (const std::exception& error) {
    reply->send(server_.config.error_response(500, error.what()));
  }
}

// While a reply is being made, a client that closes its connection has gone: the socket turns
// readable with nothing to read. Data instead is its next request, read once this reply is done.
void Connection::watch_peer() {
  stream_.socket().async_wait(
      tcp::socket::wait_read, [self = shared_from_this(), number = number_](beast::error_code error) {
        if (error || !self->current(number)) return;
        char byte = 0;
        beast::error_code peek_error;
        const std::size_t size =
            self->stream_.socket().receive(asio::buffer(&byte, 1), tcp::socket::message_peek, peek_error);
        if (peek_error || size == 0) self->close();
      });
}

void Connection::send(std::uint64_t number, HttpResponse response) {
  if (!current(number) || started_) return;
  started_ = true;
  last_queued_ = true;
  auto message =
      std::make_shared<http::response<http::string_body>>(static_cast<http::status>(response.status), version_);
  set_headers(*message, response);
  message->keep_alive(keep_alive_);
  message->body() = std::move(response.body);
  message->prepare_payload();
  outgoing_.push_back({Outgoing::Kind::message, std::move(message), nullptr, {}});
  flush();
}

void Connection::start_stream(std::uint64_t number, HttpResponse head) {
  if (!current(number) || started_) return;
  started_ = true;
  chunked_ = version_ >= 11;
  if (!chunked_) keep_alive_ = false;  // an HTTP/1.0 body ends with the connection
  auto message = std::make_shared<http::response<http::empty_body>>(static_cast<http::status>(head.status), version_);
  set_headers(*message, head);
  message->keep_alive(keep_alive_);
  if (chunked_) message->chunked(true);
  outgoing_.push_back({Outgoing::Kind::head, nullptr, std::move(message), {}});
  flush();
}

void Connection::write(std::uint64_t number, std::string data) {
  if (!current(number) || !started_ || last_queued_ || data.empty()) return;
  outgoing_.push_back({chunked_ ? Outgoing::Kind::chunk : Outgoing::Kind::raw, nullptr, nullptr, std::move(data)});
  flush();
}

void Connection::end(std::uint64_t number) {
  if (!current(number) || !started_ || last_queued_) return;
  last_queued_ = true;
  if (chunked_) outgoing_.push_back({Outgoing::Kind::last_chunk, nullptr, nullptr, {}});
  flush();
}

void Connection::abandoned(std::uint64_t number) {
  if (!current(number) || last_queued_) return;
  if (!started_) return send(number, server_.config.error_response(500, "the server dropped this request unanswered"));
  end(number);
}

// Writes the queued parts one at a time, each within write_timeout.
void Connection::flush() {
  if (writing_ || phase_ == Phase::closed) return;
  if (outgoing_.empty()) {
    if (last_queued_) reply_done();
    return;
  }
  writing_ = true;
  Outgoing& item = outgoing_.front();
  stream_.expires_after(server_.config.write_timeout);
  auto done = [self = shared_from_this()](beast::error_code error, std::size_t) { self->on_written(error); };
  switch (item.kind) {
    case Outgoing::Kind::message:
      http::async_write(stream_, *item.message, std::move(done));
      break;
    case Outgoing::Kind::head:
      head_serializer_.emplace(*item.head);
      http::async_write_header(stream_, *head_serializer_, std::move(done));
      break;
    case Outgoing::Kind::chunk:
      asio::async_write(stream_, http::make_chunk(asio::buffer(item.data)), std::move(done));
      break;
    case Outgoing::Kind::raw:
      asio::async_write(stream_, asio::buffer(item.data), std::move(done));
      break;
    case Outgoing::Kind::last_chunk:
      asio::async_write(stream_, http::make_chunk_last(), std::move(done));
      break;
  }
}

void Connection::on_written(beast::error_code error) {
  writing_ = false;
  head_serializer_.reset();
  if (!outgoing_.empty()) outgoing_.pop_front();
  if (error || phase_ == Phase::closed) {
    outgoing_.clear();  // nothing is being written from them any more
    return close();
  }
  flush();
}

void Connection::reply_done() {
  if (keep_alive_ && !server_.stopping) return read_request();
  beast::error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  close();
}

void Connection::close() {
  if (phase_ == Phase::closed) return;
  phase_ = Phase::closed;
  gone_->store(true);  // the work for the reply, if any, may stop
  stream_.close();
}

void Connection::stop_when_idle() {
  keep_alive_ = false;
  if (phase_ == Phase::reading) close();
}

void ServerState::accept() {
  acceptor.async_accept([this](beast::error_code error, tcp::socket socket) {
    if (stopping || error == asio::error::operation_aborted) return;
    if (error) {
      // Out of file descriptors, or a connection reset before it was taken: try again shortly.
      accept_retry.expires_after(std::chrono::milliseconds(100));
      accept_retry.async_wait([this](beast::error_code wait_error) {
        if (!wait_error && !stopping) accept();
      });
      return;
    }
    beast::error_code ignored;
    if (connections.size() >= config.max_connections) {
      socket.close(ignored);
    } else {
      socket.set_option(tcp::no_delay(true), ignored);  // streamed pieces leave at once
      std::make_shared<Connection>(std::move(socket), *this)->start();
    }
    accept();
  });
}

void ServerState::wait_for_signal(const std::function<void()>& on_stop) {
  signals.async_wait([this, &on_stop](beast::error_code error, int) {
    if (error) return;
    begin_shutdown(on_stop);
    wait_for_signal(on_stop);
  });
}

void ServerState::begin_shutdown(const std::function<void()>& on_stop) {
  if (stopping) return io.stop();  // a second signal: stop now
  stopping = true;
  beast::error_code ignored;
  acceptor.close(ignored);
  accept_retry.cancel();
  if (on_stop) on_stop();  // the replies waiting for work get their last parts posted
  for (Connection* connection : std::vector<Connection*>(connections.begin(), connections.end()))
    connection->stop_when_idle();
  if (connections.empty()) return io.stop();
  grace.expires_after(config.shutdown_grace);
  grace.async_wait([this](beast::error_code error) {
    if (!error) io.stop();
  });
}

void ServerState::closed(Connection* connection) {
  connections.erase(connection);
  if (stopping && running && connections.empty()) io.stop();
}

HttpResponse plain_error(int status, std::string_view message) {
  return {status, "text/plain; charset=utf-8", {}, std::string(message) + "\n"};
}

}  // namespace

struct HttpServer::Impl : ServerState {};

HttpServer::HttpServer(ServerConfig config, Handler handler) : impl_(std::make_unique<Impl>()) {
  ServerState& state = *impl_;
  state.config = std::move(config);
  state.handler = std::move(handler);
  if (!state.config.error_response) state.config.error_response = plain_error;
  const std::string where = fmt::format("{}:{}", state.config.host, state.config.port);
  beast::error_code error;
  tcp::resolver resolver(state.io);
  const tcp::resolver::results_type found =
      resolver.resolve(state.config.host, std::to_string(state.config.port),
                       tcp::resolver::passive | tcp::resolver::numeric_service, error);
  if (error || found.empty())
    throw std::runtime_error(
        fmt::format("cannot listen on {}: the host does not resolve ({})", where, error.message()));
  const tcp::endpoint endpoint = found.begin()->endpoint();
  auto check = [&](const char* step) {
    if (error)
      throw std::runtime_error(fmt::format("cannot listen on {}: {} failed: {}", where, step, error.message()));
  };
  state.acceptor.open(endpoint.protocol(), error);
  check("open");
  state.acceptor.set_option(asio::socket_base::reuse_address(true), error);
  check("setsockopt");
  state.acceptor.bind(endpoint, error);
  check("bind");
  state.acceptor.listen(asio::socket_base::max_listen_connections, error);
  check("listen");
}

HttpServer::~HttpServer() = default;

std::uint16_t HttpServer::port() const {
  beast::error_code error;
  return impl_->acceptor.local_endpoint(error).port();
}

std::string HttpServer::url() const {
  beast::error_code error;
  const tcp::endpoint endpoint = impl_->acceptor.local_endpoint(error);
  const std::string address = endpoint.address().to_string();
  return endpoint.address().is_v6() ? fmt::format("http://[{}]:{}", address, endpoint.port())
                                    : fmt::format("http://{}:{}", address, endpoint.port());
}

void HttpServer::run(const std::function<void()>& on_stop) {
  ServerState& state = *impl_;
  std::signal(SIGPIPE, SIG_IGN);  // a client gone is an error code on the write, not a signal
  state.signals.add(SIGINT);
  state.signals.add(SIGTERM);
  state.wait_for_signal(on_stop);
  state.accept();
  state.running = true;
  state.io.run();
  state.running = false;
}

}  // namespace strata::cli::serve
