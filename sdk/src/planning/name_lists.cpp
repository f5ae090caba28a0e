#include "planning/name_lists.hpp"

#include <fmt/format.h>

#include <cctype>
#include <charconv>
#include <optional>

namespace strata::detail {
namespace {

bool is_digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

// "model.layers.17" -> ("model.layers", 17); nullopt when the last component is not a number.
std::optional<std::pair<std::string_view, long long>> numbered(std::string_view name) {
  const std::size_t dot = name.rfind('.');
  if (dot == std::string_view::npos || dot + 1 == name.size()) return std::nullopt;
  const std::string_view digits = name.substr(dot + 1);
  for (char c : digits)
    if (!is_digit(c)) return std::nullopt;
  if (digits.size() > 1 && digits.front() == '0') return std::nullopt;
  long long value = 0;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (error != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  return std::make_pair(name.substr(0, dot), value);
}

}  // namespace

bool natural_less(std::string_view a, std::string_view b) {
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < a.size() && j < b.size()) {
    if (is_digit(a[i]) && is_digit(b[j])) {
      std::size_t i_end = i;
      std::size_t j_end = j;
      while (i_end < a.size() && is_digit(a[i_end])) ++i_end;
      while (j_end < b.size() && is_digit(b[j_end])) ++j_end;
      // Compare as numbers without overflow: strip leading zeros, then length, then digits.
      std::size_t i_start = i;
      std::size_t j_start = j;
      while (i_start + 1 < i_end && a[i_start] == '0') ++i_start;
      while (j_start + 1 < j_end && b[j_start] == '0') ++j_start;
      const std::string_view x = a.substr(i_start, i_end - i_start);
      const std::string_view y = b.substr(j_start, j_end - j_start);
      if (x.size() != y.size()) return x.size() < y.size();
      if (x != y) return x < y;
      if (i_end - i != j_end - j) return i_end - i < j_end - j;
      i = i_end;
      j = j_end;
      continue;
    }
    if (a[i] != b[j]) return static_cast<unsigned char>(a[i]) < static_cast<unsigned char>(b[j]);
    ++i;
    ++j;
  }
  return a.size() - i < b.size() - j;
}

std::string summarize_names(const std::vector<std::string>& names) {
  std::string text;
  auto append = [&text](const std::string& part) {
    if (!text.empty()) text += ", ";
    text += part;
  };
  std::size_t index = 0;
  while (index < names.size()) {
    const auto first = numbered(names[index]);
    std::size_t end = index + 1;
    if (first) {
      while (end < names.size()) {
        const auto next = numbered(names[end]);
        if (!next || next->first != first->first || next->second != first->second + static_cast<long long>(end - index))
          break;
        ++end;
      }
    }
    if (end - index >= 3) {
      append(fmt::format("{}.{}..{}", first->first, first->second,
                         first->second + static_cast<long long>(end - index - 1)));
    } else {
      for (std::size_t k = index; k < end; ++k) append(names[k].empty() ? "\"\"" : names[k]);
    }
    index = end;
  }
  return text;
}

std::vector<std::string_view> boundary_prefixes(std::string_view name) {
  std::vector<std::string_view> prefixes{std::string_view{}};
  for (std::size_t i = 0; i < name.size(); ++i)
    if (name[i] == '.') prefixes.push_back(name.substr(0, i));
  if (!name.empty()) prefixes.push_back(name);
  return prefixes;
}

}  // namespace strata::detail
