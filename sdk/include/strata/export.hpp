// STRATA_API marks what libstrata exports: the public C++ API of these headers. Everything else
// in the library is built with hidden visibility, so an application sees none of its internals
// and none of the copies of its dependencies (fmt, spdlog, nlohmann-json) that it carries.
#pragma once

#if defined(__GNUC__) || defined(__clang__)
#define STRATA_API __attribute__((visibility("default")))
#else
#define STRATA_API
#endif
