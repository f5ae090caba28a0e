// A chat template comes from a model folder, which may come from a stranger: whatever it holds,
// parsing and rendering end with an error that says why, never a crash, a hang or exhausted
// memory (docs/security.md).
#include <strata/chat_template.hpp>
#include <strata/error.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace strata {
namespace {

using ::testing::AnyOf;
using ::testing::HasSubstr;

std::string repeat(std::string_view text, std::size_t times) {
  std::string out;
  for (std::size_t i = 0; i < times; ++i) out += text;
  return out;
}

// The error of parsing and rendering `source`. The time bound only tells a hang from an error
// (the budgets end these in about a second, a few under AddressSanitizer); it measures no speed.
std::string error_of(const std::string& source, std::string_view context = "{}") {
  const auto start = std::chrono::steady_clock::now();
  std::string message;
  try {
    ChatTemplate(source).render_json(context);
    ADD_FAILURE() << "no error for " << source.substr(0, 200);
  } catch (const Error& error) {
    message = error.what();
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(120)) << source.substr(0, 200);
  return message;
}

TEST(HostileTemplates, DeepNestingIsRefusedWhileParsing) {
  EXPECT_THAT(error_of(repeat("{% if true %}", 10000) + repeat("{% endif %}", 10000)), HasSubstr("nested more than"));
  EXPECT_THAT(error_of("{{ " + repeat("(", 100000) + "1" + repeat(")", 100000) + " }}"), HasSubstr("nested more than"));
  EXPECT_THAT(error_of("{{ " + repeat("[", 100000) + " }}"), HasSubstr("nested more than"));
  EXPECT_THAT(error_of("{{ " + repeat("not ", 100000) + "x }}"), HasSubstr("nested more than"));
  // Operators and postfixes chain without brackets: the tree's depth is bounded too.
  EXPECT_THAT(error_of("{{ 1" + repeat(" + 1", 100000) + " }}"), HasSubstr("an expression nested more than"));
  EXPECT_THAT(error_of("{{ x" + repeat(".y", 100000) + " }}"), HasSubstr("an expression nested more than"));
  EXPECT_THAT(error_of("{{ x" + repeat("|trim", 100000) + " }}"), HasSubstr("an expression nested more than"));
  EXPECT_THAT(error_of("{{ 'a'" + repeat(" ~ 'a'", 100000) + " }}"), HasSubstr("an expression nested more than"));
}

TEST(HostileTemplates, EndlessWorkIsCutShort) {
  // Work that makes nothing: the step budget ends it.
  EXPECT_THAT(error_of("{% for i in range(1000000) %}" + repeat("{{ '' }}", 60) + "{% endfor %}"), HasSubstr("steps"));
  // Loops make their items and loop variables: whichever budget runs out first ends them.
  EXPECT_THAT(error_of("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"),
              AnyOf(HasSubstr("steps"), HasSubstr("MiB")));
  EXPECT_THAT(error_of("{% for i in range(9223372036854775807) %}{% endfor %}"),
              AnyOf(HasSubstr("steps"), HasSubstr("MiB")));
  EXPECT_THAT(error_of("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}"),
              HasSubstr("macros call each other more than"));
  EXPECT_THAT(error_of("{% macro a() %}{{ b() }}{% endmacro %}{% macro b() %}{{ a() }}{% endmacro %}{{ a() }}"),
              HasSubstr("macros call each other more than"));
}

TEST(HostileTemplates, MemoryIsBounded) {
  EXPECT_THAT(error_of("{% set s = 'x' * 1000000 %}{% for i in range(100) %}{{ s }}{% endfor %}"),
              HasSubstr("the output would exceed"));
  EXPECT_THAT(error_of("{% set ns = namespace(s='x') %}{% for i in range(100) %}{% set ns.s = ns.s ~ ns.s %}"
                       "{% endfor %}"),
              HasSubstr("a string would exceed"));
  EXPECT_THAT(error_of("{{ 'x' * 10000000000 }}"), HasSubstr("a repetition would exceed"));
  EXPECT_THAT(error_of("{% set ns = namespace(l=[]) %}{% for i in range(1000000) %}{% set ns.l = ns.l + [i] %}"
                       "{% endfor %}"),
              HasSubstr("more than 256 MiB"));
  // Many strings held at once, each under the caps: the total made is counted.
  EXPECT_THAT(error_of("{% set ns = namespace(l=[]) %}{% set s = 'x' * 1000000 %}{% for i in range(1000) %}"
                       "{% set ns.l = ns.l + [s ~ i] %}{% endfor %}"),
              HasSubstr("more than 256 MiB"));
  EXPECT_THAT(error_of("{{ ('x' * 10000000).replace('', 'yy') }}"), HasSubstr("too large"));
}

TEST(HostileTemplates, ValuesCannotNestWithoutEndOrHoldThemselves) {
  EXPECT_THAT(error_of("{% set ns = namespace(l=[]) %}{% for i in range(1000) %}{% set ns.l = [ns.l] %}{% endfor %}"),
              HasSubstr("nested more than 128 deep"));
  EXPECT_THAT(error_of("{% set ns = namespace() %}{% set ns.me = ns %}{{ ns }}"),
              HasSubstr("a namespace cannot hold a namespace"));
  EXPECT_THAT(error_of("{% set ns = namespace() %}{% set ns.me = [{'a': ns}] %}{{ ns }}"),
              HasSubstr("a namespace cannot hold a namespace"));
}

TEST(HostileTemplates, NumbersOverflowIntoErrors) {
  EXPECT_THAT(error_of("{{ 9223372036854775807 + 1 }}"), HasSubstr("integer overflow"));
  EXPECT_THAT(error_of("{{ 2 ** 64 }}"), HasSubstr("integer overflow"));
  EXPECT_THAT(error_of("{{ -(-9223372036854775807 - 1) }}"), HasSubstr("integer overflow"));
  EXPECT_THAT(error_of("{{ 99999999999999999999 }}"), HasSubstr("too large"));
  EXPECT_THAT(error_of("{{ range(1, 10, 0) }}"), HasSubstr("step cannot be zero"));
  EXPECT_THAT(error_of("{{ [1][::0] }}"), HasSubstr("step cannot be zero"));
}

TEST(HostileTemplates, BrokenSourcesAndContexts) {
  EXPECT_THAT(error_of("{{ 'a' }}\xff\xfe"), HasSubstr("not valid UTF-8"));
  EXPECT_THAT(error_of(std::string(2u << 20, 'x')), HasSubstr("more than"));
  EXPECT_THAT(error_of("{{"), HasSubstr("never closed"));
  EXPECT_THAT(error_of("{% for %}"), HasSubstr("expected a name"));
  EXPECT_THAT(error_of("{# open"), HasSubstr("never closed"));
  EXPECT_THAT(error_of("{{ '\\u12' }}"), HasSubstr("escape"));
  EXPECT_THAT(error_of("{{ x }}", repeat("[", 100000)), HasSubstr("not valid JSON"));
  EXPECT_THAT(error_of("{{ x }}", "[1]"), HasSubstr("must be a JSON object"));
  EXPECT_THAT(error_of("{{ x }}", R"({"x": 1, "x": 2})"), HasSubstr("not valid JSON"));
}

// The fuzz target's seeds (tests/fuzz/chat_template/corpus), replayed here so that every build
// checks them, not only the fuzz build. The seeds parse and render; the inputs that once failed
// (regression-*) render or fail with an Error, and nothing worse.
TEST(HostileTemplates, TheFuzzSeedsRenderOrFailCleanly) {
  std::size_t templates = 0;
  std::size_t regressions = 0;
  for (const auto& entry : std::filesystem::directory_iterator(STRATA_CHAT_TEMPLATE_FUZZ_CORPUS)) {
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    const std::string input = text.str();
    const std::size_t separator = input.find('\0');
    const bool real = !entry.path().filename().string().starts_with("regression-");
    (real ? templates : regressions)++;
    try {
      const ChatTemplate chat(input.substr(0, separator), {{"bos_token", "<s>"}, {"eos_token", "</s>"}});
      const std::vector<ChatMessage> messages = {{"system", "Be brief."}, {"user", "Hi"}};
      try {
        (void)chat.apply(messages, true);
      } catch (const Error&) {
        if (real && separator == std::string::npos) throw;
      }
      if (separator != std::string::npos) (void)chat.render_json(input.substr(separator + 1));
    } catch (const Error& error) {
      if (real) ADD_FAILURE() << entry.path() << ": " << error.what();
    }
  }
  EXPECT_GE(templates, 5u);
  EXPECT_GE(regressions, 1u);
}

}  // namespace
}  // namespace strata
