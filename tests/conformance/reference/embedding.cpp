// EMBEDDING: a gather of table rows.
#include <strata_reference/ops.hpp>

namespace strata_reference {

Reference embedding(const Values& table, std::int64_t dim, const Values& ids) {
  const std::size_t size = ids.size() * dim;
  Reference r{Values(size), Values(size)};  // gathers are exact: scale 0
  for (std::size_t t = 0; t < ids.size(); ++t)
    for (std::int64_t i = 0; i < dim; ++i) r.value[t * dim + i] = table[static_cast<std::size_t>(ids[t]) * dim + i];
  return r;
}

}  // namespace strata_reference
