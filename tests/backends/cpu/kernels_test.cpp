// The op cases run straight through strata_cpu::execute on host memory, once per ISA
// variant of the vector kernels, with guard bytes around every tensor. Plus what only the
// kernels can show: overlapping inputs and outputs, refusals that leave the output untouched.
#include <strata_cpu/isa.hpp>
#include <strata_cpu/kernels.hpp>

#include <strata_plugin/host.hpp>

#include "op_case.hpp"

#include <gtest/gtest.h>
#include <tbb/task_arena.h>

#include <cmath>
#include <cstring>
#include <tuple>

namespace strata_cpu {
void PrintTo(Isa isa, std::ostream* os) { *os << to_string(isa); }
}  // namespace strata_cpu

namespace strata_test {
namespace {

constexpr std::size_t guard_bytes = 64;
constexpr std::byte guard_value{0xA5};

// Host memory for one tensor, between two guard bands.
struct Storage {
  std::vector<std::byte> memory;
  explicit Storage(std::size_t bytes, std::byte fill) : memory(bytes + 2 * guard_bytes, guard_value) {
    std::fill(data(), data() + bytes, fill);
  }
  std::byte* data() { return memory.data() + guard_bytes; }
  std::size_t bytes() const { return memory.size() - 2 * guard_bytes; }
  bool guards_intact() const {
    for (std::size_t i = 0; i < guard_bytes; ++i)
      if (memory[i] != guard_value || memory[memory.size() - 1 - i] != guard_value) return false;
    return true;
  }
};

// Buffer handles here are the address of a Storage's memory; resolve turns them back.
strata_buffer* handle(Storage& s) { return reinterpret_cast<strata_buffer*>(s.memory.data()); }
const strata_cpu::ResolveBuffer resolve = [](strata_buffer* b) { return reinterpret_cast<std::byte*>(b); };

strata_tensor tensor_in(Storage& s, strata_dtype dtype, const std::vector<std::int64_t>& shape) {
  strata_tensor t{};
  t.buffer = handle(s);
  t.offset = guard_bytes;
  t.dtype = dtype;
  t.rank = static_cast<std::uint32_t>(shape.size());
  for (std::size_t i = 0; i < shape.size(); ++i) t.shape[i] = shape[i];
  return t;
}

// Selects an ISA variant for one test and restores the previous one after it.
class IsaScope {
 public:
  explicit IsaScope(strata_cpu::Isa isa) : previous_(strata_cpu::active_isa()), ok_(strata_cpu::force_isa(isa)) {}
  ~IsaScope() { strata_cpu::force_isa(previous_); }
  bool ok() const { return ok_; }

 private:
  strata_cpu::Isa previous_;
  bool ok_;
};

// Runs one case on host memory with guard bands around every tensor.
void run_case(const OpCase& c) {
  SCOPED_TRACE(c.name);
  std::vector<std::unique_ptr<Storage>> inputs;
  strata_op op = c.params;
  op.kind = c.kind;
  op.n_inputs = static_cast<std::uint32_t>(c.inputs.size());
  for (std::size_t i = 0; i < c.inputs.size(); ++i) {
    inputs.push_back(std::make_unique<Storage>(c.inputs[i].bytes.size(), std::byte{0}));
    std::memcpy(inputs[i]->data(), c.inputs[i].bytes.data(), c.inputs[i].bytes.size());
    op.inputs[i] = tensor_in(*inputs[i], c.inputs[i].dtype, c.inputs[i].shape);
  }
  const std::size_t out_bytes = static_cast<std::size_t>(element_count(c.out_shape)) * element_size(c.out_dtype);
  Storage fresh_output(c.out_over_input0 ? 0 : out_bytes, std::byte{0x7f});
  Storage& output = c.out_over_input0 ? *inputs[0] : fresh_output;
  op.output = tensor_in(output, c.out_dtype, c.out_shape);

  strata_cpu::execute(op, resolve);

  EXPECT_TRUE(output_matches(c, decode(c.out_dtype, output.data(), element_count(c.out_shape))));
  EXPECT_TRUE(output.guards_intact()) << "wrote outside the output";
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    EXPECT_TRUE(inputs[i]->guards_intact()) << "wrote outside input " << i;
    if (i != 0 || !c.out_over_input0) {
      EXPECT_EQ(0, std::memcmp(inputs[i]->data(), c.inputs[i].bytes.data(), c.inputs[i].bytes.size()))
          << "input " << i << " changed";
    }
  }
}

class KernelOpTest : public ::testing::TestWithParam<std::tuple<OpFamily, strata_cpu::Isa>> {};

TEST_P(KernelOpTest, MatchesNaiveReference) {
  const auto& [family, isa] = GetParam();
  IsaScope scope(isa);
  if (!scope.ok()) GTEST_SKIP() << "this CPU cannot run the " << strata_cpu::to_string(isa) << " kernels";
  for (const OpCase& c : family.cases()) run_case(c);
}

std::string family_isa_name(const ::testing::TestParamInfo<std::tuple<OpFamily, strata_cpu::Isa>>& param) {
  return std::get<0>(param.param).name + "_" + std::string(strata_cpu::to_string(std::get<1>(param.param)));
}

INSTANTIATE_TEST_SUITE_P(Families, KernelOpTest,
                         ::testing::Combine(::testing::ValuesIn(op_families()),
                                            ::testing::Values(strata_cpu::Isa::generic, strata_cpu::Isa::avx2)),
                         family_isa_name);

// The kernels size their work split by the arena's concurrency: attention splits the keys
// into chunks when there are few (token, head) items per worker. Running under arenas of
// several sizes covers one chunk, several, and chunks wholly in the causal future.
class KernelArenaTest : public ::testing::TestWithParam<int> {};

TEST_P(KernelArenaTest, AttentionSameForAnyWorkerCount) {
  tbb::task_arena arena(GetParam());
  for (const OpCase& c : attention_cases()) arena.execute([&] { run_case(c); });
}

INSTANTIATE_TEST_SUITE_P(Workers, KernelArenaTest, ::testing::Values(1, 4, 64, 160));

std::vector<float> read_floats(Storage& s, std::size_t n) {
  std::vector<float> v(n);
  std::memcpy(v.data(), s.data(), n * 4);
  return v;
}

void write_floats(Storage& s, const std::vector<float>& v) { std::memcpy(s.data(), v.data(), v.size() * 4); }

TEST(KernelOverlap, AddWithBothInputsOverTheOutput) {
  const std::vector<float> x = {1, -2, 3.5f, 4, 5, -6, 7};
  Storage s(x.size() * 4, std::byte{0});
  write_floats(s, x);
  strata_op op{};
  op.kind = STRATA_OP_ADD;
  op.n_inputs = 2;
  op.inputs[0] = op.inputs[1] = op.output = tensor_in(s, STRATA_DTYPE_F32, {7});
  strata_cpu::execute(op, resolve);
  const auto got = read_floats(s, x.size());
  for (std::size_t i = 0; i < x.size(); ++i) EXPECT_EQ(got[i], 2 * x[i]);
}

TEST(KernelOverlap, BroadcastOperandInsideTheOutputIsReadBeforeItIsOverwritten) {
  // out[2,3] = a + b where b is the first row of a itself, and out sits over a.
  const std::vector<float> a = {1, 2, 3, 10, 20, 30};
  Storage s(a.size() * 4, std::byte{0});
  write_floats(s, a);
  strata_op op{};
  op.kind = STRATA_OP_MUL;
  op.n_inputs = 2;
  op.inputs[0] = op.output = tensor_in(s, STRATA_DTYPE_F32, {2, 3});
  op.inputs[1] = tensor_in(s, STRATA_DTYPE_F32, {3});
  strata_cpu::execute(op, resolve);
  EXPECT_EQ(read_floats(s, 6), (std::vector<float>{1, 4, 9, 10, 40, 90}));
}

TEST(KernelOverlap, MatmulOutputOverItsInput) {
  // x [2,2] times w [2,2]^T written over x: every x row must be read before it is replaced.
  Storage xs(16, std::byte{0}), ws(16, std::byte{0});
  write_floats(xs, {1, 2, 3, 4});
  write_floats(ws, {1, 1, 0, 2});
  strata_op op{};
  op.kind = STRATA_OP_MATMUL;
  op.n_inputs = 2;
  op.inputs[0] = op.output = tensor_in(xs, STRATA_DTYPE_F32, {2, 2});
  op.inputs[1] = tensor_in(ws, STRATA_DTYPE_F32, {2, 2});
  strata_cpu::execute(op, resolve);
  EXPECT_EQ(read_floats(xs, 4), (std::vector<float>{3, 4, 7, 8}));
}

TEST(KernelOverlap, WideningCopyOverItsOwnInput) {
  // bf16 [4] -> f32 [4] starting at the same address: the output is twice the input's size.
  Storage s(16, std::byte{0});
  const std::uint16_t in[4] = {0x3f80, 0x4000, 0xbf80, 0x4040};  // 1, 2, -1, 3
  std::memcpy(s.data(), in, sizeof(in));
  strata_op op{};
  op.kind = STRATA_OP_COPY;
  op.n_inputs = 1;
  op.inputs[0] = tensor_in(s, STRATA_DTYPE_BF16, {4});
  op.output = tensor_in(s, STRATA_DTYPE_F32, {4});
  strata_cpu::execute(op, resolve);
  EXPECT_EQ(read_floats(s, 4), (std::vector<float>{1, 2, -1, 3}));
}

TEST(KernelRefusals, EmbeddingIdOutOfRangeLeavesOutputUntouched) {
  Storage table(4 * 3 * 2, std::byte{0}), ids(3 * 4, std::byte{0}), out(3 * 2 * 4, std::byte{0x7f});
  const std::int32_t id_values[] = {0, 4, 1};  // 4 is past a vocabulary of 4
  std::memcpy(ids.data(), id_values, sizeof(id_values));
  strata_op op{};
  op.kind = STRATA_OP_EMBEDDING;
  op.n_inputs = 2;
  op.inputs[0] = tensor_in(table, STRATA_DTYPE_F32, {4, 2});
  op.inputs[1] = tensor_in(ids, STRATA_DTYPE_I32, {3});
  op.output = tensor_in(out, STRATA_DTYPE_F32, {3, 2});
  for (std::int32_t bad : {4, -1, 2147483647, -2147483647 - 1}) {
    std::memcpy(ids.data() + 4, &bad, 4);
    try {
      strata_cpu::execute(op, resolve);
      ADD_FAILURE() << "id " << bad << " was accepted";
    } catch (const strata_plugin::Error& e) {
      EXPECT_EQ(e.code(), STRATA_STATUS_INVALID_ARGUMENT);
      EXPECT_NE(std::string(e.what()).find("embedding"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find(std::to_string(bad)), std::string::npos) << e.what();
    }
    for (std::size_t i = 0; i < out.bytes(); ++i) ASSERT_EQ(out.data()[i], std::byte{0x7f});
  }
}

TEST(KernelRefusals, InvalidOpNamesTheOp) {
  Storage a(12, std::byte{0}), out(16, std::byte{0});
  strata_op op{};
  op.kind = STRATA_OP_SOFTMAX;
  op.n_inputs = 1;
  op.inputs[0] = tensor_in(a, STRATA_DTYPE_F32, {3});
  op.output = tensor_in(out, STRATA_DTYPE_F32, {4});
  try {
    strata_cpu::execute(op, resolve);
    FAIL() << "a softmax with mismatched shapes was accepted";
  } catch (const strata_plugin::Error& e) {
    EXPECT_EQ(e.code(), STRATA_STATUS_INVALID_ARGUMENT);
    EXPECT_EQ(std::string(e.what()).rfind("softmax", 0), 0u) << e.what();
  }
}

TEST(KernelRefusals, MisalignedTensorAddress) {
  Storage a(64, std::byte{0}), out(64, std::byte{0});
  strata_op op{};
  op.kind = STRATA_OP_SILU;
  op.n_inputs = 1;
  op.inputs[0] = tensor_in(a, STRATA_DTYPE_F32, {4});
  op.output = tensor_in(out, STRATA_DTYPE_F32, {4});
  // A base address two bytes off makes a valid offset land on a misaligned float.
  const strata_cpu::ResolveBuffer shifted = [](strata_buffer* b) { return reinterpret_cast<std::byte*>(b) + 2; };
  try {
    strata_cpu::execute(op, shifted);
    FAIL() << "a misaligned f32 tensor was accepted";
  } catch (const strata_plugin::Error& e) {
    EXPECT_EQ(e.code(), STRATA_STATUS_INVALID_ARGUMENT);
    EXPECT_NE(std::string(e.what()).find("aligned"), std::string::npos) << e.what();
  }
}

TEST(KernelRefusals, BufferWithoutHostMemory) {
  Storage a(16, std::byte{0});
  strata_op op{};
  op.kind = STRATA_OP_SILU;
  op.n_inputs = 1;
  op.inputs[0] = op.output = tensor_in(a, STRATA_DTYPE_F32, {4});
  const strata_cpu::ResolveBuffer nothing = [](strata_buffer*) { return static_cast<std::byte*>(nullptr); };
  EXPECT_THROW(strata_cpu::execute(op, nothing), strata_plugin::Error);
}

TEST(KernelIsa, ForcingAVariantTheCpuLacksIsRefused) {
  EXPECT_TRUE(strata_cpu::force_isa(strata_cpu::Isa::generic));
  EXPECT_EQ(strata_cpu::active_isa(), strata_cpu::Isa::generic);
  EXPECT_EQ(strata_cpu::force_isa(strata_cpu::Isa::avx2), strata_cpu::best_isa() == strata_cpu::Isa::avx2);
  strata_cpu::force_isa(strata_cpu::best_isa());
}

}  // namespace
}  // namespace strata_test
