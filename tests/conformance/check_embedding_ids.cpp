// Ids outside the table: backend.h asks for INVALID_ARGUMENT where the device can detect it,
// and never a read outside the table. The device may report the error at submit or at the next
// call that waits on the queue, once: nothing may be written outside the output, and the same
// queue keeps working.
#include "check_support.hpp"
#include "device_checks.hpp"
#include "guarded_run.hpp"

#include <strata/error.hpp>
#include <strata/ops.hpp>

namespace strata_cts {

void check_bad_embedding_id(const TestContext& context) {
  const strata::Device& device = context.device;
  constexpr std::int64_t vocab = 10, dim = 16, tokens = 4;
  strata::Buffer table = device.allocate(vocab * dim * 4), ids = device.allocate(tokens * 4);
  strata::Buffer out = device.allocate(guard_bytes * 2 + tokens * dim * 4);
  const strata::TensorView table_view{&table, 0, strata::DType::f32, strata::Shape{vocab, dim}};
  const strata::TensorView ids_view{&ids, 0, strata::DType::i32, strata::Shape{tokens}};
  const strata::TensorView out_view{&out, guard_bytes, strata::DType::f32, strata::Shape{tokens, dim}};
  const strata::Op op = strata::ops::embedding(table_view, ids_view, out_view);
  if (!device.supports(op)) throw CheckSkipped("the device does not support embedding on f32");

  strata::Queue queue = device.create_queue();
  std::vector<float> table_values(vocab * dim);
  for (std::size_t i = 0; i < table_values.size(); ++i) table_values[i] = static_cast<float>(i);
  write_floats(queue, table, table_values);
  std::vector<std::byte> image(out.size());
  fill_sentinel(image);
  queue.write(out, 0, image);
  const std::int32_t bad_ids[tokens] = {2, vocab, -1, 1 << 30};
  queue.write(ids, 0, std::as_bytes(std::span(bad_ids)));
  try {
    queue.submit(op);
    queue.finish();
  } catch (const strata::Error& error) {
    expect(error.code() == strata::StatusCode::invalid_argument,
           "bad ids failed with {} instead of invalid_argument: {}", strata::to_string(error.code()), error.what());
  }
  // Reported once: the next wait on the same queue succeeds.
  try {
    queue.finish();
  } catch (const strata::Error& error) {
    throw CheckFailed(fmt::format("the bad ids' error was reported again, by a later finish: {}", error.what()));
  }
  std::vector<std::byte> now(out.size());
  queue.read(out, 0, now);
  const std::int64_t front = first_non_sentinel(std::span(now).first(guard_bytes));
  const std::int64_t back = first_non_sentinel(std::span(now).last(guard_bytes));
  expect(front < 0 && back < 0, "with ids out of range the op wrote outside its output");

  // Still working: a valid lookup gives the right rows.
  const std::int32_t good_ids[tokens] = {9, 0, 3, 3};
  queue.write(ids, 0, std::as_bytes(std::span(good_ids)));
  queue.submit(op);
  const std::vector<float> rows = read_floats(queue, out, tokens * dim, guard_bytes);
  for (std::int64_t t = 0; t < tokens; ++t)
    for (std::int64_t d = 0; d < dim; ++d)
      expect(rows[static_cast<std::size_t>(t * dim + d)] == static_cast<float>(good_ids[t] * dim + d),
             "after the bad ids, a valid lookup of id {} is wrong", good_ids[t]);
}

}  // namespace strata_cts
