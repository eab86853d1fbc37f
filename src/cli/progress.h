#pragma once
// Progress of long work: on a terminal, the status line (core/terminal.h) redrawn in place (what, step/total,
// loss, elapsed, ETA; each task, e.g. "movies/collab als (final fit)", timed from its own first step), with
// log lines printed above it; otherwise plain log lines.

#include <chrono>
#include <string>

namespace mxn::cli {

class Progress {
 public:
  Progress();
  ~Progress();
  /// Step `step` of `total` of `what` is done; `loss` NaN when there is none.
  void update(const std::string& what, int step, int total, double loss);
  /// Ends the current line (on a terminal).
  void finish();

 private:
  bool tty_;
  std::string what_;
  int first_step_ = 0;  // the step of what_'s first update, when started_ was taken
  std::chrono::steady_clock::time_point started_;
};

}  // namespace mxn::cli
