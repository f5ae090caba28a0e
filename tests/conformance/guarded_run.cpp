#include "guarded_run.hpp"

#include "op_builder.hpp"

#include <fmt/format.h>

#include <cstring>

namespace strata_cts {
namespace {

// Bytes of the 16-bit sentinel word 0x7fa5, little end first.
constexpr std::byte sentinel_low{0xa5}, sentinel_high{0x7f};

struct Placed {
  strata::Buffer buffer;
  std::uint64_t offset = 0;
  std::vector<std::byte> image;  // what the whole buffer held before the op
};

// The tensor sits after guard_bytes, plus a few elements more for odd-offset cases, so its
// start is aligned to its element size and nothing more.
Placed place(const strata::Device& device, const TensorSpec& spec, std::size_t index, bool odd_offsets,
             const std::vector<std::byte>* data) {
  Placed p;
  const std::uint64_t element = strata::dtype_size(spec.dtype);
  p.offset = guard_bytes + (odd_offsets ? element * (index + 1) : 0);
  p.image.resize(p.offset + spec.bytes() + guard_bytes);
  fill_sentinel(p.image);
  if (data != nullptr) std::memcpy(p.image.data() + p.offset, data->data(), data->size());
  p.buffer = device.allocate(p.image.size());
  return p;
}

std::string guard_problem(const std::vector<std::byte>& now, std::uint64_t offset, std::uint64_t bytes,
                          const char* role) {
  const std::int64_t front = first_non_sentinel(std::span(now).first(offset));
  if (front >= 0)
    return fmt::format("{}: wrote {} bytes before the tensor's start", role, static_cast<std::int64_t>(offset) - front);
  const std::int64_t back = first_non_sentinel(std::span(now).subspan(offset + bytes));
  if (back >= 0) return fmt::format("{}: wrote past the tensor's end (at byte {} after it)", role, back);
  return {};
}

}  // namespace

void fill_sentinel(std::span<std::byte> bytes) {
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = (i % 2 == 0) ? sentinel_low : sentinel_high;
}

std::int64_t first_non_sentinel(std::span<const std::byte> bytes) {
  for (std::size_t i = 0; i < bytes.size(); ++i)
    if (bytes[i] != ((i % 2 == 0) ? sentinel_low : sentinel_high)) return static_cast<std::int64_t>(i);
  return -1;
}

RunResult run_guarded(const strata::Device& device, strata::Queue& queue, const OpSpec& spec,
                      const std::vector<HostTensor>& inputs) {
  std::vector<Placed> placed;
  placed.reserve(inputs.size() + 1);
  for (std::size_t i = 0; i < inputs.size(); ++i)
    placed.push_back(place(device, inputs[i].spec, i, spec.odd_offsets, &inputs[i].bytes));
  if (!spec.in_place) placed.push_back(place(device, spec.output, inputs.size(), spec.odd_offsets, nullptr));

  std::vector<strata::TensorView> views;
  for (std::size_t i = 0; i < inputs.size(); ++i)
    views.push_back({&placed[i].buffer, placed[i].offset, inputs[i].spec.dtype, inputs[i].spec.shape});
  const Placed& out = spec.in_place ? placed[0] : placed.back();
  const strata::TensorView out_view{&out.buffer, out.offset, spec.output.dtype, spec.output.shape};
  const strata::Op op = build_op(spec, views, out_view);

  RunResult result;
  if (!device.supports(op)) {
    result.supported = false;
    return result;
  }
  for (const Placed& p : placed) queue.write(p.buffer, 0, p.image);
  queue.submit(op);
  queue.finish();

  std::vector<std::byte> now;
  for (std::size_t i = 0; i < placed.size(); ++i) {
    const Placed& p = placed[i];
    now.resize(p.image.size());
    queue.read(p.buffer, 0, now);
    const bool is_output = &p == &out;
    if (is_output) {
      result.output = HostTensor::from_bytes(spec.output, std::span(now).subspan(out.offset, spec.output.bytes()));
      const std::string problem = guard_problem(now, out.offset, spec.output.bytes(), "output");
      if (!problem.empty()) result.problems.push_back(problem);
    } else if (now != p.image) {
      result.problems.push_back(fmt::format("input {} changed (an op must not write its inputs)", i));
    }
  }
  return result;
}

}  // namespace strata_cts
