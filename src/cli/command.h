// The command table: each command file provides one Command. A command's
// `setup` declares its flags on a CLI11 subcommand and returns the handler
// that runs after parsing. Handlers make one library call, pick a reporter
// and return an exit code.
#pragma once

#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

#include "util/clock.h"

namespace CLI {
class App;
}

namespace sageguard::cli {

struct Io {
  std::ostream& out;
  std::ostream& err;
  bool out_is_tty = false;
  // --today / SAGEGUARD_TODAY, resolved before a handler runs: handlers take
  // dates from here, never from the system clock.
  Clock clock;
};

using Handler = std::function<int(Io&)>;

struct Command {
  const char* name;
  const char* summary;
  std::function<Handler(CLI::App& sub)> setup;
};

// The commands, in the order `--help` lists them.
std::vector<Command> commands();

Command check_command();
Command fix_command();
Command policy_command();
Command estimate_command();
Command launch_command();
Command deploy_command();
Command audit_command();
Command cost_command();
Command roi_command();
Command whoami_command();

}  // namespace sageguard::cli
