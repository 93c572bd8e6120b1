#include "cli/cli.h"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <optional>

#include "cli/command.h"
#include "cli/common.h"
#include "sageguard/sageguard.h"
#include "util/strings.h"

namespace sageguard::cli {

namespace {

// "sageguard 0.1.0" and the build's optional features, one line.
std::string version_text() {
  std::string features;
  for (const auto& f : sageguard::features()) features += (features.empty() ? "" : ", ") + f;
  return fmt::format("sageguard {}\noptional features: {}", sageguard::version(),
                     features.empty() ? "none" : features);
}

// --today on a command and on each of its own subcommands (policy show...),
// all setting the one date.
void add_today_option(CLI::App& command, std::optional<std::string>& today) {
  command.add_option("--today", today,
                     "Take this date (YYYY-MM-DD, UTC) as today: waiver expiry, cost's \"now\" "
                     "(default: $SAGEGUARD_TODAY, else the system clock)");
  for (CLI::App* sub : command.get_subcommands({})) add_today_option(*sub, today);
}

}  // namespace

std::vector<Command> commands() {
  return {check_command(), fix_command(),  estimate_command(), launch_command(), deploy_command(),
          audit_command(), cost_command(), roi_command(),      policy_command(),
          whoami_command()};
}

int run(int argc, char** argv) {
  return run(argc, argv, std::cout, std::cerr, ::isatty(STDOUT_FILENO) == 1);
}

int run(int argc, char** argv, std::ostream& out, std::ostream& err, bool out_is_tty) {
  Io io{out, err, out_is_tty};
  CLI::App app{"sageguard: SageMaker best practices as the path of least resistance, and what "
               "every project and experiment costs."};
  app.set_version_flag("--version", version_text());
  app.require_subcommand(1);
  app.fallthrough(false);

  std::vector<std::pair<CLI::App*, Handler>> handlers;
  std::vector<std::string> names;
  std::optional<std::string> today;
  for (auto& c : commands()) {
    CLI::App* sub = app.add_subcommand(c.name, c.summary);
    handlers.emplace_back(sub, c.setup(*sub));
    add_today_option(*sub, today);
    names.emplace_back(c.name);
  }
  // An unknown first word is the commonest mistake; say what was meant.
  if (argc > 1 && argv[1][0] != '-' &&
      std::find(names.begin(), names.end(), argv[1]) == names.end()) {
    std::string msg = fmt::format("unknown command '{}'", argv[1]);
    if (auto near = closest_match(argv[1], names)) msg += fmt::format(" (did you mean '{}'?)", *near);
    err << "sageguard: error: " << terminal_safe(msg) << "\nRun 'sageguard --help' for usage.\n";
    return 2;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    out << app.help();
    return 0;
  } catch (const CLI::CallForAllHelp& e) {
    out << app.help("", CLI::AppFormatMode::All);
    return 0;
  } catch (const CLI::CallForVersion& e) {
    out << e.what() << "\n";
    return 0;
  } catch (const CLI::ParseError& e) {
    err << "sageguard: error: " << terminal_safe(e.what()) << "\n";
    err << "Run 'sageguard --help' for usage.\n";
    return 2;
  }
  auto clock = clock_from(today, std::getenv("SAGEGUARD_TODAY"));
  if (!clock.ok()) {
    err << "sageguard: error: " << clock.error().message << "\n";
    return 2;
  }
  io.clock = *clock;
  for (auto& [sub, handler] : handlers) {
    if (!sub->parsed()) continue;
    const int code = handler(io);
    // A report lost to a full disk or a closed pipe behind stdout is a
    // failure, whatever the command. (A command that failed already said why.)
    if (code < 2) {
      if (Status s = check_output(io); !s.ok()) return report_error(io, s.error());
    }
    return code;
  }
  err << "sageguard: error: no command given\n";
  return 2;
}

}  // namespace sageguard::cli
