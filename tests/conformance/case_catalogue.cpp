#include "case_catalogue.hpp"

#include <fmt/format.h>

#include <array>
#include <cmath>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

namespace strata_cts {
namespace {

using strata::DType;

constexpr std::array<DType, 3> float_dtypes = {DType::f32, DType::f16, DType::bf16};

using Dims = std::vector<std::int64_t>;

std::string dims_text(const Dims& dims) {
  std::string text;
  for (const std::int64_t d : dims) text += (text.empty() ? "" : "x") + std::to_string(d);
  return text;
}

TensorSpec tensor(DType dtype, const Dims& dims) { return {dtype, make_shape(dims)}; }

std::string dtype_text(DType dtype) { return std::string(strata::to_string(dtype)); }

// Adds the stress variants of a base case: in place, odd offsets, NaN/Inf/large data.
struct Catalogue {
  std::vector<OpCase> cases;

  void add(std::string op, std::string dtype, std::string shape, const OpSpec& spec) {
    std::string name = op + "/" + dtype + "/" + shape;
    cases.push_back({std::move(name), std::move(op), std::move(dtype), spec});
  }

  void add_variant(const OpCase& base, const char* suffix, OpSpec spec) {
    cases.push_back({base.name + "/" + suffix, base.op, base.dtype, std::move(spec)});
  }

  // The last case added gets the listed variants.
  void vary_last(bool in_place, bool odd_offsets, std::initializer_list<DataKind> data) {
    const OpCase base = cases.back();
    if (in_place) {
      OpSpec spec = base.spec;
      spec.in_place = true;
      add_variant(base, "inplace", spec);
    }
    if (odd_offsets) {
      OpSpec spec = base.spec;
      spec.odd_offsets = true;
      add_variant(base, "odd-offset", spec);
    }
    for (const DataKind kind : data) {
      OpSpec spec = base.spec;
      spec.data = kind;
      add_variant(base, kind == DataKind::nan ? "nan" : kind == DataKind::inf ? "inf" : "large", spec);
    }
  }
};

void add_copies(Catalogue& c, CaseSet set) {
  const std::array<std::pair<DType, DType>, 10> pairs = {{{DType::f32, DType::f32},
                                                          {DType::f32, DType::f16},
                                                          {DType::f32, DType::bf16},
                                                          {DType::f16, DType::f32},
                                                          {DType::bf16, DType::f32},
                                                          {DType::f16, DType::f16},
                                                          {DType::bf16, DType::bf16},
                                                          {DType::f16, DType::bf16},
                                                          {DType::bf16, DType::f16},
                                                          {DType::i32, DType::i32}}};
  for (const auto& [from, to] : pairs) {
    const std::string dtype = dtype_text(from) + "->" + dtype_text(to);
    c.add("copy", dtype, "1", {STRATA_OP_COPY, {tensor(from, {1})}, tensor(to, {1})});
    c.add("copy", dtype, "5x131", {STRATA_OP_COPY, {tensor(from, {5, 131})}, tensor(to, {5, 131})});
    if (from != DType::i32) c.vary_last(from == to, from == DType::f32, {DataKind::nan, DataKind::inf});
    if (set == CaseSet::full) {
      c.add("copy", dtype, "3x5x7x9", {STRATA_OP_COPY, {tensor(from, {3, 5, 7, 9})}, tensor(to, {3, 5, 7, 9})});
      c.add("copy", dtype, "1048579", {STRATA_OP_COPY, {tensor(from, {1048579})}, tensor(to, {1048579})});
    }
    if (from == DType::i32) continue;
    // A copy may reshape: only the element count must agree.
    c.add("copy", dtype, "5x131-to-655", {STRATA_OP_COPY, {tensor(from, {5, 131})}, tensor(to, {655})});
  }
}

void add_binary(Catalogue& c, CaseSet set, strata_op_kind kind) {
  const std::string op = op_label(kind);
  for (const DType b : float_dtypes) {
    const std::string dtype = dtype_text(b);
    c.add(op, dtype, "1", {kind, {tensor(DType::f32, {1}), tensor(b, {1})}, tensor(DType::f32, {1})});
    c.add(op, dtype, "7x33", {kind, {tensor(DType::f32, {7, 33}), tensor(b, {7, 33})}, tensor(DType::f32, {7, 33})});
    c.add(op, dtype, "3x5x129/row-broadcast",
          {kind, {tensor(DType::f32, {3, 5, 129}), tensor(b, {129})}, tensor(DType::f32, {3, 5, 129})});
    if (b == DType::f32) c.vary_last(true, true, {DataKind::nan, DataKind::inf});
    if (set == CaseSet::full) {
      c.add(op, dtype, "64x11009",
            {kind, {tensor(DType::f32, {64, 11009}), tensor(b, {64, 11009})}, tensor(DType::f32, {64, 11009})});
      c.add(op, dtype, "257x4099/row-broadcast",
            {kind, {tensor(DType::f32, {257, 4099}), tensor(b, {4099})}, tensor(DType::f32, {257, 4099})});
    }
  }
}

void add_activations(Catalogue& c, CaseSet set) {
  struct Activation {
    strata_op_kind kind;
    const char* name;
    bool tanh;
  };
  const std::array<Activation, 4> activations = {{{STRATA_OP_SILU, "silu", false},
                                                  {STRATA_OP_GELU, "gelu", false},
                                                  {STRATA_OP_GELU, "gelu-tanh", true},
                                                  {STRATA_OP_SILU_MUL, "silu_mul", false}}};
  for (const Activation& a : activations) {
    const bool gated = a.kind == STRATA_OP_SILU_MUL;
    std::vector<Dims> shapes = {{1}, {31}, {17, 257}};
    if (set == CaseSet::full) shapes.insert(shapes.end(), {{64, 11009}, {3, 7, 1025}});
    for (const Dims& dims : shapes) {
      OpSpec spec{a.kind, {tensor(DType::f32, dims)}, tensor(DType::f32, dims)};
      if (gated) spec.inputs.push_back(tensor(DType::f32, dims));
      spec.gelu_tanh = a.tanh;
      c.add(a.name, "f32", dims_text(dims), spec);
    }
    c.vary_last(true, true, {DataKind::nan});
  }
}

void add_norms(Catalogue& c, CaseSet set) {
  std::vector<Dims> shapes = {{1, 1}, {3, 7}, {5, 4099}};
  if (set == CaseSet::full) shapes.insert(shapes.end(), {{2, 3, 513}, {64, 8192}});
  for (const DType w : float_dtypes) {
    const std::string dtype = dtype_text(w);
    for (const Dims& dims : shapes) {
      const std::int64_t n = dims.back();
      c.add("rms_norm", dtype, dims_text(dims),
            {STRATA_OP_RMS_NORM,
             {tensor(DType::f32, dims), tensor(w, {n})},
             tensor(DType::f32, dims),
             false,
             false,
             DataKind::normal,
             1e-6f});
      if (w == DType::f32 && n == 7) c.vary_last(true, true, {DataKind::nan});
      c.add(
          "layer_norm", dtype, dims_text(dims) + "/bias",
          {STRATA_OP_LAYER_NORM, {tensor(DType::f32, dims), tensor(w, {n}), tensor(w, {n})}, tensor(DType::f32, dims)});
      if (w == DType::f32 && n == 7) c.vary_last(true, true, {DataKind::nan});
      c.add("layer_norm", dtype, dims_text(dims),
            {STRATA_OP_LAYER_NORM, {tensor(DType::f32, dims), tensor(w, {n})}, tensor(DType::f32, dims)});
    }
  }
}

void add_rope(Catalogue& c, CaseSet set) {
  struct Rope {
    std::int64_t t, h, d;
    int rotary;
    float theta;
    std::int64_t max_position;
  };
  std::vector<Rope> shapes = {{1, 1, 2, 2, 10000.0f, 1},
                              {3, 4, 64, 64, 10000.0f, 4096},
                              {7, 3, 80, 40, 10000.0f, 2048},  // partial rotary (phi-style)
                              {5, 2, 128, 128, 1000000.0f, 4096}};
  if (set == CaseSet::full) {
    shapes.push_back({64, 32, 128, 128, 500000.0f, 32768});
    shapes.push_back({2, 8, 96, 32, 10000.0f, 8192});
  }
  for (const Rope& r : shapes) {
    OpSpec spec{STRATA_OP_ROPE,
                {tensor(DType::f32, {r.t, r.h, r.d}), tensor(DType::i32, {r.t})},
                tensor(DType::f32, {r.t, r.h, r.d})};
    spec.rotary_dim = r.rotary;
    spec.theta = r.theta;
    spec.max_position = r.max_position;
    c.add("rope", "f32", fmt::format("{}x{}x{}/rot{}", r.t, r.h, r.d, r.rotary), spec);
  }
  c.vary_last(true, true, {DataKind::nan});
}

// ABI 1.2: Gemma's (1 + w) norms store w - 1 and pass weight_offset 1.
void add_norm_offsets(Catalogue& c, CaseSet set) {
  std::vector<Dims> shapes = {{1, 1}, {3, 7}, {5, 4099}};
  if (set == CaseSet::full) shapes.push_back({64, 3072});
  for (const DType w : float_dtypes) {
    for (const Dims& dims : shapes) {
      OpSpec spec{STRATA_OP_RMS_NORM, {tensor(DType::f32, dims), tensor(w, {dims.back()})}, tensor(DType::f32, dims)};
      spec.eps = 1e-6f;
      spec.weight_offset = 1.0f;
      c.add("rms_norm", dtype_text(w), dims_text(dims) + "/weight-offset1", spec);
      if (w == DType::f32 && dims.back() == 7) c.vary_last(true, true, {DataKind::nan});
    }
  }
}

// ABI 1.2: inverse frequencies given as input 2 (llama3 and other scaled ropes), positions far
// beyond 64.
void add_rope_frequencies(Catalogue& c, CaseSet set) {
  struct Rope {
    std::int64_t t, h, d;
    int rotary;
    std::int64_t max_position;
  };
  std::vector<Rope> shapes = {{1, 1, 2, 2, 100}, {3, 4, 64, 64, 8192}, {7, 3, 80, 40, 2048}, {5, 2, 128, 128, 4096}};
  if (set == CaseSet::full) shapes.push_back({64, 32, 128, 128, 131072});
  for (const Rope& r : shapes) {
    OpSpec spec{STRATA_OP_ROPE,
                {tensor(DType::f32, {r.t, r.h, r.d}), tensor(DType::i32, {r.t}), tensor(DType::f32, {r.rotary / 2})},
                tensor(DType::f32, {r.t, r.h, r.d})};
    spec.rotary_dim = r.rotary;
    spec.theta = 500000.0f;  // only to make the frequencies: the op ignores theta
    spec.inverse_frequencies = true;
    spec.max_position = r.max_position;
    c.add("rope", "f32", fmt::format("{}x{}x{}/rot{}/inv-freq", r.t, r.h, r.d, r.rotary), spec);
  }
  c.vary_last(true, true, {DataKind::nan});
}

// ABI 1.2: SCALE (Gemma's embedding scale) and SOFTCAP (Gemma 2's logit cap).
void add_scaling(Catalogue& c, CaseSet set) {
  std::vector<Dims> shapes = {{1}, {31}, {17, 257}};
  if (set == CaseSet::full) shapes.push_back({64, 32001});
  for (const Dims& dims : shapes) {
    OpSpec spec{STRATA_OP_SCALE, {tensor(DType::f32, dims)}, tensor(DType::f32, dims)};
    spec.scale = 45.254834f;  // sqrt(2048)
    c.add("scale", "f32", dims_text(dims), spec);
  }
  c.vary_last(true, true, {DataKind::nan, DataKind::inf, DataKind::large});
  // Caps of Gemma 2 (30 final, 50 attention), a tiny one, and one far above the values.
  for (const float cap : {30.0f, 50.0f, 0.5f, 10000.0f}) {
    for (const Dims& dims : shapes) {
      OpSpec spec{STRATA_OP_SOFTCAP, {tensor(DType::f32, dims)}, tensor(DType::f32, dims)};
      spec.softcap = cap;
      c.add("softcap", "f32", fmt::format("{}/cap{}", dims_text(dims), cap), spec);
    }
    if (cap == 30.0f) c.vary_last(true, true, {DataKind::nan, DataKind::inf, DataKind::large});
  }
}

void add_softmax(Catalogue& c, CaseSet set) {
  struct Softmax {
    std::int64_t rows, n;
    float scale;
  };
  std::vector<Softmax> shapes = {{1, 1, 1.0f}, {3, 17, 1.0f}, {4, 1000, 1.0f}, {2, 4097, 0.125f}};
  if (set == CaseSet::full) {
    shapes.push_back({64, 32001, 1.0f});
    shapes.push_back({129, 255, 0.7f});
  }
  for (const Softmax& s : shapes) {
    OpSpec spec{STRATA_OP_SOFTMAX, {tensor(DType::f32, {s.rows, s.n})}, tensor(DType::f32, {s.rows, s.n})};
    spec.scale = s.scale;
    c.add("softmax", "f32", fmt::format("{}x{}/scale{}", s.rows, s.n, s.scale), spec);
  }
  c.vary_last(true, true, {DataKind::nan, DataKind::large});
}

void add_matmul(Catalogue& c, CaseSet set) {
  struct Matmul {
    std::int64_t m, k, n;
    bool bias;
  };
  // 20x264x72: K a multiple of 8 but not of 32 and M, N off every tile size: the shape the
  // backends' matrix-unit paths take, with all their edges. 5x264x37: a batched decode step
  // (a few rows of x, K in whole 16-byte groups), which matrix-vector kernels take.
  std::vector<Matmul> shapes = {{1, 1, 1, false},   {1, 64, 64, false},  {7, 33, 65, false},
                                {3, 129, 17, true}, {16, 257, 31, true}, {1, 1023, 3, false},
                                {2, 5, 1031, true}, {20, 264, 72, true}, {5, 264, 37, true}};
  if (set == CaseSet::full) {
    shapes.push_back({64, 4096, 1031, false});
    shapes.push_back({1, 4096, 4096, true});
    shapes.push_back({33, 2048, 5632, false});
    shapes.push_back({128, 127, 129, true});
    shapes.push_back({8, 2048, 1031, false});
  }
  for (const DType w : float_dtypes) {
    for (const Matmul& s : shapes) {
      OpSpec spec{
          STRATA_OP_MATMUL, {tensor(DType::f32, {s.m, s.k}), tensor(w, {s.n, s.k})}, tensor(DType::f32, {s.m, s.n})};
      if (s.bias) spec.inputs.push_back(tensor(w, {s.n}));
      c.add("matmul", dtype_text(w), fmt::format("{}x{}x{}{}", s.m, s.k, s.n, s.bias ? "/bias" : ""), spec);
    }
    if (w == DType::f32) c.vary_last(false, true, {DataKind::nan, DataKind::inf});
  }
}

void add_attention(Catalogue& c, CaseSet set) {
  struct Attention {
    std::int64_t t, hq, hkv, d, s, n_past;
    bool causal;
  };
  // Every grouped-query ratio a Llama-family model uses (1, 2, 3, 4, 7, 8), decode (T = 1)
  // and prefill, caches longer than the context (rows past n_past + T must be ignored).
  std::vector<Attention> shapes = {
      {1, 1, 1, 8, 1, 0, true},    {1, 4, 4, 64, 37, 36, true},  {1, 8, 4, 64, 100, 50, true},
      {3, 12, 4, 80, 20, 5, true}, {5, 8, 2, 64, 16, 0, true},   {2, 8, 1, 128, 300, 290, true},
      {4, 7, 1, 40, 9, 0, false},  {3, 4, 2, 32, 40, 20, false}, {1, 32, 8, 128, 512, 511, true}};
  if (set == CaseSet::full) {
    shapes.push_back({1, 32, 8, 128, 4096, 4095, true});
    shapes.push_back({16, 32, 8, 128, 4096, 2048, true});
    shapes.push_back({64, 16, 16, 64, 128, 0, true});
    shapes.push_back({1, 8, 8, 64, 8192, 8000, true});
    shapes.push_back({33, 14, 2, 64, 1000, 900, false});
  }
  for (const DType kv : {DType::f32, DType::f16}) {
    for (const Attention& a : shapes) {
      OpSpec spec{STRATA_OP_ATTENTION,
                  {tensor(DType::f32, {a.t, a.hq, a.d}), tensor(kv, {a.s, a.hkv, a.d}), tensor(kv, {a.s, a.hkv, a.d})},
                  tensor(DType::f32, {a.t, a.hq, a.d})};
      spec.n_past = a.n_past;
      spec.causal = a.causal;
      spec.scale = 1.0f / std::sqrt(static_cast<float>(a.d));
      c.add("attention", dtype_text(kv),
            fmt::format("T{}-Hq{}-Hkv{}-D{}-S{}-past{}{}", a.t, a.hq, a.hkv, a.d, a.s, a.n_past,
                        a.causal ? "" : "/noncausal"),
            spec);
      if (a.hq == 8 && a.hkv == 2 && kv == DType::f32) c.vary_last(false, true, {DataKind::nan, DataKind::large});
    }
  }
}

// ABI 1.2: sliding windows (Mistral, Gemma's local layers) and soft-capped scores (Gemma 2):
// prefill longer than the window with and without a past, decode far past it, GQA.
void add_attention_1_2(Catalogue& c, CaseSet set) {
  struct Attention {
    std::int64_t t, hq, hkv, d, s, n_past, window;
    float softcap;
  };
  // The last: decode split over a window shorter than the context.
  std::vector<Attention> shapes = {{20, 4, 2, 64, 20, 0, 8, 0},         {9, 8, 2, 64, 40, 25, 16, 0},
                                   {1, 32, 8, 128, 600, 550, 128, 0},   {1, 8, 8, 64, 300, 299, 300, 0},
                                   {5, 8, 2, 64, 16, 3, 0, 50.0f},      {12, 8, 4, 64, 30, 10, 8, 20.0f},
                                   {1, 16, 8, 128, 300, 290, 0, 50.0f}, {1, 8, 2, 64, 700, 650, 256, 0}};
  if (set == CaseSet::full) {
    shapes.push_back({1, 32, 8, 128, 8192, 8000, 4096, 0});
    shapes.push_back({64, 16, 8, 256, 2048, 1000, 512, 50.0f});
  }
  for (const DType kv : {DType::f32, DType::f16}) {
    for (const Attention& a : shapes) {
      OpSpec spec{STRATA_OP_ATTENTION,
                  {tensor(DType::f32, {a.t, a.hq, a.d}), tensor(kv, {a.s, a.hkv, a.d}), tensor(kv, {a.s, a.hkv, a.d})},
                  tensor(DType::f32, {a.t, a.hq, a.d})};
      spec.n_past = a.n_past;
      spec.scale = 1.0f / std::sqrt(static_cast<float>(a.d));
      spec.window = a.window;
      spec.softcap = a.softcap;
      std::string shape = fmt::format("T{}-Hq{}-Hkv{}-D{}-S{}-past{}", a.t, a.hq, a.hkv, a.d, a.s, a.n_past);
      if (a.window != 0) shape += fmt::format("/window{}", a.window);
      if (a.softcap != 0) shape += fmt::format("/softcap{}", a.softcap);
      c.add("attention", dtype_text(kv), shape, spec);
      // Large scores are where the cap bites.
      if (a.softcap != 0 && a.window != 0 && kv == DType::f32)
        c.vary_last(false, true, {DataKind::nan, DataKind::large});
    }
  }
}

void add_embedding(Catalogue& c, CaseSet set) {
  struct Embedding {
    std::int64_t v, d, t;
  };
  std::vector<Embedding> shapes = {{1, 1, 1}, {256, 64, 7}, {1000, 33, 17}};
  if (set == CaseSet::full) shapes.push_back({32001, 512, 33});
  for (const DType table : float_dtypes) {
    for (const Embedding& e : shapes) {
      c.add("embedding", dtype_text(table), fmt::format("V{}-D{}-T{}", e.v, e.d, e.t),
            {STRATA_OP_EMBEDDING,
             {tensor(table, {e.v, e.d}), tensor(DType::i32, {e.t})},
             tensor(DType::f32, {e.t, e.d})});
    }
    if (table == DType::f32) c.vary_last(false, true, {DataKind::nan});
  }
}

}  // namespace

const char* op_label(strata_op_kind kind) { return strata_op_kind_name(kind); }

std::vector<OpCase> op_cases(CaseSet set) {
  Catalogue c;
  add_copies(c, set);
  add_binary(c, set, STRATA_OP_ADD);
  add_binary(c, set, STRATA_OP_MUL);
  add_activations(c, set);
  add_norms(c, set);
  add_rope(c, set);
  add_softmax(c, set);
  add_matmul(c, set);
  add_attention(c, set);
  add_embedding(c, set);
  // ABI 1.2 (skipped for older plugins)
  add_norm_offsets(c, set);
  add_rope_frequencies(c, set);
  add_scaling(c, set);
  add_attention_1_2(c, set);
  return std::move(c.cases);
}

}  // namespace strata_cts
