#include "core/log.h"

#include <spdlog/sinks/stdout_color_sinks.h>

#include "core/error.h"

namespace mxn::log {

void to_stderr() {
  spdlog::set_default_logger(spdlog::stderr_color_mt("mxn"));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
}

void set_level(std::string_view level) {
  auto parsed = spdlog::level::from_str(std::string(level));
  if (parsed == spdlog::level::off && level != "off") {
    throw Error(Code::kInvalidArgument, "unknown log level '" + std::string(level) + "'", "log_level");
  }
  spdlog::set_level(parsed);
}

}  // namespace mxn::log
