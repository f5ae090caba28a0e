#include "device_checks.hpp"

#include "check_support.hpp"

#include <strata/error.hpp>

#include <chrono>
#include <exception>

namespace strata_cts {
namespace {

struct Check {
  const char* name;
  void (*run)(const TestContext&);
};

// Light checks first: if the device breaks in a later one, the earlier results still stand.
constexpr Check checks[] = {
    {"device/properties", check_properties},
    {"device/properties-1.1", check_properties_1_1},
    {"device/copies-odd-offsets", check_copies},
    {"device/zero-size-copies", check_zero_size_copies},
    {"device/queue-order", check_queue_order},
    {"device/events-two-queues", check_events},
    {"device/invalid-op-rejected", check_invalid_ops},
    {"device/embedding-bad-id", check_bad_embedding_id},
    {"device/memory-returned", check_memory_returned},
    {"device/allocation-too-large", check_too_large_allocation},
    {"device/threads", check_threads},
};

}  // namespace

std::vector<std::string> device_check_names() {
  std::vector<std::string> names;
  for (const Check& c : checks) names.emplace_back(c.name);
  return names;
}

void run_device_checks(const TestContext& context, std::vector<Result>& results) {
  for (const Check& check : checks) {
    if (!context.options.selected(check.name)) continue;
    Result result{check.name};
    const auto start = std::chrono::steady_clock::now();
    try {
      check.run(context);
    } catch (const CheckSkipped& skipped) {
      result.status = Status::skipped;
      result.message = skipped.what();
    } catch (const CheckFailed& failed) {
      result.status = Status::fail;
      result.message = failed.what();
    } catch (const strata::Error& error) {
      result.status = Status::fail;
      result.message = fmt::format("error ({}): {}", strata::to_string(error.code()), error.what());
    } catch (const std::exception& error) {
      result.status = Status::fail;
      result.message = fmt::format("unexpected exception: {}", error.what());
    }
    result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (context.options.verbose || result.status == Status::fail)
      fmt::print("{:<60} {}{}\n", result.name, to_string(result.status),
                 result.message.empty() ? "" : "  " + result.message);
    results.push_back(std::move(result));
  }
}

}  // namespace strata_cts
