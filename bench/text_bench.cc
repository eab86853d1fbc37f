// Text encoder benchmarks (Google Benchmark).
//   minilm/<batch>/<tokens>: BertModel + pooling at the all-MiniLM-L6-v2 shape (6 layers, hidden 384,
//     12 heads, FFN 1536, vocab 30522) with random weights built in memory; inputs are token id
//     sequences of exactly <tokens> ids ([CLS] ... [SEP]). items/s = sentences/s.
//   minilm_texts/32: the same model from raw catalog texts (tokenizer included).
//   hashing/<n>: HashingEncoder (dim 384, fitted IDF) on short catalog texts. items/s = texts/s.
//   bert_tokenizer: BertTokenizer alone. items/s = texts/s.
// Threads: OpenMP, 2 unless OMP_NUM_THREADS says otherwise. The WordPiece vocabulary is the minilm-tiny
// fixture's (../shared/fixtures beside the checkout, or $MXN_SHARED_FIXTURES); without it a synthetic
// vocabulary is used (the minilm/* figures do not depend on it).
//
// Run: cmake -S . -B build-bench -DMXN_BENCH=ON && cmake --build build-bench --target text_bench
//      build-bench/bench/text_bench

#include <benchmark/benchmark.h>
#include <omp.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "text/bert_model.h"
#include "text/bert_tokenizer.h"
#include "text/hashing_encoder.h"
#include "text/minilm_encoder.h"

namespace {

using mxn::text::BertConfig;
using mxn::text::BertModel;
using mxn::text::BertTensorSpec;
using mxn::text::BertTokenizer;
using mxn::text::BertTokenizerOptions;

std::filesystem::path fixture_vocab() {
  if (const char* dir = std::getenv("MXN_SHARED_FIXTURES")) return std::filesystem::path(dir) / "minilm-tiny" / "vocab.txt";
  return std::filesystem::path(__FILE__).parent_path().parent_path().parent_path() / "shared" / "fixtures" /
         "minilm-tiny" / "vocab.txt";
}

BertTokenizer make_tokenizer() {
  const auto vocab = fixture_vocab();
  if (std::filesystem::exists(vocab)) return BertTokenizer::from_vocab_file(vocab, BertTokenizerOptions{});
  std::vector<std::string> tokens = {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"};
  for (char c = 'a'; c <= 'z'; ++c) {
    tokens.emplace_back(1, c);
    tokens.push_back(std::string("##") + c);
  }
  return BertTokenizer(std::move(tokens), BertTokenizerOptions{});
}

// all-MiniLM-L6-v2 shape, seeded random weights: embeddings N(0, 0.02), matrices N(0, 0.05), biases
// N(0, 0.02), LayerNorm weight 1 and bias 0.
const mxn::text::MiniLmEncoder& minilm(std::size_t batch_size) {
  static std::unique_ptr<BertModel> model;
  static std::unique_ptr<BertTokenizer> tokenizer;
  static std::vector<std::unique_ptr<mxn::text::MiniLmEncoder>> encoders;
  if (!model) {
    std::mt19937 rng(1234);
    model = std::make_unique<BertModel>(BertConfig::minilm_l6(), [&rng](const BertTensorSpec& spec) {
      std::size_t n = 1;
      for (auto d : spec.shape) n *= static_cast<std::size_t>(d);
      std::vector<float> values(n);
      if (spec.name.find("LayerNorm") != std::string::npos) {
        std::fill(values.begin(), values.end(), spec.name.ends_with(".weight") ? 1.0f : 0.0f);
        return values;
      }
      const bool matrix = spec.shape.size() == 2 && spec.name.rfind("embeddings.", 0) != 0;
      std::normal_distribution<float> normal(0.0f, matrix ? 0.05f : 0.02f);
      for (auto& v : values) v = normal(rng);
      return values;
    });
    tokenizer = std::make_unique<BertTokenizer>(make_tokenizer());
  }
  for (const auto& e : encoders) {
    if (e->options().batch_size == batch_size) return *e;
  }
  mxn::text::MiniLmOptions options;
  options.batch_size = batch_size;
  encoders.push_back(
      std::make_unique<mxn::text::MiniLmEncoder>(*tokenizer, *model, mxn::text::PoolingMode::kMean, options));
  return *encoders.back();
}

std::vector<std::string> catalog_texts(std::size_t n) {
  static const char* const kWords[] = {"the",    "matrix", "toy",     "story",  "love",   "night",   "city",
                                       "action", "comedy", "drama",   "sci-fi", "queen",  "rhapsody", "moon",
                                       "write",  "report", "finance", "team",   "buy",    "milk",    "river",
                                       "café",   "naïve",  "dark",    "knight", "return", "empire",  "strikes"};
  std::mt19937 rng(7);
  std::uniform_int_distribution<std::size_t> word(0, std::size(kWords) - 1);
  std::uniform_int_distribution<int> length(3, 9);
  std::uniform_int_distribution<int> year(1950, 2024);
  std::vector<std::string> texts;
  for (std::size_t i = 0; i < n; ++i) {
    std::string t;
    const int words = length(rng);
    for (int w = 0; w < words; ++w) t += std::string(w ? " " : "") + kWords[word(rng)];
    if (i % 3 == 0) t += " (" + std::to_string(year(rng)) + ") Action|Drama";
    texts.push_back(std::move(t));
  }
  return texts;
}

void BM_MiniLm(benchmark::State& state) {
  const auto batch = static_cast<std::size_t>(state.range(0));
  const auto tokens = static_cast<std::size_t>(state.range(1));
  const auto& encoder = minilm(batch);
  std::mt19937 rng(99);
  std::uniform_int_distribution<std::int32_t> id(1000, 29999);
  std::vector<std::vector<std::int32_t>> ids(batch);
  for (auto& seq : ids) {
    seq.push_back(101);
    while (seq.size() + 1 < tokens) seq.push_back(id(rng));
    seq.push_back(102);
  }
  for (auto _ : state) {
    auto m = encoder.encode_ids(ids);
    benchmark::DoNotOptimize(m.data.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * batch));
  state.counters["threads"] = omp_get_max_threads();
}
BENCHMARK(BM_MiniLm)->Name("minilm")->ArgNames({"batch", "tokens"})
    ->Args({1, 16})->Args({32, 16})->Args({1, 64})->Args({32, 64})->Args({1, 256})
    ->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_MiniLmTexts(benchmark::State& state) {
  const auto& encoder = minilm(32);
  const auto texts = catalog_texts(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) {
    auto m = encoder.encode(texts);
    benchmark::DoNotOptimize(m.data.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * texts.size()));
}
BENCHMARK(BM_MiniLmTexts)->Name("minilm_texts")->Arg(256)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_Hashing(benchmark::State& state) {
  const auto texts = catalog_texts(static_cast<std::size_t>(state.range(0)));
  mxn::text::HashingEncoder encoder;
  encoder.fit(texts);
  for (auto _ : state) {
    auto m = encoder.encode(texts);
    benchmark::DoNotOptimize(m.data.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * texts.size()));
}
BENCHMARK(BM_Hashing)->Name("hashing")->Arg(10000)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_HashingFit(benchmark::State& state) {
  const auto texts = catalog_texts(static_cast<std::size_t>(state.range(0)));
  mxn::text::HashingEncoder encoder;
  for (auto _ : state) encoder.fit(texts);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * texts.size()));
}
BENCHMARK(BM_HashingFit)->Name("hashing_fit")->Arg(10000)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_Tokenizer(benchmark::State& state) {
  const BertTokenizer tokenizer = make_tokenizer();
  const auto texts = catalog_texts(1000);
  for (auto _ : state) {
    for (const auto& t : texts) benchmark::DoNotOptimize(tokenizer.encode(t).data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * texts.size()));
}
BENCHMARK(BM_Tokenizer)->Name("bert_tokenizer")->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
  if (std::getenv("OMP_NUM_THREADS") == nullptr) omp_set_num_threads(2);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
