// The `sageguard._native` extension: pybind11 glue over engine.h. Arguments
// are copied into C++ strings while the GIL is held, the work runs with the
// GIL released (so threads check in parallel), and results come back as
// tuples the pure-Python layer wraps. No C++ exception crosses into Python:
// engine.h returns errors as values and the glue below catches the rest.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "engine.h"

namespace py = pybind11;
namespace sg = sageguard::python;

namespace {

// A complete type for pybind11 to hold (engine.h keeps PolicyHandle opaque).
struct Handle {
  std::shared_ptr<const sg::PolicyHandle> policy;
};

// (policy or None, message, file, line, column)
py::tuple load_tuple(const sg::PolicyLoad& l) {
  py::object policy = l.policy ? py::cast(Handle{l.policy}) : py::none();
  return py::make_tuple(policy, l.error, l.file, l.line, l.column);
}

py::list findings_list(const std::vector<sg::OutFinding>& fs) {
  py::list out(fs.size());
  for (size_t i = 0; i < fs.size(); ++i) {
    const auto& f = fs[i];
    out[i] = py::make_tuple(f.rule, f.severity, f.message, f.path, f.sdk_parameter, f.remedy,
                            f.fixable, f.resource_kind, f.resource_name);
  }
  return out;
}

template <typename F>
sg::PolicyLoad without_gil(F&& f) {
  py::gil_scoped_release release;
  return f();
}

}  // namespace

PYBIND11_MODULE(_native, m) {
  m.doc() = "sageguard's rule engine (C++), for the sageguard Python package";
  m.attr("version") = SAGEGUARD_VERSION;

  py::class_<Handle>(m, "PolicyHandle")
      .def_property_readonly("source", [](const Handle& h) { return sg::policy_source(*h.policy); });

  m.def("load_policy_file", [](const std::string& path) {
    return load_tuple(without_gil([&] { return sg::load_policy_file(path); }));
  });
  m.def("parse_policy_text", [](const std::string& label, const std::string& text) {
    return load_tuple(without_gil([&] { return sg::parse_policy_text(label, text); }));
  });
  m.def("resolve_policy", [] { return load_tuple(without_gil([] { return sg::resolve_policy(); })); });
  m.def("known_kind", &sg::known_kind);

  // -> (findings, error)
  m.def("check", [](const std::string& json, const std::string& kind, const Handle& policy,
                    const std::string& region, const std::string& label) {
    sg::CheckOut out;
    {
      py::gil_scoped_release release;
      out = sg::check_request(json, kind, *policy.policy, region, label);
    }
    return py::make_tuple(findings_list(out.findings), out.error);
  });
  // -> (fixed text or None when unchanged, changes, not_applied, findings, error)
  m.def("fix", [](const std::string& json, const std::string& kind, const Handle& policy,
                  const std::string& region, const std::string& label) {
    sg::FixOut out;
    {
      py::gil_scoped_release release;
      out = sg::fix_request(json, kind, *policy.policy, region, label);
    }
    py::object text = out.changed ? py::object(py::str(out.text)) : py::object(py::none());
    return py::make_tuple(text, out.changes, out.not_applied, findings_list(out.remaining.findings),
                          out.remaining.error);
  });
}
