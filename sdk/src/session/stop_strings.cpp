// Stop strings over streamed text. The held-back tail is the longest end of the text that is
// the start of some stop string, so a stop string spanning pieces is always found whole, and
// what is held stays shorter than the longest stop string.
#include <strata/text_generation.hpp>

#include <algorithm>

namespace strata {

StopStringMatcher::StopStringMatcher(std::vector<std::string> stop_strings) {
  for (std::string& stop : stop_strings)
    if (!stop.empty()) stop_strings_.push_back(std::move(stop));
}

std::string StopStringMatcher::push(std::string_view piece) {
  if (stopped_) return {};
  std::string text = std::move(held_);
  held_.clear();
  text.append(piece);
  std::size_t first = std::string::npos;
  for (const std::string& stop : stop_strings_) first = std::min(first, text.find(stop));
  if (first != std::string::npos) {
    stopped_ = true;
    text.resize(first);
    return text;
  }
  std::size_t hold = 0;
  for (const std::string& stop : stop_strings_) {
    for (std::size_t length = std::min(stop.size() - 1, text.size()); length > hold; --length) {
      if (std::string_view(text).substr(text.size() - length) == std::string_view(stop).substr(0, length)) {
        hold = length;
        break;
      }
    }
  }
  held_ = text.substr(text.size() - hold);
  text.resize(text.size() - hold);
  return text;
}

std::string StopStringMatcher::flush() {
  std::string text = std::move(held_);
  held_.clear();
  return stopped_ ? std::string() : text;
}

}  // namespace strata
