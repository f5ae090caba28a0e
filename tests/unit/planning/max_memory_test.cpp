// max_memory and link descriptions as users write them.
#include <strata/error.hpp>
#include <strata/planner.hpp>

#include <gtest/gtest.h>

namespace strata {
namespace {

TEST(MaxMemory, ReadsTheCommandLineForm) {
  const auto limits = parse_max_memory("opencl:0=10GiB, cpu=30GB,disk=1TB,1=500MiB,vulkan:0:4096");
  EXPECT_EQ(limits.at("opencl:0"), 10ull << 30);
  EXPECT_EQ(limits.at("cpu"), 30'000'000'000ull);
  EXPECT_EQ(limits.at("disk"), 1'000'000'000'000ull);
  EXPECT_EQ(limits.at("1"), 500ull << 20);
  EXPECT_EQ(limits.at("vulkan:0"), 4096u);
}

TEST(MaxMemory, ReadsHuggingFacesJsonForm) {
  const auto limits = parse_max_memory(R"({"0": "10GiB", "cpu": "30GB", "disk": 1024})");
  EXPECT_EQ(limits.at("0"), 10ull << 30);
  EXPECT_EQ(limits.at("cpu"), 30'000'000'000ull);
  EXPECT_EQ(limits.at("disk"), 1024u);
}

TEST(MaxMemory, RejectsWhatIsNotASize) {
  for (const char* text : {"", "cpu", "cpu=", "cpu=ten", "cpu=1GiB,cpu=2GiB", "=1GiB", R"({"cpu": -1})",
                           R"({"cpu": [1]})", R"({"cpu": "1GiB")", "cpu=-5GB"}) {
    EXPECT_THROW(parse_max_memory(text), Error) << text;
  }
}

std::string max_memory_error(std::string_view text) {
  try {
    parse_max_memory(text);
  } catch (const Error& error) {
    return error.what();
  }
  return "(no error)";
}

TEST(MaxMemory, RefusesKeysGivenTwiceDeepNestingAndControlCharacters) {
  EXPECT_NE(max_memory_error(R"({"cpu": "1GiB", "cpu": "2GiB"})").find("the key 'cpu' is given twice"),
            std::string::npos);
  EXPECT_NE(max_memory_error(R"({"cpu": )" + std::string(1000, '[') + std::string(1000, ']') + "}")
                .find("nest more than 64 levels"),
            std::string::npos);
  const std::string device = max_memory_error(R"({"cpu\u001b[2J": "1GiB"})");
  EXPECT_NE(device.find("'cpu\\x1b[2J' holds characters no device name has"), std::string::npos) << device;
  const std::string size = max_memory_error("cpu=1\x1b[2JGiB");
  EXPECT_NE(size.find("'1\\x1b[2JGiB' is not a memory size"), std::string::npos) << size;
}

TEST(Links, ReadsTheLinksOfASimulatedDevicesFile) {
  const auto links = parse_links_json(R"({"devices": [], "links": [{"between": ["sim:0", "sim:1"], "gbps": 300}]})");
  ASSERT_EQ(links.size(), 1u);
  EXPECT_EQ(links[0].a, "sim:0");
  EXPECT_EQ(links[0].b, "sim:1");
  EXPECT_DOUBLE_EQ(links[0].bandwidth, 300e9);
  EXPECT_TRUE(parse_links_json(R"({"devices": []})").empty());
  EXPECT_THROW(parse_links_json(R"({"links": [{"between": ["sim:0"], "gbps": 1}]})"), Error);
  EXPECT_THROW(parse_links_json(R"({"links": [{"between": ["a", "b"], "gbps": 0}]})"), Error);
  EXPECT_THROW(parse_links_json(R"({"links": {}})"), Error);
}

TEST(Links, RefusesKeysGivenTwiceAndDeepNesting) {
  try {
    parse_links_json(R"({"links": [{"between": ["sim:0", "sim:1"], "gbps": 300, "gbps": 1}]})");
    ADD_FAILURE();
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("the key 'gbps' is given twice in the object at /links/0"),
              std::string::npos)
        << error.what();
  }
  EXPECT_THROW(parse_links_json(R"({"host": )" + std::string(100000, '{') + "}"), Error);
  try {
    parse_links_json(R"({"links": [{"between": ["sim:0", "sim:1\u001b[2J"], "gbps": 300}]})");
    ADD_FAILURE();
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("'sim:1\\x1b[2J' holds characters no device name has"), std::string::npos)
        << error.what();
  }
}

}  // namespace
}  // namespace strata
