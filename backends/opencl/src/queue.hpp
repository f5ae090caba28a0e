// A Strata queue: one in-order OpenCL command queue. Work is enqueued and flushed, never
// waited for, except by finish/read/event_synchronize.
#pragma once

#include "cl.hpp"
#include "clblast_matmul.hpp"
#include "kernels.hpp"
#include "objects.hpp"

#include <cstdint>
#include <deque>
#include <memory>
#include <vector>

namespace strata_opencl {

enum class MatmulEngine { own, clblast };

class Queue {
 public:
  explicit Queue(Device& device);
  Queue(const Queue&) = delete;
  Queue& operator=(const Queue&) = delete;
  ~Queue();

  Device& device() { return device_; }
  void write(Buffer& dst, std::uint64_t offset, const void* src, std::uint64_t size);
  void read(Buffer& src, std::uint64_t offset, void* dst, std::uint64_t size);
  void copy(Buffer& src, std::uint64_t src_offset, Buffer& dst, std::uint64_t dst_offset, std::uint64_t size);
  void submit(const strata_op* ops, std::uint32_t count);
  void finish();
  Event* record();
  void wait(const Event& event);

  // For the op launchers.
  cl::CommandQueue& cl_queue() { return queue_; }
  const cl::Context& context() { return context_; }
  Kernels& kernels() { return kernels_; }
  MatmulEngine matmul_engine() const { return engine_; }
  ClblastMatmul* clblast() { return clblast_.get(); }
  // The flag an embedding kernel raises for an id outside the table.
  const cl::Buffer& error_flag() {
    error_flag_armed_ = true;
    return error_flag_;
  }
  // A device buffer of at least `bytes` owned by the queue (in-order: reuse is safe).
  const cl::Buffer& scratch(std::uint64_t bytes);

 private:
  struct PendingWrite {
    std::vector<unsigned char> bytes;  // the host copy that must live until the write is done
    cl::Event done;
  };
  void check_error_flag();
  void reap_writes();

  Device& device_;
  cl::Context context_;
  cl::CommandQueue queue_;
  Kernels kernels_;
  MatmulEngine engine_ = MatmulEngine::own;
  std::unique_ptr<ClblastMatmul> clblast_;
  cl::Buffer error_flag_;
  bool error_flag_armed_ = false;
  std::deque<PendingWrite> pending_writes_;
  cl::Buffer scratch_;
  std::uint64_t scratch_size_ = 0;
};

}  // namespace strata_opencl
