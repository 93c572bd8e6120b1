// `sageguard policy init | show | export`: one policy, handed to every place
// that enforces it (IAM, SCPs, the SageMaker Python SDK's defaults).
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <filesystem>
#include <memory>
#include <ostream>

#include "cli/common.h"
#include "sageguard/policy_export.h"
#include "util/files.h"

namespace sageguard::cli {

namespace {

struct PolicyFlags {
  std::optional<std::string> policy;
  std::optional<std::string> output;
  std::string format;
  bool force = false;
  std::string init_path = "sageguard.yaml";
};

int run_init(Io& io, const PolicyFlags& f) {
  const std::string& path = f.output.value_or(f.init_path);
  if (path != "-" && std::filesystem::exists(path) && !f.force) {
    return report_error(io, Error::at(ErrorCode::usage, path, 0, 0,
                                      "already exists; use --force to overwrite it"));
  }
  if (Status s = emit_output(io, path == "-" ? std::nullopt : std::optional(path),
                             default_policy_yaml());
      !s.ok()) {
    return report_error(io, s.error());
  }
  if (path != "-") io.err << "wrote " << path << " (the built-in policy; fill in your account values)\n";
  return 0;
}

int run_show(Io& io, const PolicyFlags& f) {
  auto policy = load_effective_policy(f.policy);
  if (!policy.ok()) return report_error(io, policy.error());
  std::string body = fmt::format("# effective policy: {}\n", policy->source) + show_policy(*policy);
  if (Status s = emit_output(io, f.output, body); !s.ok()) return report_error(io, s.error());
  return 0;
}

void print_notes(Io& io, const std::vector<std::string>& notes, const char* what) {
  if (notes.empty()) return;
  io.err << "sageguard: note: " << what << ":\n";
  for (const auto& n : notes) io.err << "  - " << n << "\n";
}

// Several SCP documents: FILE gets the first, FILE-2, FILE-3... the rest.
Status write_documents(Io& io, const std::optional<std::string>& output,
                       const std::vector<std::string>& docs) {
  if (docs.size() == 1 || !output) {
    std::string body;
    if (docs.size() == 1) {
      body = docs[0] + "\n";
    } else {
      body = "[\n";
      for (size_t i = 0; i < docs.size(); ++i) body += docs[i] + (i + 1 < docs.size() ? ",\n" : "\n");
      body += "]\n";
    }
    return emit_output(io, output, body);
  }
  std::filesystem::path base(*output);
  for (size_t i = 0; i < docs.size(); ++i) {
    std::string name = base.string();
    if (i > 0) name = (base.parent_path() / (base.stem().string() + "-" + std::to_string(i + 1) +
                                             base.extension().string()))
                          .string();
    SG_TRY(write_file_atomic(name, docs[i] + "\n"));
  }
  io.err << fmt::format("wrote {} documents ({} and its -2..-{} siblings); attach all of them\n",
                        docs.size(), *output, docs.size());
  return Status::success();
}

int run_export(Io& io, const PolicyFlags& f) {
  auto policy = load_effective_policy(f.policy);
  if (!policy.ok()) return report_error(io, policy.error());
  std::vector<std::string> notes;
  Status written;
  if (f.format == "iam") {
    auto doc = export_iam(*policy, &notes);
    if (!doc.ok()) return report_error(io, doc.error());
    written = emit_output(io, f.output, *doc + "\n");
    print_notes(io, notes, "IAM cannot enforce these; sageguard check/launch does");
  } else if (f.format == "scp") {
    auto docs = export_scp(*policy, &notes);
    if (!docs.ok()) return report_error(io, docs.error());
    written = write_documents(io, f.output, *docs);
    print_notes(io, notes, "SCPs cannot enforce these; sageguard check/launch does");
  } else {
    auto doc = export_sdk_config(*policy, &notes);
    if (!doc.ok()) return report_error(io, doc.error());
    written = emit_output(io, f.output, *doc);
    print_notes(io, notes, "the SDK config cannot carry these");
  }
  if (!written.ok()) return report_error(io, written.error());
  return 0;
}

}  // namespace

Command policy_command() {
  return {"policy", "Write, show or export the policy (init | show | export)",
          [](CLI::App& sub) -> Handler {
            auto f = std::make_shared<PolicyFlags>();
            sub.require_subcommand(1);
            CLI::App* init = sub.add_subcommand("init", "Write the built-in policy as a commented "
                                                        "starting point (./sageguard.yaml)");
            init->add_option("-o,--output", f->output, "Where to write it (- for stdout)");
            init->add_flag("--force", f->force, "Overwrite an existing file");

            CLI::App* show = sub.add_subcommand(
                "show", "Print the effective policy and where each value came from");
            show->add_option("--policy", f->policy, "Policy file");
            show->add_option("-o,--output", f->output, "Write to FILE");

            CLI::App* exp = sub.add_subcommand(
                "export", "Export the policy as IAM, SCP or SageMaker SDK defaults");
            exp->add_option("--policy", f->policy, "Policy file");
            exp->add_option("--format", f->format, "iam | scp | sdk-config")
                ->required()
                ->check(CLI::IsMember({"iam", "scp", "sdk-config"}));
            exp->add_option("-o,--output", f->output, "Write to FILE (atomically)");

            return [f, init, show](Io& io) {
              if (init->parsed()) return run_init(io, *f);
              if (show->parsed()) return run_show(io, *f);
              return run_export(io, *f);
            };
          }};
}

}  // namespace sageguard::cli
