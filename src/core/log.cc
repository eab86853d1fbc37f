#include "core/log.h"

#include "core/error.h"

namespace mxn::log {

void set_level(std::string_view level) {
  auto parsed = spdlog::level::from_str(std::string(level));
  if (parsed == spdlog::level::off && level != "off") {
    throw Error(Code::kInvalidArgument, "unknown log level '" + std::string(level) + "'", "log_level");
  }
  spdlog::set_level(parsed);
}

}  // namespace mxn::log
