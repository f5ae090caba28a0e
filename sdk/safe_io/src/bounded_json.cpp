#include <strata_safe_io/bounded_json.hpp>
#include <strata_safe_io/printable.hpp>

#include <fmt/format.h>

#include <utility>
#include <vector>

namespace strata::safe_io {
namespace {

using Json = nlohmann::json;
using MemberFunction = std::function<void(const std::string& key, Json& value)>;

// Builds the document from nlohmann's SAX events with an explicit stack (no recursion), checking
// each key against its own object as it arrives and counting the values it holds. Given a
// `member` function, hands over each member of the top-level object as soon as it ends instead
// of keeping it.
class BoundedBuilder {
 public:
  BoundedBuilder(Json& root, const JsonLimits& limits, std::string& why, const MemberFunction* member = nullptr)
      : root_(root), limits_(limits), why_(why), member_(member) {}

  bool null() { return put(Json(nullptr)); }
  bool boolean(bool value) { return put(Json(value)); }
  bool number_integer(Json::number_integer_t value) { return put(Json(value)); }
  bool number_unsigned(Json::number_unsigned_t value) { return put(Json(value)); }
  // nlohmann's lexer already refuses a number too large for a double ("number overflow").
  bool number_float(Json::number_float_t value, const Json::string_t&) { return put(Json(value)); }
  bool string(Json::string_t& value) { return put(Json(std::move(value))); }
  bool binary(Json::binary_t&) { return refuse("binary values are not JSON"); }  // only from CBOR and the like

  bool start_object(std::size_t) { return open(Json::value_t::object); }
  bool key(Json::string_t& name) {
    if (!count()) return false;
    Frame& top = frames_.back();
    // try_emplace leaves `name` untouched when the key is there already.
    auto [member, inserted] = top.value->get_ref<Json::object_t&>().try_emplace(std::move(name));
    if (!inserted)
      return refuse(fmt::format("the key '{}' is given twice in {}; keep one (readers disagree on which counts)",
                                printable(member->first), container_name()));
    top.member = &*member;
    if (frames_.size() == 1) values_before_member_ = values_;
    return true;
  }
  bool end_object() { return close(); }
  bool start_array(std::size_t) { return open(Json::value_t::array); }
  bool end_array() { return close(); }

  bool parse_error(std::size_t, const std::string&, const Json::exception& error) {
    // nlohmann's message quotes the text it stopped at.
    return refuse(printable(error.what()));
  }

 private:
  struct Frame {
    Json* value = nullptr;                                 // an object or an array being filled
    std::pair<const std::string, Json>* member = nullptr;  // an object's member whose value comes next
  };

  // Where the next value goes: the root, the member whose key came last, or a new array element.
  Json& slot() {
    if (frames_.empty()) return root_;
    Frame& top = frames_.back();
    if (top.value->is_array()) return top.value->get_ref<Json::array_t&>().emplace_back();
    return top.member->second;
  }
  bool put(Json&& value) {
    if (!count()) return false;
    if (member_ && frames_.empty()) return refuse_top_level(value);
    slot() = std::move(value);
    return frames_.size() != 1 || hand_over();
  }
  bool open(Json::value_t type) {
    if (!count()) return false;
    if (frames_.size() >= limits_.max_depth)
      return refuse(
          fmt::format("arrays and objects nest more than {} levels deep (at {})", limits_.max_depth, where()));
    if (member_ && frames_.empty() && type != Json::value_t::object) return refuse_top_level(Json(type));
    Json& value = slot();
    value = Json(type);
    // Pointers into an array stay valid: its elements move only when it grows, and it cannot
    // grow while one of its elements is still open.
    frames_.push_back({&value, nullptr});
    return true;
  }
  bool close() {
    frames_.pop_back();
    return frames_.size() != 1 || hand_over();
  }
  // A value of the top-level object has ended: with a `member` function, it goes there and is
  // freed, its key kept.
  bool hand_over() {
    if (!member_) return true;
    std::pair<const std::string, Json>& member = *frames_.back().member;
    (*member_)(member.first, member.second);
    member.second = Json();
    values_ = values_before_member_;
    return true;
  }
  bool count() {
    if (++values_ <= limits_.max_values) return true;
    return refuse(fmt::format("it holds more than {} values (at {})", limits_.max_values, where()));
  }
  bool refuse_top_level(const Json& value) {
    return refuse(fmt::format("it must be a JSON object, not {}", value.type_name()));
  }
  bool refuse(std::string why) {
    if (why_.empty()) why_ = std::move(why);
    return false;
  }

  // A JSON pointer ("/weight_map/lm_head.weight", "/devices/3") from the outermost `depth`
  // frames of the stack, built only for a message. `pending`: the innermost frame's next value
  // has not been placed yet (its array index is the array's size).
  std::string pointer(std::size_t depth, bool pending) const {
    std::string text;
    for (std::size_t i = 0; i < depth; ++i) {
      const Frame& frame = frames_[i];
      if (frame.value->is_array())
        text += fmt::format("/{}", frame.value->size() - (pending && i + 1 == depth ? 0 : 1));
      else if (frame.member)
        text += "/" + printable(frame.member->first, 64);
    }
    // Deep documents make long pointers: their end says the most.
    constexpr std::size_t longest = 160;
    return text.size() <= longest ? text : "..." + text.substr(text.size() - longest);
  }
  // Where the value being read goes.
  std::string where() const { return frames_.empty() ? std::string("the top level") : pointer(frames_.size(), true); }
  // The object being filled.
  std::string container_name() const {
    return frames_.size() == 1 ? std::string("the top-level object")
                               : "the object at " + pointer(frames_.size() - 1, false);
  }

  Json& root_;
  const JsonLimits& limits_;
  std::string& why_;
  const MemberFunction* member_;
  std::vector<Frame> frames_;
  std::uint64_t values_ = 0;
  std::uint64_t values_before_member_ = 0;  // the values held when the current top-level member began
};

bool parse(std::string_view text, std::string& why, Json& root, const JsonLimits& limits,
           const MemberFunction* member) {
  why.clear();
  BoundedBuilder builder(root, limits, why, member);
  if (!Json::sax_parse(text.begin(), text.end(), &builder) || !why.empty()) {
    if (why.empty()) why = "the JSON parser stopped early";
    return false;
  }
  return true;
}

}  // namespace

std::optional<nlohmann::json> parse_bounded_json(std::string_view text, std::string& why, const JsonLimits& limits) {
  Json root;
  if (!parse(text, why, root, limits, nullptr)) return std::nullopt;
  return root;
}

bool for_each_bounded_json_member(std::string_view text, std::string& why, const MemberFunction& member,
                                  const JsonLimits& limits) {
  Json root;
  return parse(text, why, root, limits, &member);
}

}  // namespace strata::safe_io
