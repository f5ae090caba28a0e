#include <strata/error.hpp>
#include <strata/types.hpp>

#include <gtest/gtest.h>

namespace {

TEST(ParseSize, AcceptsHuggingFaceSpellings) {
  EXPECT_EQ(strata::parse_size("10GiB"), 10ull << 30);
  EXPECT_EQ(strata::parse_size("10GB"), 10'000'000'000ull);
  EXPECT_EQ(strata::parse_size("500MiB"), 500ull << 20);
  EXPECT_EQ(strata::parse_size("1.5 GiB"), 3ull << 29);
  EXPECT_EQ(strata::parse_size("4096"), 4096ull);
  EXPECT_EQ(strata::parse_size("2kb"), 2000ull);
  EXPECT_EQ(strata::parse_size("0"), 0ull);
}

TEST(ParseSize, RejectsWithAMessageThatShowsTheForm) {
  for (const char* bad : {"", "GiB", "ten GB", "-1GB", "1.2.3MB", "5XB", "nan", "1e400"}) {
    try {
      strata::parse_size(bad);
      ADD_FAILURE() << "accepted '" << bad << "'";
    } catch (const strata::Error& error) {
      EXPECT_EQ(error.code(), strata::StatusCode::invalid_argument);
      EXPECT_NE(std::string(error.what()).find("10GiB"), std::string::npos) << error.what();
    }
  }
}

TEST(FormatSize, PicksTheLargestBinaryUnit) {
  EXPECT_EQ(strata::format_size(512), "512 B");
  EXPECT_EQ(strata::format_size(1536ull << 20), "1.50 GiB");
}

TEST(Shape, CountsElementsAndCompares) {
  const strata::Shape shape{2, 3, 4};
  EXPECT_EQ(shape.rank(), 3u);
  EXPECT_EQ(shape.elements(), 24);
  EXPECT_EQ(shape.to_string(), "[2, 3, 4]");
  EXPECT_EQ(shape, (strata::Shape{2, 3, 4}));
  EXPECT_FALSE(shape == (strata::Shape{2, 3}));
  EXPECT_THROW((strata::Shape{1, 2, 3, 4, 5}), strata::Error);
}

TEST(DType, ParsesSafetensorsAndStrataNames) {
  EXPECT_EQ(strata::parse_dtype("BF16"), strata::DType::bf16);
  EXPECT_EQ(strata::parse_dtype("F16"), strata::DType::f16);
  EXPECT_EQ(strata::parse_dtype("float32"), strata::DType::f32);
  EXPECT_FALSE(strata::parse_dtype("F8_E4M3").has_value());
  EXPECT_EQ(strata::dtype_size(strata::DType::bf16), 2u);
}

}  // namespace
