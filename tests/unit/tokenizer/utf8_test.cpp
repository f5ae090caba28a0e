// UTF-8 checks and the lossy reading of decoded bytes, which must replace exactly as Rust's
// from_utf8_lossy does: one U+FFFD per maximal invalid subpart.
#include "tokenizer/utf8.hpp"

#include <gtest/gtest.h>

namespace strata::tokenization {
namespace {

const std::string fffd = "\xEF\xBF\xBD";

TEST(Utf8, ValidatesStrictly) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80"));
  EXPECT_TRUE(is_valid_utf8(std::string_view("a\0b", 3)));
  EXPECT_FALSE(is_valid_utf8("\xC0\x80"));          // overlong
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));      // surrogate
  EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // beyond U+10FFFF
  EXPECT_FALSE(is_valid_utf8("\xE2\x82"));          // truncated
  EXPECT_FALSE(is_valid_utf8("\x80"));              // stray continuation
}

TEST(Utf8, LossyReplacesEachMaximalSubpartOnce) {
  EXPECT_EQ(lossy_utf8("ok"), "ok");
  EXPECT_EQ(lossy_utf8("\xF0\x9F\x98"), fffd);  // a truncated sequence: one
  EXPECT_EQ(lossy_utf8("\xF0\x9F\x98"
                       "a"),
            fffd + "a");
  EXPECT_EQ(lossy_utf8("\xC0\x80"), fffd + fffd);             // C0 never starts a sequence
  EXPECT_EQ(lossy_utf8("\xED\xA0\x80"), fffd + fffd + fffd);  // A0 cannot follow ED
  EXPECT_EQ(lossy_utf8("\xE2\x82\xE2\x82\xAC"), fffd + "\xE2\x82\xAC");
  EXPECT_EQ(lossy_utf8("\x80\x80"), fffd + fffd);
}

TEST(Utf8, CodePointsAndAppendingAgree) {
  for (const char32_t c : {U'a', U'\u00e9', U'\u20ac', U'\U0001F600', U'\U0010FFFF'}) {
    std::string text;
    append_utf8(text, c);
    EXPECT_EQ(code_point_at(text, 0).value, c);
    EXPECT_EQ(code_point_at(text, 0).length, text.size());
  }
}

}  // namespace
}  // namespace strata::tokenization
