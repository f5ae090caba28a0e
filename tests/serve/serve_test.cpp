// `strata serve` as a client sees it: the server runs as a child process (--port 0, the CPU), on
// the demo model (byte-level tokens, no chat template) and on the chat model make_chat_model
// writes (Qwen3's tokenizer and template, weights whose greedy reply is "Hello!"), and the tests
// talk to it over HTTP. Greedy completions are checked against `strata run` and against the same
// requests run alone; streams, errors, the queue, clients that go away and the stop on a signal
// as a client would meet them.
#include "http_client.hpp"
#include "server_process.hpp"

#include <strata/chat_template.hpp>
#include <strata/tokenizer.hpp>

#include <strata_test/shell.hpp>
#include <strata_test/temp_dir.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <signal.h>

#include <filesystem>
#include <fstream>
#include <future>
#include <string>
#include <thread>
#include <vector>

namespace {

using nlohmann::json;
using serve_test::Response;
using serve_test::ServerProcess;
using serve_test::Stream;

const std::string demo_model = STRATA_DEMO_MODEL_DIR;
const std::filesystem::path chat_model = STRATA_SERVE_CHAT_MODEL;

Response post(const ServerProcess& server, const std::string& target, const json& body) {
  return serve_test::request(server.port(), "POST", target, body.dump());
}

json completion(const ServerProcess& server, const std::string& prompt, int max_tokens) {
  const Response response =
      post(server, "/v1/completions", {{"prompt", prompt}, {"max_tokens", max_tokens}, {"temperature", 0}});
  EXPECT_EQ(response.status, 200) << response.body;
  return json::parse(response.body);
}

std::string completion_text(const ServerProcess& server, const std::string& prompt, int max_tokens) {
  return completion(server, prompt, max_tokens)["choices"][0]["text"].get<std::string>();
}

// What `strata run` generates greedily from `prompt` on the demo model.
std::string strata_run_text(const std::string& prompt, int max_new_tokens) {
  const std::string command = "STRATA_CACHE_DIR='" + std::string(STRATA_SERVE_CACHE) +
                              "' STRATA_PLUGIN_PATH= " + STRATA_CLI + " run --json --device-map cpu --model '" +
                              demo_model + "' --prompt '" + prompt + "' --max-new-tokens " +
                              std::to_string(max_new_tokens) + " 2>/dev/null";
  const strata_test::ShellOutcome outcome = strata_test::run_shell(command);
  EXPECT_EQ(outcome.status, 0) << command;
  return json::parse(outcome.out)["generated_text"].get<std::string>();
}

// The events of a stream before [DONE], parsed; `done` tells whether [DONE] ended it.
std::vector<json> parse_events(const std::vector<std::string>& events, bool& done) {
  std::vector<json> chunks;
  done = false;
  for (const std::string& event : events) {
    EXPECT_FALSE(done) << "an event after [DONE]: " << event;
    if (event == "[DONE]") {
      done = true;
      continue;
    }
    chunks.push_back(json::parse(event));
  }
  return chunks;
}

void expect_error(const Response& response, int status, const std::string& param, const std::string& needle) {
  EXPECT_EQ(response.status, status) << response.body;
  EXPECT_EQ(response.header("content-type"), "application/json");
  const json body = json::parse(response.body, nullptr, false);
  ASSERT_TRUE(body.is_object() && body.contains("error")) << response.body;
  const json& error = body["error"];
  EXPECT_EQ(error["type"], status >= 500 ? "server_error" : "invalid_request_error") << response.body;
  if (param.empty()) {
    EXPECT_TRUE(error["param"].is_null()) << response.body;
  } else {
    EXPECT_EQ(error["param"], param) << response.body;
  }
  EXPECT_NE(error["message"].get<std::string>().find(needle), std::string::npos)
      << "'" << needle << "' missing from: " << error["message"];
}

TEST(Serve, HealthAndModelsAndAStopOnSigint) {
  ServerProcess server({});
  EXPECT_EQ(server.listening_line(), "listening on http://127.0.0.1:" + std::to_string(server.port()));
  const Response health = serve_test::request(server.port(), "GET", "/health");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(json::parse(health.body), json({{"status", "ok"}}));
  EXPECT_EQ(serve_test::request(server.port(), "GET", "/health?verbose=1").status, 200);  // a query is ignored

  const Response models = serve_test::request(server.port(), "GET", "/v1/models");
  ASSERT_EQ(models.status, 200);
  const json list = json::parse(models.body);
  EXPECT_EQ(list["object"], "list");
  ASSERT_EQ(list["data"].size(), 1u);
  EXPECT_EQ(list["data"][0]["id"], "tiny-llama-pystdlib");  // the folder's name
  EXPECT_EQ(list["data"][0]["object"], "model");
  EXPECT_EQ(server.stop(SIGINT), 0) << server.log();
}

TEST(Serve, AGreedyCompletionIsWhatStrataRunGenerates) {
  ServerProcess server({});
  const std::string prompt = "import os";
  const json reply = completion(server, prompt, 24);
  EXPECT_EQ(reply["object"], "text_completion");
  EXPECT_TRUE(reply["id"].get<std::string>().starts_with("cmpl-")) << reply;
  EXPECT_EQ(reply["model"], "tiny-llama-pystdlib");
  EXPECT_TRUE(reply["created"].is_number_integer());
  ASSERT_EQ(reply["choices"].size(), 1u);
  EXPECT_EQ(reply["choices"][0]["index"], 0);
  EXPECT_EQ(reply["choices"][0]["text"], strata_run_text(prompt, 24));
  EXPECT_EQ(reply["choices"][0]["finish_reason"], "length");  // the demo model has no end-of-sequence token
  EXPECT_EQ(reply["usage"],
            json({{"prompt_tokens", prompt.size()}, {"completion_tokens", 24}, {"total_tokens", prompt.size() + 24}}));

  // A stop string ends the text before it, with finish_reason "stop".
  const std::string full = reply["choices"][0]["text"];
  ASSERT_GE(full.size(), 4u);
  const std::string stop = full.substr(2, 2);
  const Response stopped =
      post(server, "/v1/completions", {{"prompt", prompt}, {"max_tokens", 24}, {"temperature", 0}, {"stop", {stop}}});
  ASSERT_EQ(stopped.status, 200) << stopped.body;
  const json stopped_reply = json::parse(stopped.body);
  EXPECT_EQ(stopped_reply["choices"][0]["text"], full.substr(0, full.find(stop)));
  EXPECT_EQ(stopped_reply["choices"][0]["finish_reason"], "stop");
  EXPECT_EQ(server.stop(SIGTERM), 0) << server.log();
}

TEST(Serve, AStreamJoinsToTheSameTextAndEndsWithDone) {
  ServerProcess server({});
  const std::string prompt = "def main(";
  const std::string whole = completion_text(server, prompt, 20);

  Stream stream(server.port(), "/v1/completions",
                json({{"prompt", prompt},
                      {"max_tokens", 20},
                      {"temperature", 0},
                      {"stream", true},
                      {"stream_options", {{"include_usage", true}}}})
                    .dump());
  ASSERT_EQ(stream.head().status, 200);
  EXPECT_EQ(stream.head().header("content-type"), "text/event-stream");
  EXPECT_EQ(stream.head().header("transfer-encoding"), "chunked");
  bool done = false;
  const std::vector<json> chunks = parse_events(stream.all_events(), done);
  EXPECT_TRUE(done) << "the stream must end with data: [DONE]";
  ASSERT_GE(chunks.size(), 3u);
  std::string joined;
  for (std::size_t i = 0; i + 2 < chunks.size(); ++i) {
    EXPECT_EQ(chunks[i]["object"], "text_completion");
    EXPECT_TRUE(chunks[i]["choices"][0]["finish_reason"].is_null());
    joined += chunks[i]["choices"][0]["text"].get<std::string>();
  }
  EXPECT_EQ(joined, whole);
  const json& last = chunks[chunks.size() - 2];
  EXPECT_EQ(last["choices"][0]["finish_reason"], "length");
  EXPECT_EQ(last["choices"][0]["text"], "");
  const json& usage = chunks.back();  // stream_options.include_usage
  EXPECT_TRUE(usage["choices"].empty());
  EXPECT_EQ(usage["usage"]["completion_tokens"], 20);
  EXPECT_EQ(chunks.front()["id"], usage["id"]);  // one id for the whole stream
  EXPECT_EQ(server.stop(SIGTERM), 0) << server.log();
}

// Each prompt's greedy completion alone, then all of them at once: each gets the same text.
void expect_concurrent_completions_equal_each_alone(ServerProcess& server, const std::vector<std::string>& prompts,
                                                    int max_tokens) {
  std::vector<std::string> alone;
  for (const std::string& prompt : prompts) alone.push_back(completion_text(server, prompt, max_tokens));
  std::vector<std::future<std::string>> together;
  for (const std::string& prompt : prompts)
    together.push_back(std::async(
        std::launch::async, [&server, prompt, max_tokens] { return completion_text(server, prompt, max_tokens); }));
  for (std::size_t i = 0; i < prompts.size(); ++i) EXPECT_EQ(together[i].get(), alone[i]) << prompts[i];
}

TEST(Serve, ConcurrentGreedyCompletionsEqualEachRunAlone) {
  ServerProcess server({"--parallel", "4"});  // 8 requests: 4 run, 4 wait and join as sequences free up
  expect_concurrent_completions_equal_each_alone(
      server, {"import sys", "class Node", "def run(", "for i in", "x = [", "return se", "while Tru", "# Copyri"}, 16);
  EXPECT_EQ(server.stop(SIGTERM), 0) << server.log();
}

// The demo model split over "disk" (the embedding and two layers) and "cpu", 4 requests decoded in
// 2 pipelined micro-batches: each request gets what it gets alone.
TEST(Serve, PipelinedMicroBatchesGiveEachRequestWhatItGetsAlone) {
  const strata_test::TempDir dir;
  const std::filesystem::path map = dir.path() / "split.json";
  std::ofstream(map) << R"({"model.embed_tokens": "disk", "model.layers.0": "disk", "model.layers.1": "disk",)"
                     << R"( "model.layers": "cpu", "model.norm": "cpu", "lm_head": "cpu"})";
  ServerProcess server({"--device-map", map.string(), "--parallel", "4", "--micro-batches", "2"});
  expect_concurrent_completions_equal_each_alone(server, {"import os", "def main(", "class Tree", "if name"}, 12);
  EXPECT_EQ(server.stop(SIGTERM), 0) << server.log();
}

TEST(Serve, ChatCompletionsGoThroughTheModelsTemplate) {
  ServerProcess server({"--model", chat_model.string(), "--model-name", "tiny-chat"});
  const json models = json::parse(serve_test::request(server.port(), "GET", "/v1/models").body);
  EXPECT_EQ(models["data"][0]["id"], "tiny-chat");

  const Response response = post(server, "/v1/chat/completions",
                                 {{"messages", {{{"role", "user"}, {"content", "Hi there"}}}}, {"temperature", 0}});
  ASSERT_EQ(response.status, 200) << response.body;
  const json reply = json::parse(response.body);
  EXPECT_EQ(reply["object"], "chat.completion");
  EXPECT_TRUE(reply["id"].get<std::string>().starts_with("chatcmpl-")) << reply;
  EXPECT_EQ(reply["model"], "tiny-chat");
  EXPECT_EQ(reply["choices"][0]["message"], json({{"role", "assistant"}, {"content", "Hello!"}}));
  EXPECT_EQ(reply["choices"][0]["finish_reason"], "stop");  // <|im_end|>, the model's end-of-sequence token
  const strata::ChatTemplate chat = *strata::ChatTemplate::from_model_dir(chat_model);
  const strata::Tokenizer tokenizer = strata::Tokenizer::from_file(chat_model / "tokenizer.json");
  const std::vector<strata::ChatMessage> messages = {{"user", "Hi there"}};
  const std::size_t prompt_tokens = tokenizer.encode(chat.apply(messages, true), false).size();
  EXPECT_EQ(reply["usage"]["prompt_tokens"], prompt_tokens);
  EXPECT_EQ(reply["usage"]["completion_tokens"], 3);  // "Hello", "!", <|im_end|>

  // Streamed: the role first, then the text, then the finish reason and [DONE].
  Stream stream(
      server.port(), "/v1/chat/completions",
      json({{"messages", {{{"role", "user"}, {"content", "Hi"}}}}, {"stream", true}, {"temperature", 0}}).dump());
  ASSERT_EQ(stream.head().status, 200);
  bool done = false;
  const std::vector<json> chunks = parse_events(stream.all_events(), done);
  EXPECT_TRUE(done);
  ASSERT_GE(chunks.size(), 3u);
  EXPECT_EQ(chunks.front()["object"], "chat.completion.chunk");
  EXPECT_EQ(chunks.front()["choices"][0]["delta"]["role"], "assistant");
  std::string joined;
  for (std::size_t i = 1; i + 1 < chunks.size(); ++i)
    joined += chunks[i]["choices"][0]["delta"]["content"].get<std::string>();
  EXPECT_EQ(joined, "Hello!");
  EXPECT_EQ(chunks.back()["choices"][0]["finish_reason"], "stop");

  // A system message and content given as text parts; stop strings; max_tokens.
  const json parts = {{{"type", "text"}, {"text", "Hi"}}};
  const Response with_parts =
      post(server, "/v1/chat/completions",
           {{"messages", {{{"role", "system"}, {"content", "Be brief."}}, {{"role", "user"}, {"content", parts}}}},
            {"temperature", 0}});
  EXPECT_EQ(json::parse(with_parts.body)["choices"][0]["message"]["content"], "Hello!") << with_parts.body;
  const Response stopped =
      post(server, "/v1/chat/completions", {{"messages", {{{"role", "user"}, {"content", "Hi"}}}}, {"stop", "lo"}});
  EXPECT_EQ(json::parse(stopped.body)["choices"][0]["message"]["content"], "Hel") << stopped.body;
  const Response short_reply =
      post(server, "/v1/chat/completions", {{"messages", {{{"role", "user"}, {"content", "Hi"}}}}, {"max_tokens", 1}});
  const json short_json = json::parse(short_reply.body);
  EXPECT_EQ(short_json["choices"][0]["message"]["content"], "Hello") << short_reply.body;
  EXPECT_EQ(short_json["choices"][0]["finish_reason"], "length");

  // A completion on the same model: the tokenizer's text in and out, as `strata run` prints it.
  EXPECT_EQ(completion_text(server, "Hi", 8), "Hello!");

  // Chat requests that are wrong name the field.
  expect_error(post(server, "/v1/chat/completions", json::object()), 400, "messages", "'messages' is missing");
  expect_error(post(server, "/v1/chat/completions", {{"messages", "Hi"}}), 400, "messages", "non-empty array");
  expect_error(post(server, "/v1/chat/completions", {{"messages", {{{"content", "Hi"}}}}}), 400, "messages[0].role",
               "messages[0].role");
  expect_error(post(server, "/v1/chat/completions",
                    {{"messages", {{{"role", "user"}, {"content", {{{"type", "image_url"}}}}}}}}),
               400, "messages[0].content[0]", "text");
  EXPECT_EQ(server.stop(SIGTERM), 0) << server.log();
}

TEST(Serve, ChatOnAModelWithoutATemplateIsRefusedClearly) {
  ServerProcess server({});
  const Response response =
      post(server, "/v1/chat/completions", {{"messages", {{{"role", "user"}, {"content", "Hi"}}}}});
  expect_error(response, 400, "", "has no chat template");
  expect_error(response, 400, "", "/v1/completions");
  EXPECT_EQ(server.stop(SIGTERM), 0) << server.log();
}

TEST(Serve, BadRequestsAreRefusedNamingTheField) {
  ServerProcess server({"--max-prompt-tokens", "32", "--max-tokens", "64"});
  const std::uint16_t port = server.port();
  expect_error(serve_test::request(port, "POST", "/v1/completions", "{\"prompt\": "), 400, "", "not valid JSON");
  expect_error(serve_test::request(port, "POST", "/v1/completions", "[1, 2]"), 400, "", "must be a JSON object");
  struct Case {
    json body;
    std::string param;
    std::string needle;
  };
  const std::vector<Case> cases = {
      {json::object(), "prompt", "'prompt' is missing"},
      {{{"prompt", 5}}, "prompt", "must be one string"},
      {{{"prompt", {"a", "b"}}}, "prompt", "one prompt per request"},
      {{{"prompt", ""}}, "prompt", "empty"},
      {{{"prompt", std::string(40, 'x')}}, "prompt", "--max-prompt-tokens"},
      {{{"prompt", "x"}, {"max_tokens", "ten"}}, "max_tokens", "'max_tokens' must be an integer"},
      {{{"prompt", "x"}, {"max_tokens", 0}}, "max_tokens", "at least 1"},
      {{{"prompt", "x"}, {"max_tokens", 2.5}}, "max_tokens", "integer"},
      {{{"prompt", "x"}, {"max_tokens", 65}}, "max_tokens", "--max-tokens"},
      {{{"prompt", "x"}, {"temperature", "hot"}}, "temperature", "'temperature' must be a number"},
      {{{"prompt", "x"}, {"temperature", 3}}, "temperature", "from 0 to 2"},
      {{{"prompt", "x"}, {"top_p", 0}}, "top_p", "'top_p'"},
      {{{"prompt", "x"}, {"top_k", 1.5}}, "top_k", "'top_k'"},
      {{{"prompt", "x"}, {"seed", -5}}, "seed", "'seed'"},
      {{{"prompt", "x"}, {"stop", {1}}}, "stop", "'stop' must be a string or an array of strings"},
      {{{"prompt", "x"}, {"stop", {"a", "b", "c", "d", "e"}}}, "stop", "at most 4"},
      {{{"prompt", "x"}, {"stream", "yes"}}, "stream", "'stream' must be true or false"},
      {{{"prompt", "x"}, {"n", 2}}, "n", "'n' must be 1"},
      {{{"prompt", "x"}, {"presence_penalty", 0.5}}, "presence_penalty", "repetition_penalty"},
      {{{"prompt", "x"}, {"logprobs", 2}}, "logprobs", "not supported"},
      {{{"prompt", "x"}, {"stream_options", {{"include_usage", true}}}}, "stream_options", "\"stream\": true"},
  };
  for (const Case& bad : cases) {
    SCOPED_TRACE(bad.body.dump());
    expect_error(post(server, "/v1/completions", bad.body), 400, bad.param, bad.needle);
  }
  // Fields left null or unknown to this server are ignored, as are the values that mean "off".
  const Response fine = post(server, "/v1/completions",
                             {{"prompt", "x"},
                              {"max_tokens", 2},
                              {"user", "someone"},
                              {"temperature", nullptr},
                              {"n", 1},
                              {"presence_penalty", 0},
                              {"logprobs", nullptr},
                              {"model", "any-name"}});
  EXPECT_EQ(fine.status, 200) << fine.body;

  // Wrong paths and methods.
  expect_error(serve_test::request(port, "GET", "/v2/nothing"), 404, "", "/v1/completions");
  const Response wrong_method = serve_test::request(port, "GET", "/v1/completions");
  expect_error(wrong_method, 405, "", "send POST /v1/completions");
  EXPECT_EQ(wrong_method.header("allow"), "POST");
  EXPECT_EQ(serve_test::request(port, "POST", "/health", "{}").header("allow"), "GET");

  // A body over the limit is refused from its Content-Length, before it is sent.
  const serve_test::RawOutcome too_large =
      serve_test::raw_exchange(port,
                               "POST /v1/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                               "Content-Length: 50000000\r\n\r\n",
                               std::chrono::seconds(30));
  EXPECT_TRUE(too_large.received.starts_with("HTTP/1.1 413")) << too_large.received;
  EXPECT_NE(too_large.received.find("invalid_request_error"), std::string::npos) << too_large.received;
  EXPECT_TRUE(too_large.closed_by_server);
  // Something that is not HTTP at all.
  const serve_test::RawOutcome garbage =
      serve_test::raw_exchange(port, "HELLO THERE\r\n\r\n", std::chrono::seconds(30));
  EXPECT_TRUE(garbage.received.starts_with("HTTP/1.1 400")) << garbage.received;
  EXPECT_EQ(server.stop(SIGTERM), 0) << server.log();
}

TEST(Serve, AClientThatSendsNothingIsLetGo) {
  ServerProcess server({"--read-timeout", "1"});
  const serve_test::RawOutcome silent = serve_test::raw_exchange(server.port(), "", std::chrono::seconds(20));
  EXPECT_TRUE(silent.closed_by_server);
  EXPECT_LT(silent.seconds, 10.0);
  EXPECT_EQ(silent.received, "");
  const serve_test::RawOutcome slow =
      serve_test::raw_exchange(server.port(), "GET /health HTTP/1.1\r\nHo", std::chrono::seconds(20));
  EXPECT_TRUE(slow.closed_by_server);
  EXPECT_LT(slow.seconds, 10.0);
  EXPECT_EQ(serve_test::request(server.port(), "GET", "/health").status, 200);  // and the server goes on
  EXPECT_EQ(server.stop(SIGTERM), 0) << server.log();
}

// A long greedy stream on the demo model: it has no end-of-sequence token, so it runs to
// max_tokens (its context is 1024 tokens).
std::string long_stream_body() {
  return json({{"prompt", "def a("}, {"max_tokens", 1000}, {"temperature", 0}, {"stream", true}}).dump();
}

TEST(Serve, AFullQueueAnswers503WithRetryAfter) {
  ServerProcess server({"--parallel", "1", "--queue", "1", "--max-tokens", "1000", "--context", "1024"});
  Stream running(server.port(), "/v1/completions", long_stream_body());
  ASSERT_EQ(running.head().status, 200);
  ASSERT_TRUE(running.next_event());  // it has the one sequence
  Stream waiting(server.port(), "/v1/completions", long_stream_body());
  ASSERT_EQ(waiting.head().status, 200);  // queued: a stream's head goes out when the request is taken

  const Response refused = post(server, "/v1/completions", {{"prompt", "x"}, {"max_tokens", 4}});
  expect_error(refused, 503, "", "queue is full");
  EXPECT_EQ(refused.header("retry-after"), "1");

  // Both clients go away: their sequence and queue place free up for the next request (once the
  // server has seen both connections close: a few tries at most).
  running.close();
  waiting.close();
  Response next;
  for (int attempt = 0; attempt < 50; ++attempt) {
    next = post(server, "/v1/completions", {{"prompt", "x"}, {"max_tokens", 4}});
    if (next.status != 503) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(next.status, 200) << next.body;
  EXPECT_NE(server.log().find("client gone"), std::string::npos) << server.log();
  EXPECT_EQ(server.stop(SIGTERM), 0) << server.log();
}

TEST(Serve, AClientThatDisconnectsMidStreamFreesItsSequence) {
  ServerProcess server({"--parallel", "1", "--max-tokens", "1000", "--context", "1024"});
  std::string id;
  {
    Stream stream(server.port(), "/v1/completions", long_stream_body());
    ASSERT_EQ(stream.head().status, 200);
    for (int i = 0; i < 3; ++i) {
      const std::optional<std::string> event = stream.next_event();
      ASSERT_TRUE(event);
      id = json::parse(*event)["id"];
    }
    stream.close();
  }
  const Response next = post(server, "/v1/completions", {{"prompt", "x"}, {"max_tokens", 8}, {"temperature", 0}});
  ASSERT_EQ(next.status, 200) << next.body;
  EXPECT_EQ(json::parse(next.body)["usage"]["completion_tokens"], 8);
  // The dropped request's line in the log: cut short, well before its 1000 tokens.
  const std::string log = server.log();
  const std::size_t line = log.find(id + ":");
  ASSERT_NE(line, std::string::npos) << log;
  const std::string entry = log.substr(line, log.find('\n', line) - line);
  EXPECT_NE(entry.find("client gone"), std::string::npos) << entry;
  EXPECT_EQ(entry.find("1000 generated"), std::string::npos) << entry;
  EXPECT_EQ(server.stop(SIGTERM), 0) << server.log();
}

TEST(Serve, SigtermEndsTheRequestsInFlightAndExitsWith0) {
  ServerProcess server({"--max-tokens", "1000", "--context", "1024"});
  Stream stream(server.port(), "/v1/completions", long_stream_body());
  ASSERT_EQ(stream.head().status, 200);
  ASSERT_TRUE(stream.next_event());
  server.send_signal(SIGTERM);
  // The stream ends with the error that says why, then [DONE].
  const std::vector<std::string> events = stream.all_events();
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back(), "[DONE]");
  bool told = false;
  for (const std::string& event : events) told = told || event.find("shutting down") != std::string::npos;
  EXPECT_TRUE(told) << "no shutdown error in the stream";
  EXPECT_EQ(server.wait_exit(), 0) << server.log();
  EXPECT_NE(server.log().find("stopped"), std::string::npos) << server.log();
}

}  // namespace
