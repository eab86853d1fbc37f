#pragma once
// Access to the shared minilm-tiny fixture (shared/fixtures/minilm-tiny): its folder and its JSON Lines
// reference files. A missing fixture fails the test under CI and skips it elsewhere.

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "test_util.h"

namespace mxn::testing {

struct ReferenceLine {
  int line = 0;  // 1-based line number in the .jsonl file
  std::string text;
  std::vector<std::int32_t> input_ids;
  std::vector<float> embedding;  // empty in tokenizer_cases.jsonl
  std::string tag;
};

inline std::filesystem::path minilm_tiny_dir() { return shared_fixtures() / "minilm-tiny"; }

inline std::vector<ReferenceLine> read_reference_lines(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::vector<ReferenceLine> lines;
  std::string raw;
  int number = 0;
  while (std::getline(in, raw)) {
    ++number;
    if (raw.empty()) continue;
    const auto json = nlohmann::json::parse(raw);
    ReferenceLine line;
    line.line = number;
    line.text = json.at("text").get<std::string>();
    line.input_ids = json.at("input_ids").get<std::vector<std::int32_t>>();
    if (json.contains("embedding")) line.embedding = json.at("embedding").get<std::vector<float>>();
    line.tag = json.value("tag", "");
    lines.push_back(std::move(line));
  }
  return lines;
}

}  // namespace mxn::testing

/// Skips (or fails under CI) the current test when the minilm-tiny fixture is not there.
#define MXN_REQUIRE_MINILM_FIXTURE()                                                                  \
  do {                                                                                                \
    if (!std::filesystem::exists(::mxn::testing::minilm_tiny_dir() / "reference.jsonl")) {            \
      if (::mxn::testing::in_ci()) {                                                                  \
        FAIL() << "fixture missing: " << ::mxn::testing::minilm_tiny_dir();                           \
      } else {                                                                                        \
        GTEST_SKIP() << "fixture missing: " << ::mxn::testing::minilm_tiny_dir();                     \
      }                                                                                               \
    }                                                                                                 \
  } while (0)
