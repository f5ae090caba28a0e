// parse_bounded_json: every document a reader accepted before still parses the same, and what
// nlohmann lets through (a key given twice, unbounded nesting, a number past a double) is refused
// with a reason that says where.
#include <strata_safe_io/bounded_json.hpp>

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace strata::safe_io {
namespace {

std::string refusal(std::string_view text, const JsonLimits& limits = {}) {
  std::string why;
  const std::optional<nlohmann::json> value = parse_bounded_json(text, why, limits);
  EXPECT_FALSE(value) << "accepted: " << text;
  EXPECT_FALSE(why.empty());
  return why;
}

TEST(BoundedJson, ParsesWhatNlohmannParses) {
  const std::string text =
      R"( {"a": [1, -2, 3.5, true, null, "x\u00e9"], "b": {"c": {}, "d": []}, "e": 18446744073709551615} )";
  std::string why = "stale";
  const std::optional<nlohmann::json> value = parse_bounded_json(text, why);
  ASSERT_TRUE(value) << why;
  EXPECT_TRUE(why.empty());
  EXPECT_EQ(*value, nlohmann::json::parse(text));
  EXPECT_TRUE((*value)["e"].is_number_unsigned());
  EXPECT_EQ(parse_bounded_json("7", why), nlohmann::json(7));
  EXPECT_EQ(parse_bounded_json("[[1], [2, [3]]]", why), nlohmann::json::parse("[[1], [2, [3]]]"));
}

TEST(BoundedJson, RefusesMalformedText) {
  EXPECT_NE(refusal(R"({"a": )").find("parse error"), std::string::npos);
  EXPECT_NE(refusal("{} {}").find("parse error"), std::string::npos);
  EXPECT_NE(refusal("").find("parse error"), std::string::npos);
  EXPECT_NE(refusal("{\"\xff\": 1}").find("parse error"), std::string::npos);
  EXPECT_NE(refusal("// comment\n{}").find("parse error"), std::string::npos);
}

TEST(BoundedJson, RefusesAKeyGivenTwiceAtAnyDepth) {
  EXPECT_EQ(refusal(R"({"": "vulkan:0", "": "cpu"})"),
            "the key '' is given twice in the top-level object; keep one (readers disagree on which counts)");
  EXPECT_NE(refusal(R"({"a": 1, "b": {"c": 1, "c": 2}})").find("the key 'c' is given twice in the object at /b;"),
            std::string::npos);
  EXPECT_NE(
      refusal(R"({"list": [{"x": 1}, {"y": 1, "y": 1}]})").find("the key 'y' is given twice in the object at /list/1;"),
      std::string::npos);
  std::string why;
  EXPECT_TRUE(parse_bounded_json(R"([{"x": 1}, {"x": 2}])", why)) << "the same key in two objects is fine: " << why;
}

TEST(BoundedJson, BoundsTheNesting) {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  EXPECT_NE(refusal(deep).find("nest more than 64 levels"), std::string::npos);
  std::string why;
  const std::string just_fits = std::string(4, '[') + std::string(4, ']');
  EXPECT_TRUE(parse_bounded_json(just_fits, why, {.max_depth = 4})) << why;
  EXPECT_NE(refusal(R"({"a": [{"b": [[1]]}]})", {.max_depth = 4}).find("at /a/0/b/0"), std::string::npos);
}

TEST(BoundedJson, BoundsTheValuesHeld) {
  std::string why;
  // The object, two keys, the array and its two numbers, the inner object: 7 values.
  EXPECT_TRUE(parse_bounded_json(R"({"a": [1, 2], "b": {}})", why, {.max_values = 7})) << why;
  EXPECT_EQ(refusal(R"({"a": [1, 2], "b": {}})", {.max_values = 6}), "it holds more than 6 values (at /b)");
  // 2 MB of empty arrays: some 40 MB once parsed, were it not for the limit.
  std::string arrays = "[[]";
  for (int i = 0; i < 700000; ++i) arrays += ",[]";
  arrays += "]";
  EXPECT_NE(refusal(arrays, {.max_values = 100000}).find("more than 100000 values"), std::string::npos);
}

TEST(BoundedJson, HandsOverTopLevelMembersOneByOne) {
  std::vector<std::pair<std::string, nlohmann::json>> seen;
  std::string why;
  const auto keep = [&](const std::string& key, nlohmann::json& value) { seen.emplace_back(key, std::move(value)); };
  ASSERT_TRUE(for_each_bounded_json_member(R"({"b": [1, {"c": 2}], "a": "x", "e": {}})", why, keep)) << why;
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0].first, "b");
  EXPECT_EQ(seen[0].second, nlohmann::json::parse(R"([1, {"c": 2}])"));
  EXPECT_EQ(seen[1].second, "x");
  EXPECT_EQ(seen[2].second, nlohmann::json::object());

  // The same rules, a key given twice at the top included, and only the current member counts
  // against the limit besides the keys.
  const auto ignore = [](const std::string&, nlohmann::json&) {};
  EXPECT_FALSE(for_each_bounded_json_member(R"({"a": 1, "a": 2})", why, ignore));
  EXPECT_NE(why.find("the key 'a' is given twice in the top-level object"), std::string::npos) << why;
  EXPECT_FALSE(for_each_bounded_json_member("[1]", why, ignore));
  EXPECT_EQ(why, "it must be a JSON object, not array");
  EXPECT_FALSE(for_each_bounded_json_member("7", why, ignore));
  EXPECT_EQ(why, "it must be a JSON object, not number");
  const std::string members = R"({"a": {"x": 1, "y": 2}, "b": {"x": 1, "y": 2}, "c": {"x": 1, "y": 2}})";
  // Held at most: the object, three keys, and the last member's five values.
  EXPECT_TRUE(for_each_bounded_json_member(members, why, ignore, {.max_values = 9})) << why;
  EXPECT_FALSE(for_each_bounded_json_member(members, why, ignore, {.max_values = 8}));
  EXPECT_FALSE(parse_bounded_json(members, why, {.max_values = 9}));
}

TEST(BoundedJson, RefusesNumbersPastADouble) {
  EXPECT_NE(refusal(R"({"rope_theta": 1e400})").find("number overflow parsing '1e400'"), std::string::npos);
  EXPECT_NE(refusal("[-1e999]").find("number overflow"), std::string::npos);
}

TEST(BoundedJson, EscapesTheFilesTextInItsReasons) {
  const std::string why = refusal(R"({"\u001b[31m": 1, "\u001b[31m": 2})");
  EXPECT_EQ(why.find('\x1b'), std::string::npos) << why;
  EXPECT_NE(why.find("\\x1b[31m"), std::string::npos) << why;
}

// Issue 14: nlohmann's callback parser, used before to catch keys given twice, took 288 s for a
// header of 100k entries. This one reads it in one pass (no time is asserted here; the report of
// the change gives the measurement).
TEST(BoundedJson, ReadsAHundredThousandEntryObject) {
  std::string text = "{";
  for (int i = 0; i < 100000; ++i)
    text += (i ? ",\"t" : "\"t") + std::to_string(i) + R"(":{"dtype":"F32","shape":[1],"data_offsets":[0,4]})";
  text += "}";
  std::string why;
  const std::optional<nlohmann::json> value = parse_bounded_json(text, why);
  ASSERT_TRUE(value) << why;
  EXPECT_EQ(value->size(), 100000u);
  EXPECT_EQ((*value)["t99999"]["data_offsets"][1], 4);
}

}  // namespace
}  // namespace strata::safe_io
