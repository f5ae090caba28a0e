// Sessions on threads, as the integrator guide allows: several sessions, created and run at once
// from one Runtime and one Checkpoint, on every device here, each generating exactly what the same
// session generates alone. Run under ThreadSanitizer too (`make test-tsan`).
#include "golden.hpp"

#include <strata/checkpoint.hpp>
#include <strata/generate.hpp>
#include <strata/runtime.hpp>
#include <strata/session.hpp>

#include <gtest/gtest.h>

#include <exception>
#include <thread>

namespace strata {
namespace {

std::vector<std::int32_t> generate_alone(const Runtime& runtime, const Checkpoint& checkpoint,
                                         const std::string& device, std::span<const std::int32_t> prompt) {
  SessionOptions options;
  options.context_length = 96;
  Session session(runtime, checkpoint, std::vector<std::string>(checkpoint.graph().units.size(), device), options);
  GenerateOptions greedy;
  greedy.max_new_tokens = 24;
  return generate(session, prompt, greedy).tokens;
}

TEST(ConcurrentSessions, SessionsOnThreadsGenerateWhatEachGeneratesAlone) {
  const Runtime runtime;
  const Checkpoint checkpoint = Checkpoint::open(test::sample_model("tiny-llama-pystdlib"));
  const std::vector<std::int32_t> prompt = text_to_byte_tokens("def main():\n    ");
  std::vector<std::string> devices;
  for (const Device& device : runtime.devices()) devices.push_back(device.name());
  ASSERT_FALSE(devices.empty());

  std::vector<std::vector<std::int32_t>> alone;
  for (const std::string& device : devices) alone.push_back(generate_alone(runtime, checkpoint, device, prompt));

  // Two sessions per device, all created and run at the same time.
  constexpr std::size_t per_device = 2;
  std::vector<std::vector<std::int32_t>> together(devices.size() * per_device);
  std::vector<std::exception_ptr> failures(together.size());
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < together.size(); ++i)
    threads.emplace_back([&, i] {
      try {
        together[i] = generate_alone(runtime, checkpoint, devices[i / per_device], prompt);
      } catch (...) {
        failures[i] = std::current_exception();
      }
    });
  for (std::thread& thread : threads) thread.join();
  for (std::size_t i = 0; i < together.size(); ++i) {
    if (failures[i]) {
      try {
        std::rethrow_exception(failures[i]);
      } catch (const std::exception& error) {
        ADD_FAILURE() << devices[i / per_device] << ": " << error.what();
      }
      continue;
    }
    EXPECT_EQ(together[i], alone[i / per_device])
        << "a session on " << devices[i / per_device] << " generated differently beside others";
  }
}

}  // namespace
}  // namespace strata
