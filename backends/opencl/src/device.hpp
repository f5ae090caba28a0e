// One Strata device = one OpenCL device. Owns the device's context (made on first use, so
// listing devices stays cheap), its built program and the count of bytes this plugin has
// allocated on it (the basis of the free-memory estimate: OpenCL cannot report free memory).
#pragma once

#include "cl.hpp"
#include "device_info.hpp"
#include "program_build.hpp"

#include <strata/backend.h>

#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>

namespace strata_opencl {

class Device {
 public:
  Device(cl::Device device, DeviceDescription description, std::string stable_id);

  const DeviceDescription& description() const { return description_; }
  const cl::Device& cl_device() const { return device_; }
  const std::string& stable_id() const { return stable_id_; }

  void properties(strata_device_properties& props) const;
  std::uint64_t memory_free() const;

  // The context and the built program, created on first call (thread-safe).
  const cl::Context& context();
  const cl::Program& program();
  const KernelConfig& config() const { return config_; }

  // Memory accounting: reserve() throws OUT_OF_MEMORY when the request cannot fit.
  void reserve(std::uint64_t bytes);
  void release(std::uint64_t bytes);

 private:
  cl::Device device_;
  DeviceDescription description_;
  std::string stable_id_;
  KernelConfig config_;
  std::atomic<std::uint64_t> allocated_{0};

  std::mutex mutex_;  // guards the lazily made context and program
  std::optional<cl::Context> context_;
  std::optional<BuiltProgram> program_;
};

}  // namespace strata_opencl
