// Entry point of the command-line tool: parses argv, dispatches to one
// command, returns the process exit code (0 ok, 1 findings, 2 bad input,
// 3 AWS failure). Everything is reported to the given streams, so tests can
// run commands in-process.
#pragma once

#include <iosfwd>

namespace sageguard::cli {

int run(int argc, char** argv);
int run(int argc, char** argv, std::ostream& out, std::ostream& err, bool out_is_tty);

}  // namespace sageguard::cli
