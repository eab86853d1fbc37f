#include "cli/progress.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>

#include "core/log.h"

namespace mxn::cli {

Progress::Progress() : tty_(::isatty(STDERR_FILENO) == 1) {}

Progress::~Progress() { finish(); }

void Progress::update(const std::string& what, int step, int total, double loss) {
  const auto now = std::chrono::steady_clock::now();
  if (what != what_) {
    finish();
    what_ = what;
    started_ = now;
  }
  const double elapsed = std::chrono::duration<double>(now - started_).count();
  const double eta = step > 0 ? elapsed / step * (total - step) : 0.0;
  const std::string loss_text = std::isnan(loss) ? "" : fmt::format(" loss {:.5g}", loss);
  if (tty_) {
    std::fprintf(stderr, "\r\033[K%s  %d/%d%s  elapsed %.1fs  eta %.1fs", what.c_str(), step, total,
                 loss_text.c_str(), elapsed, eta);
    std::fflush(stderr);
    open_line_ = true;
  } else {
    log::info("progress", "what", what, "step", fmt::format("{}/{}", step, total), "loss",
              std::isnan(loss) ? std::string("-") : fmt::format("{:.5g}", loss), "elapsed",
              fmt::format("{:.1f}", elapsed));
  }
}

void Progress::finish() {
  if (tty_ && open_line_) std::fputc('\n', stderr);
  open_line_ = false;
}

}  // namespace mxn::cli
