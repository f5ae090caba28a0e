// Cancelling long work from another thread: a flag that one thread sets and the work checks
// between its steps (a load between weights, a forward pass between prompt pieces and units, a
// generation between tokens). Copies share one flag.
#pragma once

#include <strata/export.hpp>

#include <atomic>
#include <memory>

namespace strata {

class STRATA_API CancelToken {
 public:
  CancelToken();

  // Asks the work that checks this token to stop at its next check. Safe from any thread.
  void cancel() const noexcept;
  bool cancelled() const noexcept;
  // Clears the request, so that the token (and the session holding it) can run again.
  void reset() const noexcept;

 private:
  std::shared_ptr<std::atomic<bool>> flag_;
};

}  // namespace strata
