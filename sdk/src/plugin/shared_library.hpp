// A dlopen'ed shared library, closed when the last owner lets go.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

namespace strata::detail {

class SharedLibrary {
 public:
  // Throws Error(unavailable) carrying the loader's message.
  static std::shared_ptr<SharedLibrary> open(const std::filesystem::path& path);
  ~SharedLibrary();
  SharedLibrary(const SharedLibrary&) = delete;
  SharedLibrary& operator=(const SharedLibrary&) = delete;

  // nullptr when the library does not export `name`.
  void* symbol(const char* name) const;
  const std::filesystem::path& path() const { return path_; }

 private:
  SharedLibrary(void* handle, std::filesystem::path path) : handle_(handle), path_(std::move(path)) {}
  void* handle_;
  std::filesystem::path path_;
};

}  // namespace strata::detail
