// A model folder comes from strangers: its files are opened only when they are regular files
// (never blocking on a named pipe, never reading a device), JSON files only under a size cap, the
// index names only files beside it, and what the files say reaches messages escaped.
#include "tiny_checkpoint.hpp"

#include <strata/checkpoint.hpp>
#include <strata/error.hpp>
#include <strata/model.hpp>

#include <gtest/gtest.h>

#include <sys/stat.h>

#include <fstream>

namespace strata {
namespace {

namespace fs = std::filesystem;
using test::expect_open_fails;
using test::open_error;
using test::TempDir;
using test::tiny_config;
using test::tiny_tensors;
using test::write_checkpoint;

// A file of `bytes` bytes that takes no room on disk.
void write_sparse(const fs::path& path, std::uint64_t bytes) {
  std::ofstream(path, std::ios::binary).close();
  fs::resize_file(path, bytes);
}

// An index that sends every tensor of the tiny model to `shard`, with the shard written.
void write_sharded(const fs::path& dir, const std::string& shard_json_name) {
  test::write_text(dir / "config.json", tiny_config);
  std::string map = "{";
  for (const test::TestTensor& tensor : tiny_tensors()) map += "\"" + tensor.name + "\": \"" + shard_json_name + "\",";
  map.back() = '}';
  test::write_text(dir / "model.safetensors.index.json", R"({"metadata": {}, "weight_map": )" + map + "}");
}

TEST(CheckpointFiles, OpensAHuggingFaceCacheSnapshotOfSymlinksIntoBlobs) {
  TempDir cache;
  write_checkpoint(cache.path(), tiny_tensors());
  fs::create_directories(cache.path() / "blobs");
  fs::create_directories(cache.path() / "snapshots" / "abc");
  for (const char* name : {"config.json", "model.safetensors"}) {
    fs::rename(cache.path() / name, cache.path() / "blobs" / name);
    fs::create_symlink(fs::path("../../blobs") / name, cache.path() / "snapshots" / "abc" / name);
  }
  EXPECT_EQ(Checkpoint::open(cache.path() / "snapshots" / "abc").graph().units.size(), 5u);
}

TEST(CheckpointFiles, NamedPipesAreRefusedWithoutBlocking) {
  TempDir config;
  ASSERT_EQ(::mkfifo((config.path() / "config.json").c_str(), 0600), 0);
  expect_open_fails(config.path(), {"config.json", "is a named pipe, not a regular file"});

  TempDir shard;
  test::write_text(shard.path() / "config.json", tiny_config);
  ASSERT_EQ(::mkfifo((shard.path() / "model.safetensors").c_str(), 0600), 0);
  expect_open_fails(shard.path(), {"model.safetensors", "is a named pipe, not a regular file"});

  TempDir index;
  test::write_text(index.path() / "config.json", tiny_config);
  ASSERT_EQ(::mkfifo((index.path() / "model.safetensors.index.json").c_str(), 0600), 0);
  expect_open_fails(index.path(), {"model.safetensors.index.json", "is a named pipe"});

  TempDir sharded;
  write_sharded(sharded.path(), "model-00001-of-00001.safetensors");
  ASSERT_EQ(::mkfifo((sharded.path() / "model-00001-of-00001.safetensors").c_str(), 0600), 0);
  expect_open_fails(sharded.path(), {"model-00001-of-00001.safetensors", "is a named pipe"});
}

TEST(CheckpointFiles, DevicesAreRefusedUnread) {
  TempDir config;
  fs::create_symlink("/dev/zero", config.path() / "config.json");
  expect_open_fails(config.path(), {"config.json", "is a character device, not a regular file"});

  TempDir index;
  test::write_text(index.path() / "config.json", tiny_config);
  fs::create_symlink("/dev/zero", index.path() / "model.safetensors.index.json");
  expect_open_fails(index.path(), {"model.safetensors.index.json", "is a character device"});

  TempDir shard;
  test::write_text(shard.path() / "config.json", tiny_config);
  fs::create_symlink("/dev/zero", shard.path() / "model.safetensors");
  expect_open_fails(shard.path(), {"model.safetensors", "is a character device"});
}

TEST(CheckpointFiles, JsonFilesOverTheirCapAreRefusedUnread) {
  TempDir config;
  write_sparse(config.path() / "config.json", 200 << 20);
  expect_open_fails(config.path(), {"config.json", "is 200 MiB (209715200 bytes)", "more than the 4 MiB"});
  try {
    read_model_config(config.path());
    ADD_FAILURE();
  } catch (const Error& error) {
    EXPECT_EQ(std::string(error.what()).find("is this a model folder"), std::string::npos) << error.what();
  }

  TempDir index;
  test::write_text(index.path() / "config.json", tiny_config);
  write_sparse(index.path() / "model.safetensors.index.json", safetensors_index_max_bytes + 1);
  expect_open_fails(index.path(), {"model.safetensors.index.json", "(67108865 bytes)", "more than the 64 MiB"});
}

TEST(CheckpointFiles, TheIndexNamesOnlyShardsBesideIt) {
  for (const std::string& name :
       {std::string(R"(model.safetensors\u0000../../elsewhere.safetensors)"), std::string("../x.safetensors"),
        std::string("sub/x.safetensors"), std::string(R"(sub\\x.safetensors)"), std::string(".."),
        std::string("x..safetensors"), std::string("config.json"), std::string(".safetensors"),
        std::string(R"(x\u001b[2J.safetensors)"), std::string("")}) {
    SCOPED_TRACE(name);
    TempDir dir;
    write_sharded(dir.path(), name);
    const std::string message = open_error(dir.path());
    EXPECT_NE(message.find("not a file name in this folder"), std::string::npos) << message;
    EXPECT_EQ(message.find('\0'), std::string::npos);
    EXPECT_EQ(message.find('\x1b'), std::string::npos) << message;
  }
  TempDir dir;  // the NUL shown, not obeyed
  write_sharded(dir.path(), R"(model.safetensors\u0000.safetensors)");
  test::write_checkpoint(dir.path(), tiny_tensors());
  EXPECT_NE(open_error(dir.path()).find("'model.safetensors\\x00.safetensors'"), std::string::npos);
}

TEST(CheckpointFiles, ShardTensorsTheIndexDoesNotListAreRefused) {
  TempDir dir;
  write_sharded(dir.path(), "one.safetensors");
  std::vector<test::TestTensor> tensors = tiny_tensors();
  tensors.push_back(test::ramp_tensor("unlisted", "F32", {2}));
  test::write_file(dir.path() / "one.safetensors", test::make_safetensors(tensors));
  expect_open_fails(dir.path(), {"one.safetensors", "tensor 'unlisted' is not listed"});
}

TEST(CheckpointFiles, KeysGivenTwiceAndDeepNestingAreRefused) {
  TempDir config;
  test::write_text(config.path() / "config.json",
                   R"({"architectures": ["LlamaForCausalLM"], "vocab_size": 16, "vocab_size": 32000})");
  expect_open_fails(config.path(), {"config.json", "the key 'vocab_size' is given twice"});

  TempDir index;
  test::write_text(index.path() / "config.json", tiny_config);
  test::write_text(index.path() / "model.safetensors.index.json",
                   R"({"weight_map": {"model.norm.weight": "a.safetensors", "model.norm.weight": "b.safetensors"}})");
  expect_open_fails(index.path(), {"model.safetensors.index.json", "'model.norm.weight' is given twice"});

  TempDir deep;
  test::write_text(deep.path() / "config.json", tiny_config);
  test::write_text(deep.path() / "model.safetensors.index.json",
                   R"({"metadata": )" + std::string(100000, '[') + std::string(100000, ']') + "}");
  expect_open_fails(deep.path(), {"model.safetensors.index.json", "nest more than 64 levels"});
}

TEST(CheckpointFiles, WhatTheFilesSayReachesMessagesEscaped) {
  TempDir architecture;
  test::write_text(architecture.path() / "config.json", R"({"architectures": ["\u001b]0;owned\u0007Llama"]})");
  const std::string message = open_error(architecture.path());
  EXPECT_NE(message.find("'\\x1b]0;owned\\x07Llama'"), std::string::npos) << message;
  EXPECT_EQ(message.find('\x1b'), std::string::npos);

  TempDir tensor;
  test::write_text(tensor.path() / "config.json", tiny_config);
  test::write_file(
      tensor.path() / "model.safetensors",
      test::make_raw_safetensors(R"({"w\u009b": {"dtype": "F\u001b[2J", "shape": [1], "data_offsets": [0, 4]}})", 4));
  const std::string header_message = open_error(tensor.path());
  EXPECT_NE(header_message.find("tensor 'w\\u009b': unknown dtype 'F\\x1b[2J'"), std::string::npos) << header_message;
}

}  // namespace
}  // namespace strata
