// Checks of a device beyond the op results: properties, memory, copies, queues and events,
// allocation failure, threads, and how it rejects bad work. Each is one test named
// "device/<name>" for --filter and --list.
#pragma once

#include "results.hpp"
#include "test_context.hpp"

#include <string>
#include <vector>

namespace strata_cts {

std::vector<std::string> device_check_names();
void run_device_checks(const TestContext& context, std::vector<Result>& results);

// The checks themselves. Each returns normally when the device passes, throws CheckFailed when
// it does not, and CheckSkipped when the device cannot take part.
void check_properties(const TestContext& context);
void check_properties_1_1(const TestContext& context);
void check_memory_returned(const TestContext& context);
void check_copies(const TestContext& context);
void check_zero_size_copies(const TestContext& context);
void check_queue_order(const TestContext& context);
void check_events(const TestContext& context);
void check_too_large_allocation(const TestContext& context);
void check_threads(const TestContext& context);
void check_invalid_ops(const TestContext& context);
void check_bad_embedding_id(const TestContext& context);

}  // namespace strata_cts
