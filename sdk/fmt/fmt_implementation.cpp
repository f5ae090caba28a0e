// fmt's implementation (its non-template functions and the instantiations that format.h declares
// extern), compiled here once instead of in every file that includes <fmt/format.h>.
#include <fmt/format-inl.h>

FMT_BEGIN_NAMESPACE
namespace detail {
template auto thousands_sep_impl<char>(locale_ref) -> thousands_sep_result<char>;
template auto decimal_point_impl(locale_ref) -> char;
}  // namespace detail
FMT_END_NAMESPACE
