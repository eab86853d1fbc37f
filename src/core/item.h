#pragma once
// A catalog item as the edges see it (API, import, seed). Domain-specific fields live in metadata:
// tasks carry due_date, priority, estimate_minutes, status; songs artist, album; movies year.

#include <string>
#include <vector>

namespace mxn {

struct Item {
  std::string domain;
  std::string item_id;
  std::string title;
  std::string description;
  std::vector<std::string> tags;  // genres, topics
  std::string metadata;           // a JSON object as text, or empty
};

}  // namespace mxn
