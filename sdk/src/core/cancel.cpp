#include <strata/cancel.hpp>
#include <strata/error.hpp>

#include <fmt/format.h>

namespace strata {

CancelToken::CancelToken() : flag_(std::make_shared<std::atomic<bool>>(false)) {}

void CancelToken::cancel() const noexcept { flag_->store(true, std::memory_order_relaxed); }
bool CancelToken::cancelled() const noexcept { return flag_->load(std::memory_order_relaxed); }
void CancelToken::reset() const noexcept { flag_->store(false, std::memory_order_relaxed); }

void CancelToken::throw_if_cancelled(std::string_view what) const {
  if (cancelled()) throw Error(StatusCode::cancelled, fmt::format("{} was cancelled", what));
}

}  // namespace strata
