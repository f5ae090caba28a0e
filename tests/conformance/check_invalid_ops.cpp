// Bad work is refused with strata::Error(invalid_argument) when it is submitted, and nothing of
// it runs: backend.h says validation errors enqueue nothing and a failed call leaves its
// outputs untouched. supports() must not claim an op whose shapes break the rules either (it
// sees no buffers, so it cannot judge one that overruns its buffer). An op kind the backend does
// not know is refused as unsupported: supports() says no, and a submit fails with unsupported.
// The malformed forms of what ABI 1.2 added are checked on plugins of 1.2 and later, each where
// the device runs the well-formed op.
#include "check_support.hpp"
#include "device_checks.hpp"
#include "guarded_run.hpp"

#include <strata/error.hpp>
#include <strata/ops.hpp>

namespace strata_cts {
namespace {

enum class Shapes { invalid, valid };

void expect_rejected(const strata::Device& device, strata::Queue& queue, const strata::Op& op,
                     const strata::Buffer& output, const char* what, Shapes shapes,
                     strata::StatusCode code = strata::StatusCode::invalid_argument) {
  if (shapes == Shapes::invalid) {
    bool claimed = false;
    try {
      claimed = device.supports(op);
    } catch (const strata::Error& error) {
      expect(error.code() == strata::StatusCode::invalid_argument,
             "supports() on {} failed with {} rather than saying no: {}", what, strata::to_string(error.code()),
             error.what());
    }
    expect(!claimed, "supports() claims {}", what);
  }

  std::vector<std::byte> image(output.size());
  fill_sentinel(image);
  queue.write(output, 0, image);
  queue.finish();
  try {
    queue.submit(op);
    queue.finish();
  } catch (const strata::Error& error) {
    expect(error.code() == code, "{} failed with {} instead of {}: {}", what, strata::to_string(error.code()),
           strata::to_string(code), error.what());
    std::vector<std::byte> now(output.size());
    queue.read(output, 0, now);
    const std::int64_t changed = first_non_sentinel(now);
    expect(changed < 0, "{} was refused, but byte {} of its output buffer changed", what, changed);
    return;
  }
  throw CheckFailed(fmt::format("{} was accepted", what));
}

// a, b and out hold 32 floats each.
void check_invalid_1_2_ops(const strata::Device& device, strata::Queue& queue, strata::Buffer& a, strata::Buffer& b,
                           strata::Buffer& out) {
  const strata::TensorView a_view{&a, 0, strata::DType::f32, strata::Shape{4, 8}};
  const strata::TensorView out_view{&out, 0, strata::DType::f32, strata::Shape{4, 8}};
  if (device.supports(strata::ops::softcap(a_view, out_view, 30.0f))) {
    for (const float cap : {0.0f, -30.0f})
      expect_rejected(device, queue, strata::ops::softcap(a_view, out_view, cap), out,
                      fmt::format("softcap with cap {}", cap).c_str(), Shapes::invalid);
  }

  strata::Buffer positions = device.allocate(4 * 4);
  const strata::TensorView heads{&a, 0, strata::DType::f32, strata::Shape{4, 1, 8}};
  const strata::TensorView heads_out{&out, 0, strata::DType::f32, strata::Shape{4, 1, 8}};
  const strata::TensorView positions_view{&positions, 0, strata::DType::i32, strata::Shape{4}};
  const strata::TensorView frequencies{&b, 0, strata::DType::f32, strata::Shape{4}};  // rotary_dim 8 wants 4
  if (device.supports(strata::ops::rope(heads, positions_view, frequencies, heads_out, 8))) {
    expect_rejected(
        device, queue,
        strata::ops::rope(heads, positions_view, {&b, 0, strata::DType::f32, strata::Shape{3}}, heads_out, 8), out,
        "rope with 3 inverse frequencies for rotary_dim 8", Shapes::invalid);
    expect_rejected(
        device, queue,
        strata::ops::rope(heads, positions_view, {&b, 0, strata::DType::f16, strata::Shape{4}}, heads_out, 8), out,
        "rope with f16 inverse frequencies", Shapes::invalid);
  }

  // q [2, 1, 8] over caches [4, 1, 8].
  strata::Buffer values = device.allocate(32 * 4);
  const strata::TensorView q{&a, 0, strata::DType::f32, strata::Shape{2, 1, 8}};
  const strata::TensorView keys{&b, 0, strata::DType::f32, strata::Shape{4, 1, 8}};
  const strata::TensorView cache_values{&values, 0, strata::DType::f32, strata::Shape{4, 1, 8}};
  const strata::TensorView attended{&out, 0, strata::DType::f32, strata::Shape{2, 1, 8}};
  const auto attention = [&](std::int64_t window, float softcap) {
    return strata::ops::attention(q, keys, cache_values, attended, 2, 0.35f, true, window, softcap);
  };
  if (device.supports(attention(2, 0.0f)))
    expect_rejected(device, queue, attention(-1, 0.0f), out, "attention with window -1", Shapes::invalid);
  if (device.supports(attention(0, 20.0f)))
    expect_rejected(device, queue, attention(0, -20.0f), out, "attention with softcap -20", Shapes::invalid);
}

}  // namespace

void check_invalid_ops(const TestContext& context) {
  const strata::Device& device = context.device;
  strata::Queue queue = device.create_queue();
  strata::Buffer a = device.allocate(32 * 4), b = device.allocate(32 * 4), out = device.allocate(32 * 4);
  const strata::TensorView a_view{&a, 0, strata::DType::f32, strata::Shape{4, 8}};
  const strata::TensorView out_view{&out, 0, strata::DType::f32, strata::Shape{4, 8}};
  const strata::Op valid = strata::ops::add(a_view, {&b, 0, strata::DType::f32, strata::Shape{8}}, out_view);
  if (!device.supports(valid)) throw CheckSkipped("the device does not support add on f32, which this check uses");

  // A second input that is neither full size nor one row.
  expect_rejected(device, queue, strata::ops::add(a_view, {&b, 0, strata::DType::f32, strata::Shape{5}}, out_view), out,
                  "add with a second input of 5 elements for rows of 8", Shapes::invalid);
  // An output that would run past the end of its buffer.
  expect_rejected(device, queue, strata::ops::add(a_view, a_view, {&out, 16, strata::DType::f32, strata::Shape{4, 8}}),
                  out, "add whose output overruns its buffer by 16 bytes", Shapes::valid);
  // Matmul whose weight disagrees with x on K.
  expect_rejected(device, queue,
                  strata::ops::matmul(a_view, {&b, 0, strata::DType::f32, strata::Shape{4, 7}}, std::nullopt,
                                      {&out, 0, strata::DType::f32, strata::Shape{4, 4}}),
                  out, "matmul of x [4, 8] with a weight [4, 7]", Shapes::invalid);

  // rotary_dim 0 is malformed (backend.h: even, 2..D), not "rotate nothing".
  strata::Buffer positions = device.allocate(4 * 4);
  const strata::TensorView heads{&a, 0, strata::DType::f32, strata::Shape{4, 1, 8}};
  const strata::TensorView heads_out{&out, 0, strata::DType::f32, strata::Shape{4, 1, 8}};
  const strata::TensorView positions_view{&positions, 0, strata::DType::i32, strata::Shape{4}};
  if (device.supports(strata::ops::rope(heads, positions_view, heads_out, 10000.0f, 8)))
    expect_rejected(device, queue, strata::ops::rope(heads, positions_view, heads_out, 10000.0f, 0), out,
                    "rope with rotary_dim 0", Shapes::invalid);

  if (STRATA_VERSION_MINOR(context.abi_version) >= 2) {
    check_invalid_1_2_ops(device, queue, a, b, out);
  }

  // An op kind from a later op set: refused as unsupported, never misread.
  strata::Op unknown = valid;
  unknown.raw.kind = 0x7fff;
  expect_rejected(device, queue, unknown, out, "an op of unknown kind 0x7fff", Shapes::invalid,
                  strata::StatusCode::unsupported);
}

}  // namespace strata_cts
