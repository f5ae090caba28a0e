// Token choice: greedy ties, seeded reproducibility, and the distribution sampling draws from
// against the softmax computed here by hand.
#include <strata/error.hpp>
#include <strata/generate.hpp>

#include <gtest/gtest.h>

#include <cmath>

namespace strata {
namespace {

TEST(Sampler, GreedyTakesTheFirstOfEqualMaxima) {
  Sampler sampler({});
  const std::vector<float> logits = {0.5f, 2.0f, -1.0f, 2.0f};
  EXPECT_EQ(sampler.next(logits), 1);
}

TEST(Sampler, TheSameSeedGivesTheSameTokens) {
  const std::vector<float> logits = {0.1f, 0.4f, 0.2f, 0.3f, 0.0f, 0.25f};
  SamplingOptions options;
  options.temperature = 1.0f;
  options.seed = 42;
  Sampler a(options), b(options);
  options.seed = 43;
  Sampler c(options);
  std::vector<std::int32_t> from_a, from_b, from_c;
  for (int i = 0; i < 64; ++i) {
    from_a.push_back(a.next(logits));
    from_b.push_back(b.next(logits));
    from_c.push_back(c.next(logits));
  }
  EXPECT_EQ(from_a, from_b);
  EXPECT_NE(from_a, from_c);
}

TEST(Sampler, FrequenciesFollowTheTemperedSoftmax) {
  const std::vector<float> logits = {std::log(0.6f), std::log(0.3f), std::log(0.1f)};
  SamplingOptions options;
  options.temperature = 2.0f;  // p ~ sqrt(p0): 0.6^.5, 0.3^.5, 0.1^.5, normalised
  options.seed = 7;
  Sampler sampler(options);
  std::vector<int> counts(3);
  constexpr int draws = 20000;
  for (int i = 0; i < draws; ++i) ++counts[static_cast<std::size_t>(sampler.next(logits))];
  const double z = std::sqrt(0.6) + std::sqrt(0.3) + std::sqrt(0.1);
  const double expected[] = {std::sqrt(0.6) / z, std::sqrt(0.3) / z, std::sqrt(0.1) / z};
  for (std::size_t i = 0; i < 3; ++i) EXPECT_NEAR(counts[i] / double(draws), expected[i], 0.015) << i;
}

TEST(Sampler, ATinyTemperatureActsAsGreedy) {
  // logit / 1e-45 overflows; the sampler must still pick the likeliest token every time.
  const std::vector<float> logits = {0.1f, 0.4f, -3.0f, 0.3f};
  SamplingOptions options;
  options.temperature = 1e-45f;
  for (std::uint64_t seed = 0; seed < 16; ++seed) {
    options.seed = seed;
    EXPECT_EQ(Sampler(options).next(logits), 1) << "seed " << seed;
  }
}

TEST(Sampler, TopKAndTopPCutTheTail) {
  const std::vector<float> logits = {std::log(0.5f), std::log(0.3f), std::log(0.15f), std::log(0.05f)};
  SamplingOptions options;
  options.temperature = 1.0f;
  options.top_k = 2;
  Sampler top_k(options);
  std::vector<int> counts(4);
  for (int i = 0; i < 4000; ++i) ++counts[static_cast<std::size_t>(top_k.next(logits))];
  EXPECT_EQ(counts[2] + counts[3], 0);
  EXPECT_NEAR(counts[0] / 4000.0, 0.5 / 0.8, 0.03);

  options.top_k = 0;
  options.top_p = 0.9f;  // 0.5 + 0.3 + 0.15 reaches 0.9: the 0.05 token is cut
  Sampler top_p(options);
  std::fill(counts.begin(), counts.end(), 0);
  for (int i = 0; i < 4000; ++i) ++counts[static_cast<std::size_t>(top_p.next(logits))];
  EXPECT_EQ(counts[3], 0);
  EXPECT_GT(counts[2], 0);

  options.top_p = 0.01f;  // only the most likely token survives
  Sampler narrow(options);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(narrow.next(logits), 0);
}

TEST(Sampler, TheRepetitionPenaltyDividesPositiveAndMultipliesNegativeLogits) {
  // By hand, penalty 2 over ids {0, 1}: 2.0 -> 1.0 and -1.0 -> -2.0; 1.8 (id 3) now leads.
  const std::vector<float> logits = {2.0f, -1.0f, 0.5f, 1.8f};
  const std::vector<std::int32_t> context = {0, 1, 1};
  SamplingOptions options;
  options.repetition_penalty = 2.0f;
  EXPECT_EQ(Sampler(options).next(logits), 0);  // no context: nothing to penalize
  EXPECT_EQ(Sampler(options).next(logits, context), 3);
  // Only the ids seen are touched: with id 3 in the context as well, 2.0 / 2 = 1.0 leads 0.9.
  const std::vector<float> close = {2.0f, -1.0f, 0.5f, 1.8f};
  const std::vector<std::int32_t> both = {0, 3};
  EXPECT_EQ(Sampler(options).next(close, both), 0);
  // A repeated id is penalized once: 2.0 / 2 = 1.0 still beats 0.9 (twice would give 0.5).
  const std::vector<float> near = {2.0f, 0.9f};
  const std::vector<std::int32_t> repeated = {0, 0, 0};
  EXPECT_EQ(Sampler(options).next(near, repeated), 0);
  // A penalty below 1 favours repetition: -1.0 * 0.1 = -0.1 beats -0.5.
  options.repetition_penalty = 0.1f;
  const std::vector<float> negative = {-0.5f, -1.0f};
  const std::vector<std::int32_t> second = {1};
  EXPECT_EQ(Sampler(options).next(negative, second), 1);
  // Ids outside the logits are ignored, not an error.
  const std::vector<std::int32_t> outside = {-1, 7};
  EXPECT_EQ(Sampler(options).next(negative, outside), 0);
}

TEST(Sampler, TheRepetitionPenaltyAppliesBeforeSampling) {
  // Penalty 1e9 on id 0 takes its logit from 5 to 5e-9; the survivors are 0 and 1 at logits
  // ~0 and 0 (equal weights) and id 2 at -1 (weight e^-1): frequencies 1 : 1 : 0.37.
  const std::vector<float> logits = {5.0f, 0.0f, -1.0f};
  const std::vector<std::int32_t> context = {0};
  SamplingOptions options;
  options.temperature = 1.0f;
  options.repetition_penalty = 1e9f;
  options.seed = 3;
  Sampler sampler(options);
  std::vector<int> counts(3);
  constexpr int draws = 20000;
  for (int i = 0; i < draws; ++i) ++counts[static_cast<std::size_t>(sampler.next(logits, context))];
  const double z = 2 + std::exp(-1.0);
  EXPECT_NEAR(counts[0] / double(draws), 1 / z, 0.015);
  EXPECT_NEAR(counts[2] / double(draws), std::exp(-1.0) / z, 0.015);
}

TEST(Sampler, MinPCutsRelativeToTheLikeliestTokenAfterTemperature) {
  // Probabilities 0.5, 0.3, 0.15, 0.05. At temperature 1 the ratios to the top are 0.6, 0.3,
  // 0.1: min_p 0.4 keeps ids 0 and 1. At temperature 2 they are sqrt of those: 0.775, 0.548,
  // 0.316: the same min_p keeps ids 0, 1 and 2.
  const std::vector<float> logits = {std::log(0.5f), std::log(0.3f), std::log(0.15f), std::log(0.05f)};
  SamplingOptions options;
  options.temperature = 1.0f;
  options.min_p = 0.4f;
  options.seed = 11;
  Sampler cold(options);
  std::vector<int> counts(4);
  constexpr int draws = 20000;
  for (int i = 0; i < draws; ++i) ++counts[static_cast<std::size_t>(cold.next(logits))];
  EXPECT_EQ(counts[2] + counts[3], 0);
  EXPECT_NEAR(counts[0] / double(draws), 0.5 / 0.8, 0.015);

  options.temperature = 2.0f;
  Sampler warm(options);
  std::fill(counts.begin(), counts.end(), 0);
  for (int i = 0; i < draws; ++i) ++counts[static_cast<std::size_t>(warm.next(logits))];
  EXPECT_EQ(counts[3], 0);
  const double z = std::sqrt(0.5) + std::sqrt(0.3) + std::sqrt(0.15);
  EXPECT_NEAR(counts[2] / double(draws), std::sqrt(0.15) / z, 0.015);

  options.min_p = 1.0f;  // only tokens as likely as the top one
  Sampler only_top(options);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(only_top.next(logits), 0);
}

TEST(Sampler, RejectsNonsenseOptions) {
  SamplingOptions options;
  options.temperature = -1;
  EXPECT_THROW(Sampler{options}, Error);
  options = {};
  options.top_p = 0;
  EXPECT_THROW(Sampler{options}, Error);
  options = {};
  options.top_k = -3;
  EXPECT_THROW(Sampler{options}, Error);
  for (float min_p : {-0.1f, 1.5f, std::nanf("")}) {
    options = {};
    options.min_p = min_p;
    EXPECT_THROW(Sampler{options}, Error) << min_p;
  }
  for (float penalty : {0.0f, -1.0f, INFINITY, std::nanf("")}) {
    options = {};
    options.repetition_penalty = penalty;
    EXPECT_THROW(Sampler{options}, Error) << penalty;
  }
}

TEST(ByteTokens, RoundTripAndRefuseNonBytes) {
  const std::string text = "def f():\n\treturn '\xc3\xa9'";
  const std::vector<std::int32_t> tokens = text_to_byte_tokens(text);
  EXPECT_EQ(tokens[0], 'd');
  EXPECT_EQ(tokens.back(), '\'');
  EXPECT_EQ(tokens[tokens.size() - 3], 0xc3);
  EXPECT_EQ(byte_tokens_to_text(tokens), text);
  const std::vector<std::int32_t> bad = {65, 256};
  EXPECT_THROW(byte_tokens_to_text(bad), Error);
}

}  // namespace
}  // namespace strata
