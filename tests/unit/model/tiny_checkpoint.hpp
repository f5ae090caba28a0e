// A tiny Llama checkpoint written by the tests (two layers, f32), and how they expect an open to
// fail.
#pragma once

#include "safetensors_builder.hpp"

#include <strata/checkpoint.hpp>

#include <filesystem>
#include <initializer_list>
#include <string>
#include <vector>

namespace strata::test {

extern const std::string tiny_config;

// Every tensor the tiny config asks for, as ramps.
std::vector<TestTensor> tiny_tensors();

// config.json and model.safetensors holding `tensors`.
void write_checkpoint(const std::filesystem::path& dir, const std::vector<TestTensor>& tensors,
                      const std::string& config = tiny_config);

// The message of the Error that Checkpoint::open throws; a test failure when it opens.
std::string open_error(const std::filesystem::path& dir, const CheckpointOptions& options = {});

// Expects Checkpoint::open to fail with a message holding every one of `parts`.
void expect_open_fails(const std::filesystem::path& dir, std::initializer_list<std::string> parts);

}  // namespace strata::test
