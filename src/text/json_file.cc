#include "text/json_file.h"

#include <fstream>
#include <sstream>

namespace mxn::text {

nlohmann::json read_json_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(Code::kNotFound, "missing file " + path.string());
  std::ostringstream text;
  text << in.rdbuf();
  nlohmann::json json;
  try {
    json = nlohmann::json::parse(text.str());
  } catch (const nlohmann::json::exception& e) {
    throw Error(Code::kCorrupt, path.string() + " is not valid JSON: " + e.what());
  }
  if (!json.is_object()) throw Error(Code::kCorrupt, path.string() + " is not a JSON object");
  return json;
}

}  // namespace mxn::text
