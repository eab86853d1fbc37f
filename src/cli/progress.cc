#include "cli/progress.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cmath>

#include "core/log.h"
#include "core/terminal.h"

namespace mxn::cli {

Progress::Progress() : tty_(::isatty(STDERR_FILENO) == 1) {}

Progress::~Progress() { finish(); }

void Progress::update(const std::string& what, int step, int total, double loss) {
  const auto now = std::chrono::steady_clock::now();
  if (what != what_) {
    finish();
    what_ = what;
    started_ = now;
    first_step_ = step;
  }
  const double elapsed = std::chrono::duration<double>(now - started_).count();
  // The pace of the steps seen so far (the first one only marks the start): steady, unlike a guess per step.
  const std::string eta = step > first_step_
                              ? fmt::format("{:.1f}s", elapsed / (step - first_step_) * (total - step))
                              : std::string("-");
  const std::string loss_text = std::isnan(loss) ? "" : fmt::format(" loss {:.5g}", loss);
  if (tty_) {
    terminal::show_status(
        fmt::format("{}  {}/{}{}  elapsed {:.1f}s  eta {}", what, step, total, loss_text, elapsed, eta));
  } else {
    log::info("progress", "what", what, "step", fmt::format("{}/{}", step, total), "loss",
              std::isnan(loss) ? std::string("-") : fmt::format("{:.5g}", loss), "elapsed",
              fmt::format("{:.1f}", elapsed));
  }
}

void Progress::finish() {
  if (tty_) terminal::end_status();
}

}  // namespace mxn::cli
