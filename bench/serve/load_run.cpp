#include "load_run.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <mutex>
#include <thread>

namespace strata::bench {

LoadResult run_load(const ServerAddress& address, const LoadSettings& settings) {
  using clock = std::chrono::steady_clock;
  LoadResult result;
  result.streams = settings.streams;
  std::atomic<int> next{0};
  std::mutex mutex;
  const clock::time_point start = clock::now();
  auto client = [&] {
    while (true) {
      const int index = next.fetch_add(1);
      if (index >= settings.requests || clock::now() - start > settings.time_limit) return;
      // Greedy, so that every level does the same work; the usage comes in the last chunk.
      const nlohmann::json body = {
          {"prompt", settings.prompts[static_cast<std::size_t>(index) % settings.prompts.size()]},
          {"max_tokens", settings.max_tokens},
          {"temperature", 0},
          {"stream", true},
          {"stream_options", {{"include_usage", true}}}};
      const StreamTiming timing = run_stream(address, body.dump(), settings.request_deadline);
      std::lock_guard lock(mutex);
      if (!timing.error.empty()) {
        ++result.failed;
        if (result.first_error.empty()) result.first_error = timing.error;
        continue;
      }
      ++result.requests;
      result.tokens += timing.completion_tokens;
      result.first_text_seconds.push_back(timing.first_text_seconds);
      if (timing.completion_tokens > 1)
        result.token_seconds.push_back((timing.last_text_seconds - timing.first_text_seconds) /
                                       static_cast<double>(timing.completion_tokens - 1));
    }
  };
  std::vector<std::thread> clients;
  for (int i = 0; i < settings.streams; ++i) clients.emplace_back(client);
  for (std::thread& thread : clients) thread.join();
  result.seconds = std::chrono::duration<double>(clock::now() - start).count();
  return result;
}

double quantile(std::vector<double> values, double q) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(values.size())));
  return values[std::min(values.size() - 1, rank == 0 ? 0 : rank - 1)];
}

}  // namespace strata::bench
