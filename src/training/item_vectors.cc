#include "training/item_vectors.h"

#include <algorithm>
#include <numeric>
#include <unordered_map>
#include <vector>

#include "core/log.h"
#include "text/hash.h"
#include "warehouse/warehouse.h"

namespace mxn::training {

namespace {

constexpr std::size_t kBatch = 512;  // texts per encode() call and per write-back transaction

}  // namespace

std::string item_text(const warehouse::CatalogItem& item) {
  std::string tags;
  for (const auto& tag : item.tags) {
    if (tag.empty()) continue;
    if (!tags.empty()) tags += ", ";
    tags += tag;
  }
  std::string out;
  for (const std::string* part : {&item.title, &item.description, static_cast<const std::string*>(&tags)}) {
    if (part->empty()) continue;
    if (!out.empty()) out += ". ";
    out += *part;
  }
  return out;
}

ItemVectors build_item_vectors(warehouse::Warehouse& warehouse, const std::string& domain, const IdMap& items,
                               text::TextEncoder& encoder,
                               const std::function<void(std::size_t, std::size_t)>& on_batch) {
  std::unordered_map<std::string, warehouse::CatalogItem> catalog;
  for (auto& item : warehouse.list_items(domain)) {
    std::string id = item.item_id;
    catalog.emplace(std::move(id), std::move(item));
  }
  const std::size_t n = items.size();
  std::vector<std::string> texts(n);
  std::vector<const warehouse::CatalogItem*> stored(n, nullptr);
  std::vector<std::string> nonempty;
  for (std::size_t i = 0; i < n; ++i) {
    auto it = catalog.find(items.name(static_cast<std::int32_t>(i)));
    if (it == catalog.end()) continue;
    stored[i] = &it->second;
    texts[i] = item_text(it->second);
    if (!texts[i].empty()) nonempty.push_back(texts[i]);
  }
  encoder.fit(nonempty);
  nonempty.clear();
  const std::string fingerprint = encoder.fingerprint();

  ItemVectors out;
  out.vectors = text::EmbeddingMatrix(n, encoder.dim());
  std::vector<std::size_t> todo;
  std::vector<std::string> hashes(n);
  for (std::size_t i = 0; i < n; ++i) {
    if (texts[i].empty()) {
      ++out.blank;
      continue;
    }
    hashes[i] = text::hex64(text::hash_bytes(texts[i]));
    const warehouse::CatalogItem* s = stored[i];
    if (s->embedding && s->text_hash == hashes[i] && s->encoder_fingerprint == fingerprint &&
        s->embedding->size() == encoder.dim()) {
      std::copy(s->embedding->begin(), s->embedding->end(), out.vectors.row(i).begin());
      ++out.reused;
    } else {
      todo.push_back(i);
    }
  }
  catalog.clear();

  // Similar lengths share a batch, so a padded (minilm) batch wastes little.
  std::stable_sort(todo.begin(), todo.end(), [&](std::size_t a, std::size_t b) { return texts[a].size() < texts[b].size(); });
  for (std::size_t start = 0; start < todo.size(); start += kBatch) {
    const std::size_t end = std::min(todo.size(), start + kBatch);
    std::vector<std::string> batch;
    for (std::size_t q = start; q < end; ++q) batch.push_back(texts[todo[q]]);
    const text::EmbeddingMatrix encoded = encoder.encode(batch);
    std::vector<warehouse::ItemEmbedding> rows;
    for (std::size_t q = start; q < end; ++q) {
      const std::size_t i = todo[q];
      const auto v = encoded.row(q - start);
      std::copy(v.begin(), v.end(), out.vectors.row(i).begin());
      rows.push_back({.item_id = items.name(static_cast<std::int32_t>(i)),
                      .embedding = std::vector<float>(v.begin(), v.end()),
                      .text_hash = hashes[i],
                      .encoder_fingerprint = fingerprint});
    }
    warehouse.set_item_embeddings(domain, rows);
    out.encoded += end - start;
    if (on_batch) on_batch(out.encoded, todo.size());
    log::debug("train.item_vectors", "domain", domain, "encoded", out.encoded, "of", todo.size());
  }
  log::info("train.item_vectors", "domain", domain, "encoder", encoder.name(), "items", n, "encoded", out.encoded,
            "reused", out.reused, "blank", out.blank);
  return out;
}

}  // namespace mxn::training
