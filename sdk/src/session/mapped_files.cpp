#include "mapped_files.hpp"

#include <utility>

namespace strata::detail {

void MappedFiles::add(std::shared_ptr<const void> owner, std::function<void()> check) {
  const std::lock_guard lock(checking_);
  files_.push_back({std::move(owner), std::move(check)});
}

void MappedFiles::check() const {
  const std::lock_guard lock(checking_);
  for (const File& file : files_)
    if (file.check) file.check();
}

}  // namespace strata::detail
