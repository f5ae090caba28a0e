// generation_config.json: the fields read, the errors that name the file and the field, and the
// GenerateOptions that follow from it as transformers' generate() reads the same file.
#include <strata/error.hpp>
#include <strata/generation_config.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace strata {
namespace {

using ::testing::HasSubstr;

std::string error_of(std::string_view json) {
  try {
    GenerationConfig::from_json(json, "dir/generation_config.json");
  } catch (const Error& error) {
    return error.what();
  }
  ADD_FAILURE() << "no error for " << json;
  return {};
}

TEST(GenerationConfig, ReadsQwen3sFile) {
  // Qwen3-0.6B's generation_config.json as published.
  const GenerationConfig config = GenerationConfig::from_json(R"({
    "bos_token_id": 151643, "do_sample": true, "eos_token_id": [151645, 151643], "pad_token_id": 151643,
    "temperature": 0.6, "top_k": 20, "top_p": 0.95, "transformers_version": "4.51.0"})");
  EXPECT_EQ(config.eos_token_ids, (std::vector<std::int32_t>{151645, 151643}));
  EXPECT_EQ(config.bos_token_id, 151643);
  EXPECT_EQ(config.pad_token_id, 151643);
  EXPECT_EQ(config.do_sample, true);
  EXPECT_FLOAT_EQ(*config.temperature, 0.6f);
  EXPECT_EQ(config.top_k, 20);
  EXPECT_FLOAT_EQ(*config.top_p, 0.95f);
  EXPECT_FALSE(config.min_p);
  EXPECT_FALSE(config.repetition_penalty);
  EXPECT_FALSE(config.max_new_tokens);

  const GenerateOptions options = config.generate_options();
  EXPECT_EQ(options.stop_tokens, config.eos_token_ids);
  EXPECT_FLOAT_EQ(options.sampling.temperature, 0.6f);
  EXPECT_EQ(options.sampling.top_k, 20);
  EXPECT_FLOAT_EQ(options.sampling.top_p, 0.95f);
  EXPECT_FLOAT_EQ(options.sampling.min_p, 0.0f);
  EXPECT_FLOAT_EQ(options.sampling.repetition_penalty, 1.0f);
  EXPECT_EQ(options.max_new_tokens, GenerateOptions{}.max_new_tokens);
}

TEST(GenerationConfig, OneEosIdNullsAndTransformersDefaults) {
  const GenerationConfig config = GenerationConfig::from_json(
      R"({"eos_token_id": 2, "pad_token_id": null, "do_sample": true, "max_new_tokens": 7, "min_p": 0.05,
          "repetition_penalty": 1.1, "_from_model_config": true})");
  EXPECT_EQ(config.eos_token_ids, std::vector<std::int32_t>{2});
  EXPECT_FALSE(config.pad_token_id);
  const GenerateOptions options = config.generate_options();
  // do_sample with nothing else: transformers' temperature 1, top_k 50, top_p 1.
  EXPECT_FLOAT_EQ(options.sampling.temperature, 1.0f);
  EXPECT_EQ(options.sampling.top_k, 50);
  EXPECT_FLOAT_EQ(options.sampling.top_p, 1.0f);
  EXPECT_FLOAT_EQ(options.sampling.min_p, 0.05f);
  EXPECT_FLOAT_EQ(options.sampling.repetition_penalty, 1.1f);
  EXPECT_EQ(options.max_new_tokens, 7);
}

TEST(GenerationConfig, WithoutDoSampleGenerationIsGreedyButStillPenalized) {
  const GenerationConfig config =
      GenerationConfig::from_json(R"({"temperature": 0.7, "top_k": 5, "repetition_penalty": 1.3})");
  const GenerateOptions options = config.generate_options();
  EXPECT_FLOAT_EQ(options.sampling.temperature, 0.0f);
  EXPECT_EQ(options.sampling.top_k, 0);
  EXPECT_FLOAT_EQ(options.sampling.repetition_penalty, 1.3f);
  EXPECT_TRUE(options.stop_tokens.empty());
}

TEST(GenerationConfig, AWrongFieldIsNamedWithTheFile) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {R"({"eos_token_id": "2"})", "\"eos_token_id\" must be an integer"},
      {R"({"eos_token_id": [1, 2.5]})", "\"eos_token_id\" must be an integer"},
      {R"({"eos_token_id": -1})", "\"eos_token_id\" must lie in"},
      {R"({"bos_token_id": 4294967296})", "\"bos_token_id\" must lie in"},
      {R"({"do_sample": "yes"})", "\"do_sample\" must be true or false"},
      {R"({"temperature": -0.5})", "\"temperature\" must be a number >= 0"},
      {R"({"temperature": "hot"})", "\"temperature\" must be a number"},
      {R"({"top_k": 2.5})", "\"top_k\" must be an integer"},
      {R"({"top_p": 0})", "\"top_p\" must be in (0, 1]"},
      {R"({"top_p": 1.5})", "\"top_p\" must be in (0, 1]"},
      {R"({"min_p": 2})", "\"min_p\" must be in [0, 1]"},
      {R"({"repetition_penalty": 0})", "\"repetition_penalty\" must be a number > 0"},
      {R"({"max_new_tokens": -4})", "\"max_new_tokens\" must lie in"},
      {R"({"max_new_tokens": 18446744073709551615})", "\"max_new_tokens\" must lie in"},
  };
  for (const auto& [json, expected] : cases) {
    const std::string message = error_of(json);
    EXPECT_THAT(message, HasSubstr("dir/generation_config.json: "));
    EXPECT_THAT(message, HasSubstr(expected)) << json;
  }
  EXPECT_THAT(error_of("[1]"), HasSubstr("must hold a JSON object"));
  EXPECT_THAT(error_of(R"({"top_k": 1, "top_k": 2})"), HasSubstr("not valid JSON"));
  EXPECT_THAT(error_of(std::string(10000, '[')), HasSubstr("not valid JSON"));
}

TEST(GenerationConfig, FromAModelFolder) {
  const std::filesystem::path dir = std::filesystem::path(::testing::TempDir()) / "generation_config_test";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  EXPECT_FALSE(GenerationConfig::from_model_dir(dir));
  std::ofstream(dir / "generation_config.json") << R"({"eos_token_id": [5, 6]})";
  const std::optional<GenerationConfig> config = GenerationConfig::from_model_dir(dir);
  ASSERT_TRUE(config);
  EXPECT_EQ(config->eos_token_ids, (std::vector<std::int32_t>{5, 6}));
  // Not a regular file: refused, with the path.
  std::filesystem::remove(dir / "generation_config.json");
  std::filesystem::create_directory(dir / "generation_config.json");
  try {
    GenerationConfig::from_model_dir(dir);
    ADD_FAILURE() << "a folder was read as generation_config.json";
  } catch (const Error& error) {
    EXPECT_THAT(error.what(), HasSubstr("generation_config.json"));
  }
  // Larger than the cap: refused before it is read.
  std::filesystem::remove(dir / "generation_config.json");
  std::ofstream(dir / "generation_config.json") << std::string(GenerationConfig::max_file_bytes + 1, ' ');
  EXPECT_THROW(GenerationConfig::from_model_dir(dir), Error);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace strata
