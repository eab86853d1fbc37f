// Fuzz target: a model file (the model.bin of a stored version, checksum aside) given to the model reader,
// then, when it loads, served from: recommendations for a few users' rows and similar items. Promises: a
// damaged file is an mxn::Error (kCorrupt) and never a crash; a file that loads serves without reading out
// of bounds (the sanitizers check) and answers with items it knows.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "core/log.h"
#include "models/registry.h"

namespace {

using namespace mxn;

void fail(const std::string& what) {
  std::fprintf(stderr, "fuzz_model_file: %s\n", what.c_str());
  std::abort();
}

/// The items of a served list must be ones the model knows, in order, never excluded.
void check(const std::vector<models::ScoredItem>& list, ItemIndex n_items, std::size_t k,
           const models::ItemFilter& exclude) {
  if (list.size() > k) fail("more items than asked for");
  for (const auto& s : list) {
    if (s.item < 0 || s.item >= n_items) fail("an item the model does not know: " + std::to_string(s.item));
    if (exclude.excludes(s.item)) fail("an excluded item");
  }
}

void serve(const models::Recommender& model) {
  const ItemIndex n = model.n_items();
  const std::vector<std::vector<ItemIndex>> rows = {{}, {0}, {0, n / 2, n - 1}, {n - 1, n + 5}};
  for (const auto& items : rows) {
    std::vector<ItemIndex> sorted;
    for (ItemIndex i : items) {
      if (i >= 0 && (sorted.empty() || i > sorted.back())) sorted.push_back(i);
    }
    const std::vector<float> weights(sorted.size(), 1.0f);
    const data::SparseRow row{sorted, weights};
    const auto exclude = models::ItemFilter::of_row(row);
    try {
      check(model.recommend(row, 10, exclude), n, 10, exclude);
    } catch (const Error&) {
    }
  }
  for (ItemIndex item : {ItemIndex{0}, n - 1, n}) {
    try {
      const auto similar = model.similar_items(item, 10);
      check(similar, n, 10, models::ItemFilter({item}));
    } catch (const Error&) {
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const bool quiet = (log::set_level("error"), true);
  (void)quiet;
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  std::unique_ptr<models::Recommender> model;
  try {
    models::ModelReader reader(in, std::nullopt);
    model = models::make_empty_recommender(reader.header().type_name);
    model->load(reader);
  } catch (const Error& e) {
    if (e.code() != Code::kCorrupt) fail(std::string("a damaged file that is not kCorrupt: ") + e.what());
    return 0;
  }
  if (!model->is_fitted()) fail("a model that loaded but is not fitted");
  serve(*model);
  return 0;
}
