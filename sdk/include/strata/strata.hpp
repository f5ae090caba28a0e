// The whole public C++ API in one include: runtime and devices, checkpoints, model graphs and
// weight sources, planning and device maps, calibration, loaded models, sessions and their
// cancellation, generation (with the model's generation config, stop strings, its tokenizer and
// its chat template), logging, and the op set with its queues. The plugin interfaces (backend.h,
// planner.h) are for plugin authors, and the C API is <strata/strata.h>.
#pragma once

#include <strata/calibration.hpp>
#include <strata/cancel.hpp>
#include <strata/chat_template.hpp>
#include <strata/checkpoint.hpp>
#include <strata/device.hpp>
#include <strata/device_map.hpp>
#include <strata/error.hpp>
#include <strata/generate.hpp>
#include <strata/generation_config.hpp>
#include <strata/loaded_model.hpp>
#include <strata/log.hpp>
#include <strata/model.hpp>
#include <strata/model_graph.hpp>
#include <strata/ops.hpp>
#include <strata/planner.hpp>
#include <strata/queue.hpp>
#include <strata/runtime.hpp>
#include <strata/session.hpp>
#include <strata/text_generation.hpp>
#include <strata/tokenizer.hpp>
#include <strata/types.hpp>
