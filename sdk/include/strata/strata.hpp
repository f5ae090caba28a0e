// Everything an integrator needs, in one include.
#pragma once

#include <strata/device.hpp>
#include <strata/error.hpp>
#include <strata/ops.hpp>
#include <strata/queue.hpp>
#include <strata/runtime.hpp>
#include <strata/types.hpp>
