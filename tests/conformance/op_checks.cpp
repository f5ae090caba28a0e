#include "op_checks.hpp"

#include "case_data.hpp"
#include "compare.hpp"
#include "guarded_run.hpp"
#include "host_reference.hpp"
#include "tolerances.hpp"

#include <strata/error.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <exception>
#include <stdexcept>

namespace strata_cts {
namespace {

bool stores_all(const strata::DeviceInfo& info, const OpSpec& spec) {
  const auto stores = [&](strata::DType d) {
    return std::find(info.dtypes.begin(), info.dtypes.end(), d) != info.dtypes.end();
  };
  if (!stores(spec.output.dtype)) return false;
  return std::all_of(spec.inputs.begin(), spec.inputs.end(), [&](const TensorSpec& t) { return stores(t.dtype); });
}

std::vector<std::vector<double>> decode_all(const std::vector<HostTensor>& tensors) {
  std::vector<std::vector<double>> values;
  for (const HostTensor& t : tensors) values.push_back(t.decode());
  return values;
}

// The reference output: from the cpu device when it stores the dtypes and runs the op,
// otherwise from the suite's host code.
std::vector<double> reference_output(const TestContext& context, strata::Queue* reference_queue, const OpCase& c,
                                     const std::vector<HostTensor>& inputs, std::string& used) {
  if (context.reference && reference_queue != nullptr && stores_all(context.reference->info(), c.spec)) {
    try {
      RunResult run = run_guarded(*context.reference, *reference_queue, c.spec, inputs);
      if (run.supported) {
        used = context.reference->name();
        return run.output.decode();
      }
    } catch (const strata::Error& error) {
      *reference_queue = context.reference->create_queue();
      throw std::runtime_error(
          fmt::format("the reference device {} failed: {}", context.reference->name(), error.what()));
    }
  }
  used = "host";
  return host_reference(c.spec, decode_all(inputs));
}

void judge(const TestContext& context, strata::Queue& queue, strata::Queue* reference_queue, const OpCase& c,
           Result& result) {
  if (!stores_all(context.device.info(), c.spec)) {
    result.status = Status::unclaimed;
    return;
  }
  const std::vector<HostTensor> inputs = make_inputs(c.spec, case_seed(c.name, context.options.seed));
  const RunResult run = run_guarded(context.device, queue, c.spec, inputs);
  if (!run.supported) {
    result.status = context.options.require_support ? Status::fail : Status::unsupported;
    if (context.options.require_support) result.message = "refused by supports_op, and --require-support is set";
    return;
  }
  const std::vector<double> want = reference_output(context, reference_queue, c, inputs, result.reference);
  const Tolerance tolerance = tolerance_for(c);
  result.nmse_limit = tolerance.nmse;
  result.max_rel_limit = tolerance.max_rel;
  const Comparison comparison = compare(want, run.output.decode(), tolerance);
  result.nmse = comparison.nmse;
  result.max_abs = comparison.max_abs;
  if (!run.problems.empty()) {
    result.status = Status::fail;
    result.message = run.problems.front();
  } else if (!comparison.pass) {
    result.status = Status::fail;
    result.message = comparison.problem;
  }
}

}  // namespace

void run_op_cases(const TestContext& context, const std::vector<OpCase>& cases, std::vector<Result>& results) {
  strata::Queue queue = context.device.create_queue();
  std::optional<strata::Queue> reference_queue;
  if (context.reference) reference_queue = context.reference->create_queue();
  for (const OpCase& c : cases) {
    if (!context.options.selected(c.name)) continue;
    Result result{c.name, c.op, c.dtype};
    if (const std::uint32_t minor = STRATA_VERSION_MINOR(context.abi_version); minor < abi_minor_needed(c.spec)) {
      result.status = Status::skipped;
      result.message = fmt::format("the plugin is built for ABI 1.{}; these cases use what ABI 1.{} added", minor,
                                   abi_minor_needed(c.spec));
      if (context.options.verbose) fmt::print("{:<60} skipped  {}\n", c.name, result.message);
      results.push_back(std::move(result));
      continue;
    }
    const auto start = std::chrono::steady_clock::now();
    try {
      judge(context, queue, reference_queue ? &*reference_queue : nullptr, c, result);
    } catch (const strata::Error& error) {
      result.status = Status::fail;
      result.message = fmt::format("error ({}): {}", strata::to_string(error.code()), error.what());
      queue = context.device.create_queue();  // a failed queue may be unusable; start afresh
    } catch (const std::exception& error) {
      result.status = Status::fail;
      result.message = fmt::format("unexpected exception: {}", error.what());
      queue = context.device.create_queue();
    }
    result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (context.options.verbose || result.status == Status::fail)
      fmt::print("{:<60} {}{}{}\n", c.name, to_string(result.status),
                 result.status == Status::pass
                     ? fmt::format("  NMSE {:.2e} (limit {:.0e}), |err| {:.2e} (limit {:.0e} "
                                   "x max(1, |reference|))",
                                   result.nmse, result.nmse_limit, result.max_abs, result.max_rel_limit)
                     : "",
                 result.message.empty() ? "" : "  " + result.message);
    results.push_back(std::move(result));
  }
}

}  // namespace strata_cts
