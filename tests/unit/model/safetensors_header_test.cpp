// The strict checks of parse_safetensors_header: each malformed header fails with a message
// that names the file and, where one is at fault, the tensor.
#include "safetensors_builder.hpp"

#include <strata/checkpoint.hpp>
#include <strata/error.hpp>

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>

namespace strata {
namespace {

using test::make_raw_safetensors;
using test::make_safetensors;
using test::ramp_tensor;

constexpr const char* file_name = "broken.safetensors";

// Parses and expects an invalid_argument Error whose message holds every one of `parts`.
void expect_rejected(const std::vector<std::byte>& file, std::initializer_list<std::string> parts) {
  try {
    parse_safetensors_header(file, file_name);
    ADD_FAILURE() << "accepted a malformed header";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), StatusCode::invalid_argument);
    const std::string message = error.what();
    EXPECT_NE(message.find(file_name), std::string::npos) << message;
    for (const std::string& part : parts) EXPECT_NE(message.find(part), std::string::npos) << message;
  }
}

std::vector<std::byte> with_header(const std::string& header, std::size_t data_bytes) {
  return make_raw_safetensors(header, data_bytes);
}

TEST(SafetensorsHeader, ReadsTensorsMetadataAndOffsets) {
  const auto file = make_safetensors(
      {ramp_tensor("b.weight", "F32", {2, 3}), ramp_tensor("a.bias", "BF16", {4}), ramp_tensor("c", "F16", {})},
      R"({"format": "pt"})");
  const SafetensorsHeader header = parse_safetensors_header(file, file_name);
  ASSERT_EQ(header.tensors.size(), 3u);
  EXPECT_EQ(header.tensors[0].name, "a.bias");  // sorted by name
  EXPECT_EQ(header.metadata.at("format"), "pt");
  EXPECT_EQ(header.data_offset % 8, 0u);
  EXPECT_EQ(header.data_offset + header.data_bytes, file.size());

  const SafetensorsTensor* weight = header.find("b.weight");
  ASSERT_NE(weight, nullptr);
  EXPECT_EQ(weight->dtype, DType::f32);
  EXPECT_EQ(weight->dtype_name, "F32");
  EXPECT_EQ(weight->shape, (std::vector<std::int64_t>{2, 3}));
  EXPECT_EQ(weight->begin, 0u);
  EXPECT_EQ(weight->end, 24u);
  const SafetensorsTensor* bias = header.find("a.bias");
  ASSERT_NE(bias, nullptr);
  EXPECT_EQ(bias->dtype, DType::bf16);
  EXPECT_EQ(bias->begin, 24u);
  EXPECT_EQ(bias->bytes(), 8u);
  const SafetensorsTensor* scalar = header.find("c");
  ASSERT_NE(scalar, nullptr);
  EXPECT_TRUE(scalar->shape.empty());
  EXPECT_EQ(scalar->bytes(), 2u);
  EXPECT_EQ(header.find("missing"), nullptr);
}

TEST(SafetensorsHeader, AcceptsDtypesStrataDoesNotComputeWith) {
  const auto file = with_header(R"({"step": {"dtype": "I64", "shape": [2], "data_offsets": [0, 16]}})", 16);
  const SafetensorsHeader header = parse_safetensors_header(file, file_name);
  ASSERT_EQ(header.tensors.size(), 1u);
  EXPECT_FALSE(header.tensors[0].dtype.has_value());
  EXPECT_EQ(header.tensors[0].dtype_name, "I64");
}

TEST(SafetensorsHeader, AcceptsEmptyTensorsAnywhere) {
  const auto file = with_header(R"({"a": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]},
                                    "e": {"dtype": "F32", "shape": [0, 5], "data_offsets": [8, 8]}})",
                                16);
  EXPECT_EQ(parse_safetensors_header(file, file_name).tensors.size(), 2u);
}

TEST(SafetensorsHeader, RejectsAFileShorterThanTheLengthField) {
  expect_rejected(std::vector<std::byte>(5), {"too short"});
}

TEST(SafetensorsHeader, RejectsAHeaderLengthOverTheLimit) {
  expect_rejected(make_raw_safetensors("{}", 0, safetensors_max_header_bytes + 1), {"exceeds the limit"});
}

TEST(SafetensorsHeader, RejectsAHeaderLengthPastTheEndOfTheFile) {
  expect_rejected(make_raw_safetensors("{}", 4, 100), {"runs past the end of the file"});
}

TEST(SafetensorsHeader, RejectsMalformedJson) {
  expect_rejected(with_header(R"({"a": {"dtype": "F32", )", 0), {"not valid JSON"});
  expect_rejected(with_header("[1, 2]", 0), {"must be a JSON object"});
  expect_rejected(with_header("{\"\xff\": 1}", 0), {"not valid JSON"});
}

TEST(SafetensorsHeader, RejectsUnknownDtypes) {
  expect_rejected(with_header(R"({"w": {"dtype": "F48", "shape": [1], "data_offsets": [0, 6]}})", 6),
                  {"tensor 'w'", "unknown dtype 'F48'"});
  expect_rejected(with_header(R"({"w": {"dtype": 4, "shape": [1], "data_offsets": [0, 4]}})", 4),
                  {"tensor 'w'", "dtype must be a string"});
}

TEST(SafetensorsHeader, RejectsAByteLengthThatDisagreesWithDtypeAndShape) {
  expect_rejected(with_header(R"({"w": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 20]}})", 24),
                  {"tensor 'w'", "needs 24 bytes", "span 20"});
}

TEST(SafetensorsHeader, RejectsOffsetsOutsideTheDataSection) {
  expect_rejected(with_header(R"({"w": {"dtype": "F32", "shape": [4], "data_offsets": [8, 24]}})", 16),
                  {"tensor 'w'", "run past the data section"});
  expect_rejected(with_header(R"({"w": {"dtype": "F32", "shape": [0], "data_offsets": [8, 0]}})", 16),
                  {"tensor 'w'", "end before they begin"});
  expect_rejected(with_header(R"({"w": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4, 8]}})", 16),
                  {"tensor 'w'", "[begin, end]"});
  expect_rejected(
      with_header(R"({"w": {"dtype": "F32", "shape": [1], "data_offsets": [18446744073709551612, 0]}})", 16),
      {"tensor 'w'"});
}

TEST(SafetensorsHeader, RejectsOverlappingTensors) {
  expect_rejected(with_header(R"({"a": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]},
                                  "b": {"dtype": "F32", "shape": [4], "data_offsets": [8, 24]}})",
                              24),
                  {"tensor 'b'", "overlap", "'a'"});
  // One tensor wholly inside a longer one that starts first.
  expect_rejected(with_header(R"({"big": {"dtype": "U8", "shape": [32], "data_offsets": [0, 32]},
                                  "x": {"dtype": "U8", "shape": [4], "data_offsets": [4, 8]},
                                  "y": {"dtype": "U8", "shape": [4], "data_offsets": [12, 16]}})",
                              32),
                  {"overlap", "'big'"});
}

TEST(SafetensorsHeader, RejectsANameGivenTwice) {
  expect_rejected(with_header(R"({"w": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]},
                                  "w": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}})",
                              8),
                  {"key 'w'", "given twice"});
}

TEST(SafetensorsHeader, RejectsAFieldGivenTwiceInsideAnEntry) {
  expect_rejected(with_header(R"({"w": {"dtype": "F32", "dtype": "F16", "shape": [1], "data_offsets": [0, 4]}})", 4),
                  {"key 'dtype' is given twice in the object at /w"});
}

TEST(SafetensorsHeader, RejectsDeepNesting) {
  expect_rejected(with_header(R"({"__metadata__": )" + std::string(200000, '[') + std::string(200000, ']') + "}", 0),
                  {"not valid JSON", "nest more than 64 levels"});
}

// Issue 14: a header of 100k entries took 288 s, quadratic in nlohmann's callback parser. It now
// parses in one pass (the time is not asserted; the change that fixed it reports it).
TEST(SafetensorsHeader, ReadsAHeaderOfAHundredThousandTensors) {
  constexpr int count = 100000;
  std::string header = "{";
  for (int i = 0; i < count; ++i)
    header += (i ? ",\"t" : "\"t") + std::to_string(i) + R"(":{"dtype":"F32","shape":[1],"data_offsets":[)" +
              std::to_string(4 * i) + "," + std::to_string(4 * i + 4) + "]}";
  header += "}";
  const SafetensorsHeader parsed = parse_safetensors_header(with_header(header, 4 * count), file_name);
  ASSERT_EQ(parsed.tensors.size(), static_cast<std::size_t>(count));
  const SafetensorsTensor* last = parsed.find("t99999");
  ASSERT_NE(last, nullptr);
  EXPECT_EQ(last->begin, 4u * 99999u);
}

TEST(SafetensorsHeader, RejectsBadShapes) {
  expect_rejected(with_header(R"({"w": {"dtype": "F32", "shape": [-1], "data_offsets": [0, 4]}})", 4),
                  {"tensor 'w'", "non-negative"});
  expect_rejected(with_header(R"({"w": {"dtype": "F32", "shape": [1.5], "data_offsets": [0, 4]}})", 4),
                  {"tensor 'w'", "non-negative integers"});
  expect_rejected(with_header(R"({"w": {"dtype": "F32", "shape": 4, "data_offsets": [0, 16]}})", 16),
                  {"tensor 'w'", "shape must be a list"});
  expect_rejected(
      with_header(
          R"({"w": {"dtype": "F32", "shape": [4611686018427387904, 4611686018427387904], "data_offsets": [0, 4]}})", 4),
      {"tensor 'w'", "more elements"});
  expect_rejected(with_header(R"({"w": {"dtype": "F64", "shape": [4611686018427387904], "data_offsets": [0, 4]}})", 4),
                  {"tensor 'w'", "more bytes"});
}

TEST(SafetensorsHeader, RejectsMalformedEntries) {
  expect_rejected(with_header(R"({"w": {"dtype": "F32", "shape": [1]}})", 4), {"tensor 'w'", "all required"});
  expect_rejected(with_header(R"({"w": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4], "x": 1}})", 4),
                  {"tensor 'w'", "unknown field 'x'"});
  expect_rejected(with_header(R"({"w": [1, 2]})", 4), {"tensor 'w'", "must be an object"});
  expect_rejected(with_header(R"({"": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}})", 4), {"empty name"});
  expect_rejected(with_header(R"({"__metadata__": {"a": 1}})", 0), {"__metadata__", "'a'"});
  expect_rejected(with_header(R"({"__metadata__": [1]})", 0), {"__metadata__"});
}

}  // namespace
}  // namespace strata
