// The boundary of the C API: every entry runs its body through guarded(), which turns whatever
// the C++ API throws into a status code and the calling thread's message. Nothing thrown ever
// crosses into C.
#pragma once

#include <strata/strata.h>
#include <strata/error.hpp>

#include <new>
#include <string>

namespace strata::c_api {

// A caller's mistake the C layer itself finds (a NULL pointer, a short struct): its message is
// prefixed with the function's name, since the caller's code is what must change.
class ArgumentError : public Error {
 public:
  explicit ArgumentError(const std::string& message) : Error(StatusCode::invalid_argument, message) {}
};

void clear_error() noexcept;
const char* last_error_message() noexcept;
strata_status_code fail(strata_status_code code, const char* message) noexcept;
strata_status_code fail_in(const char* function, const char* message) noexcept;

template <typename Body>
strata_status_code guarded(const char* function, Body&& body) noexcept {
  clear_error();
  try {
    body();
    return STRATA_STATUS_OK;
  } catch (const ArgumentError& error) {
    return fail_in(function, error.what());
  } catch (const Error& error) {
    return fail(static_cast<strata_status_code>(error.code()), error.what());
  } catch (const std::bad_alloc&) {
    return fail(STRATA_STATUS_OUT_OF_MEMORY, "out of host memory");
  } catch (const std::exception& error) {
    return fail(STRATA_STATUS_INTERNAL, error.what());
  } catch (...) {
    return fail(STRATA_STATUS_INTERNAL, "an exception that is not a std::exception");
  }
}

// Throws ArgumentError naming `name` when `pointer` is NULL.
template <typename T>
T& required(T* pointer, const char* name) {
  if (pointer == nullptr) throw ArgumentError(std::string("`") + name + "` is NULL");
  return *pointer;
}

// The same for a C string.
inline const char* required_text(const char* text, const char* name) {
  if (text == nullptr) throw ArgumentError(std::string("`") + name + "` is NULL");
  return text;
}

}  // namespace strata::c_api
