// (d) Decode tokens/s of the 1.1B Llama shape (f16 weights, batch 1) at a context of about 128,
// next to the bandwidth limit (copy GB/s / bytes read per token) and the peer figure of
// DESIGN.md: transformers 5.17 + accelerate on an H100, 15.2 tokens/s.
#include "bench.hpp"
#include "llama_decoder.hpp"
#include "timing.hpp"

#include <fmt/format.h>

namespace bench {
namespace {

constexpr double kPeerTokensPerSecond = 15.2;
constexpr int kWarmupTokens = 2;
// Untimed decode before the timed tokens, so that a GPU that idled while the weights were made
// has raised its clocks again (it takes a few hundred milliseconds of work).
constexpr double kWarmupSeconds = 1.5;

}  // namespace

void run_decode_section(const strata::Device& device, const Options& options, Report& report) {
  const LlamaShape shape = options.quick ? llama_quick_shape() : llama_1b_shape();
  const std::int64_t context = std::max(options.decode_context, kWarmupTokens);
  const int tokens = std::max(options.decode_tokens, 1);
  const std::int64_t max_context = context + tokens;
  const std::string model = options.quick ? "toy Llama" : "Llama 1.1B";

  std::optional<strata::Queue> made = make_queue(device, matvec_engines(device, options).front());
  if (!made) return;
  strata::Queue& queue = *made;
  LlamaDecoder decoder(device, queue, shape, max_context);
  std::int32_t token = 1;
  const double warm_until = now_seconds() + kWarmupSeconds;
  for (int i = 0; i < kWarmupTokens || now_seconds() < warm_until; ++i)
    token = decoder.step(token, context - kWarmupTokens + i % kWarmupTokens);
  const double start = now_seconds();
  const double submit_before = decoder.submit_seconds();
  const double read_before = decoder.read_seconds();
  for (int i = 0; i < tokens; ++i) token = decoder.step(token, context + i);
  const double elapsed = now_seconds() - start;
  const double submit_ms = (decoder.submit_seconds() - submit_before) * 1e3 / tokens;
  const double read_ms = (decoder.read_seconds() - read_before) * 1e3 / tokens;
  const double tokens_per_second = tokens / elapsed;

  const double bytes = static_cast<double>(decoder.bytes_per_token(context + tokens / 2));
  const double copy_gbps = report.value_of("copy", "device copy");
  Row measured{"decode", fmt::format("{} f16, batch 1, {} tokens at context {}", model, tokens, context),
               tokens_per_second, "tokens/s"};
  if (copy_gbps > 0) {
    const double limit = copy_gbps * 1e9 / bytes;
    measured.ratio = tokens_per_second / limit;
    measured.ratio_to = "bandwidth limit";
    report.add(measured);
    report.add({"decode", fmt::format("bandwidth limit: copy GB/s / {:.1f} MB read per token", bytes / 1e6), limit,
                "tokens/s"});
  } else {
    report.add(measured);
  }
  report.add({"decode", "host time in submit per token (recording)", submit_ms, "ms"});
  report.add({"decode", "host time reading logits per token (waiting)", read_ms, "ms"});
  report.add({"decode", "peer: transformers 5.17, H100, Llama 1.1B f16 (DESIGN.md)", kPeerTokensPerSecond, "tokens/s"});
  if (!options.quick)
    report.add({"decode", "ours / peer (meaningful on an H100 only)", tokens_per_second / kPeerTokensPerSecond, "x"});
}

}  // namespace bench
