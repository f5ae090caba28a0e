#include <strata/cancel.hpp>

namespace strata {

CancelToken::CancelToken() : flag_(std::make_shared<std::atomic<bool>>(false)) {}

void CancelToken::cancel() const noexcept { flag_->store(true, std::memory_order_relaxed); }
bool CancelToken::cancelled() const noexcept { return flag_->load(std::memory_order_relaxed); }
void CancelToken::reset() const noexcept { flag_->store(false, std::memory_order_relaxed); }

}  // namespace strata
