#pragma once
// The item vectors of a domain's embedding model: computed from the catalog text and cached in the catalog.
//
// An item's text is its title, description and tags (item_text()). The encoder is first fitted on the texts
// of the domain's items (the hashing encoder learns its IDF from them; minilm learns nothing). Then an item
// whose stored embedding was computed from the same text (text_hash) by the same encoder (fingerprint) keeps
// it; every other item is encoded, in batches of similar length, and its vector written back to the
// catalog (Warehouse::set_item_embeddings) batch by batch, so an unchanged item is never encoded twice by
// the same encoder, even across failed runs. With the hashing encoder a change to the catalog's texts
// changes the IDF and so the fingerprint, and every item is re-encoded (about 150,000 texts/s); minilm's
// fingerprint depends only on its model folder.

#include <cstddef>
#include <functional>
#include <string>

#include "core/id_map.h"
#include "text/text_encoder.h"
#include "warehouse/records.h"

namespace mxn::warehouse {
class Warehouse;
}

namespace mxn::training {

struct ItemVectors {
  text::EmbeddingMatrix vectors;  // items.size() x encoder.dim(); row i = item i of the IdMap
  std::size_t encoded = 0;        // items encoded by this call
  std::size_t reused = 0;         // items whose stored vector was current
  std::size_t blank = 0;          // items without any text (zero rows)
};

/// Vectors for every item of `items` (the domain's IdMap; items missing from the catalog are blank).
/// Fits `encoder` on the non-empty texts first.
/// `on_batch(encoded, to_encode)`, when given, after each batch of texts encoded.
ItemVectors build_item_vectors(warehouse::Warehouse& warehouse, const std::string& domain, const IdMap& items,
                               text::TextEncoder& encoder,
                               const std::function<void(std::size_t, std::size_t)>& on_batch = {});

/// The text an item is encoded from: its title, description and tags, the non-empty ones joined by ". ".
std::string item_text(const warehouse::CatalogItem& item);

}  // namespace mxn::training
