#include "core/log.h"

#include <spdlog/sinks/base_sink.h>
#include <unistd.h>

#include <cstdio>
#include <mutex>

#include "core/error.h"
#include "core/terminal.h"

namespace mxn {

namespace {

std::mutex terminal_mutex;  // stderr: the status line and the log lines around it
std::string status_line;    // on screen now ("" = none)

/// stderr, coloured by level on a terminal, keeping the status line below the log lines.
class StderrSink final : public spdlog::sinks::base_sink<std::mutex> {
 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    spdlog::memory_buf_t text;
    formatter_->format(msg, text);
    static const bool tty = ::isatty(STDERR_FILENO) == 1;
    std::lock_guard lock(terminal_mutex);
    if (!status_line.empty()) std::fputs("\r\033[K", stderr);
    if (tty && msg.color_range_end > msg.color_range_start) {
      static constexpr const char* kColors[] = {
          "\033[37m", "\033[36m", "\033[32m", "\033[33m\033[1m", "\033[31m\033[1m", "\033[1m\033[41m", ""};
      std::fwrite(text.data(), 1, msg.color_range_start, stderr);
      std::fputs(kColors[msg.level], stderr);
      std::fwrite(text.data() + msg.color_range_start, 1, msg.color_range_end - msg.color_range_start,
                  stderr);
      std::fputs("\033[0m", stderr);
      std::fwrite(text.data() + msg.color_range_end, 1, text.size() - msg.color_range_end, stderr);
    } else {
      std::fwrite(text.data(), 1, text.size(), stderr);
    }
    if (!status_line.empty()) std::fputs(status_line.c_str(), stderr);
    std::fflush(stderr);
  }
  void flush_() override { std::fflush(stderr); }
};

}  // namespace

namespace terminal {

void show_status(const std::string& line) {
  std::lock_guard lock(terminal_mutex);
  std::fputs("\r\033[K", stderr);
  std::fputs(line.c_str(), stderr);
  std::fflush(stderr);
  status_line = line;
}

void end_status() {
  std::lock_guard lock(terminal_mutex);
  if (status_line.empty()) return;
  std::fputc('\n', stderr);
  std::fflush(stderr);
  status_line.clear();
}

}  // namespace terminal

namespace log {

void to_stderr() {
  spdlog::set_default_logger(std::make_shared<spdlog::logger>("mxn", std::make_shared<StderrSink>()));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
}

void set_level(std::string_view level) {
  auto parsed = spdlog::level::from_str(std::string(level));
  if (parsed == spdlog::level::off && level != "off") {
    throw Error(Code::kInvalidArgument, "unknown log level '" + std::string(level) + "'", "log_level");
  }
  spdlog::set_level(parsed);
}

}  // namespace log
}  // namespace mxn
