// The checkpoint files "disk" units read through their mappings: kept mapped for as long as the
// model lives, and checked around every step of every session made from it.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace strata::detail {

class MappedFiles {
 public:
  // Keeps `owner` (the mapping) alive; `check` throws Error naming the file once it has changed.
  void add(std::shared_ptr<const void> owner, std::function<void()> check);

  // Runs every file's check. Sessions on several threads call this at once, and a WeightSource's
  // check need not be safe to run concurrently, so the checks run one at a time.
  void check() const;

 private:
  struct File {
    std::shared_ptr<const void> owner;
    std::function<void()> check;
  };
  std::vector<File> files_;
  mutable std::mutex checking_;
};

}  // namespace strata::detail
