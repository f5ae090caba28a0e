// printable(): text from files reaches messages with nothing a terminal would act on.
#include <strata_safe_io/printable.hpp>

#include <gtest/gtest.h>

namespace strata::safe_io {
namespace {

TEST(Printable, KeepsOrdinaryTextAndUtf8) {
  EXPECT_EQ(printable("model.layers.0.self_attn.q_proj.weight"), "model.layers.0.self_attn.q_proj.weight");
  EXPECT_EQ(printable("caf\xc3\xa9 \xe6\xbc\xa2\xe5\xad\x97 \xf0\x9f\x99\x82"),
            "caf\xc3\xa9 \xe6\xbc\xa2\xe5\xad\x97 \xf0\x9f\x99\x82");
}

TEST(Printable, EscapesControlCharactersAndBrokenUtf8) {
  EXPECT_EQ(printable("\x1b]0;owned\x07\x1b[2J"), "\\x1b]0;owned\\x07\\x1b[2J");
  EXPECT_EQ(printable("a\nb\tc\rd\x7f"), "a\\nb\\tc\\rd\\x7f");
  EXPECT_EQ(printable(std::string_view("nul\0here", 8)), "nul\\x00here");
  EXPECT_EQ(printable("\xc2\x9b"), "\\u009b");  // C1 CSI
  EXPECT_EQ(printable("abc\xe2\x80\xae"
                      "fdp.exe"),
            "abc\\u202efdp.exe");                  // right-to-left override
  EXPECT_EQ(printable("\xff\xc3"), "\\xff\\xc3");  // not UTF-8, and cut short
  EXPECT_EQ(printable("\xc0\xaf"), "\\xc0\\xaf");  // overlong '/'
  EXPECT_EQ(printable("back\\slash"), "back\\\\slash");
}

TEST(Printable, CutsLongText) {
  const std::string text = printable(std::string(100000, 'a'), 16);
  EXPECT_EQ(text, std::string(16, 'a') + "... (100000 bytes in all)");
}

}  // namespace
}  // namespace strata::safe_io
