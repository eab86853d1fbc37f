#pragma once
// The status line at the bottom of a terminal (progress of long work), and log lines printed above it:
// log::to_stderr()'s sink clears the status line, writes the log line, and draws the status line again, so
// the two never end up glued on one line. Both write stderr under one lock.

#include <string>

namespace mxn::terminal {

/// Shows `line` as the status line (replacing the one shown).
void show_status(const std::string& line);
/// Ends the status line: it stays on screen as it is, and what follows starts on a new line.
void end_status();

}  // namespace mxn::terminal
