// Stop strings over streamed text: what is shown never holds a stop string or a piece of one
// that a later piece completes, and the text ends right before the stop string.
#include <strata/text_generation.hpp>

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace strata {
namespace {

// Pushes the pieces; returns what was shown, one string per push, then the flush.
std::vector<std::string> stream(StopStringMatcher& matcher, const std::vector<std::string>& pieces) {
  std::vector<std::string> shown;
  for (const std::string& piece : pieces) shown.push_back(matcher.push(piece));
  shown.push_back(matcher.flush());
  return shown;
}

TEST(StopStrings, AStopStringSplitOverPiecesIsHeldBackThenDropped) {
  StopStringMatcher matcher({"</answer>"});
  EXPECT_EQ(stream(matcher, {"The sum is 4", "</ans", "wer", "> and more"}),
            (std::vector<std::string>{"The sum is 4", "", "", "", ""}));
  EXPECT_TRUE(matcher.stopped());
  EXPECT_EQ(matcher.push("later"), "");
}

TEST(StopStrings, AFalseStartIsReleasedOnceItCannotBeAStopString) {
  StopStringMatcher matcher({"STOP"});
  // "ST" may start STOP: held; "STa" cannot: released whole. "S" at the end is released by flush.
  EXPECT_EQ(stream(matcher, {"go ST", "a", "y S"}), (std::vector<std::string>{"go ", "STa", "y ", "S"}));
  EXPECT_FALSE(matcher.stopped());
}

TEST(StopStrings, TheEarliestOfSeveralStopStringsWins) {
  StopStringMatcher matcher({"world", "lo w", ""});
  EXPECT_EQ(stream(matcher, {"hello world"}), (std::vector<std::string>{"hel", ""}));
}

TEST(StopStrings, TheLongestPossibleStartIsHeld) {
  // "aab" ends with "ab" (a start of "abc") and with "b" (no start): "ab" is held.
  StopStringMatcher matcher({"abc", "bd"});
  EXPECT_EQ(matcher.push("aab"), "a");
  EXPECT_EQ(matcher.push("d"), "a");  // "abd" holds "bd"
  EXPECT_TRUE(matcher.stopped());
}

TEST(StopStrings, AStopStringInsideOnePieceCutsItThere) {
  StopStringMatcher matcher({"\n\n"});
  EXPECT_EQ(matcher.push("line one\n"), "line one");
  EXPECT_EQ(matcher.push("\nline two"), "");
  EXPECT_TRUE(matcher.stopped());
}

TEST(StopStrings, NoStopStringsPassesEverythingThrough) {
  StopStringMatcher matcher({});
  EXPECT_EQ(stream(matcher, {"a", "", "bc"}), (std::vector<std::string>{"a", "", "bc", ""}));
}

}  // namespace
}  // namespace strata
