// consumer POLICY_FILE REQUEST_FILE TODAY: reads both files into memory and
// checks the request text with the embedding API, printing one line per
// finding ("rule severity line:column path") and the waived count; exit
// status as the CLI's (0 clean, 1 errors, 2 bad input).
#include <sageguard/sageguard.h>

#include <fstream>
#include <iostream>
#include <sstream>

static std::string slurp(const char* path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: consumer POLICY REQUEST TODAY\n";
    return 2;
  }
  sageguard::Result<sageguard::Policy> policy = sageguard::parse_policy(argv[1], slurp(argv[1]));
  if (!policy) {
    std::cerr << policy.error().describe() << '\n';
    return 2;
  }
  sageguard::CheckOptions opts;
  opts.today = argv[3];
  const std::string text = slurp(argv[2]);
  sageguard::Result<sageguard::CheckResult> r = sageguard::check_text(argv[2], text, *policy, opts);
  if (!r) {
    std::cerr << r.error().describe() << '\n';
    return sageguard::exit_code_for(r.error());
  }
  bool errors = false;
  for (const sageguard::Finding& f : r->findings) {
    std::cout << f.rule << ' ' << sageguard::to_string(f.severity) << ' ' << f.line << ':'
              << f.column << ' ' << f.path << '\n';
    errors = errors || f.severity == sageguard::Severity::error;
  }
  std::cout << "waived " << r->waived.size() << '\n';
  std::cout << "version " << sageguard::version() << '\n';
  return errors ? 1 : 0;
}
