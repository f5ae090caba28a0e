// One level of the load: `streams` clients at once, each sending streaming completions one after
// another until the level's requests are sent or its time is up; what they measured, summed up.
#pragma once

#include "stream_client.hpp"

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace strata::bench {

struct LoadSettings {
  int streams = 1;
  int requests = 8;                            // sent in all, at most
  std::chrono::seconds time_limit{60};         // no request starts after this
  std::chrono::seconds request_deadline{300};  // one request, from send to [DONE]
  std::int64_t max_tokens = 64;
  std::vector<std::string> prompts;  // request i uses prompts[i % size]
};

struct LoadResult {
  int streams = 0;
  int requests = 0;  // that ended with [DONE]
  int failed = 0;
  std::string first_error;
  std::int64_t tokens = 0;
  double seconds = 0;  // from the first request sent to the last one's end
  double tokens_per_second() const { return seconds > 0 ? static_cast<double>(tokens) / seconds : 0; }
  // Per request: time to the first text, and the mean time between tokens after it.
  std::vector<double> first_text_seconds;
  std::vector<double> token_seconds;
};

LoadResult run_load(const ServerAddress& address, const LoadSettings& settings);

// The q-quantile (0..1) of `values`, nearest rank; 0 when there are none.
double quantile(std::vector<double> values, double q);

}  // namespace strata::bench
