#pragma once
// Limits of the RecommendationEngine that automation has to respect when it asks for candidates.

#include <cstddef>

#include "engine/recommendation_engine.h"

namespace mxn::automation {

/// The largest top_k RecommendationEngine::recommend accepts.
inline constexpr std::size_t kEngineMaxTopK = engine::kMaxTopK;
/// Candidates asked of the engine per list entry, so that filters (artist cap, MMR) have room to choose.
inline constexpr std::size_t kCandidateFactor = 5;

}  // namespace mxn::automation
