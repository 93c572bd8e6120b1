// The `sageguard._native` extension: pybind11 glue over engine.h. Arguments
// are copied into C++ strings while the GIL is held, the work runs with the
// GIL released (so threads check in parallel), and results come back as
// tuples the pure-Python layer wraps. No C++ exception crosses into Python:
// engine.h returns errors as values and the glue below catches the rest.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <charconv>
#include <cmath>
#include <string>

#include "engine.h"
#include "value_to_python.h"

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

// A boto3 request (dict, list, str, int, float, bool, None) as JSON text,
// written straight from the Python objects (json.dumps builds a Python
// string per value and was two thirds of the gate's time). Other values
// (datetime, bytes) go through `fallback`, the Python function that encodes
// them as botocore's JSON protocol does. Needs the GIL.
class JsonFromPython {
 public:
  explicit JsonFromPython(PyObject* fallback) : fallback_(fallback) {}

  // False with why() set for what cannot be sent (NaN, lone surrogates,
  // unknown types, non-string keys, nesting deeper than 500).
  bool write(PyObject* o, int depth = 0) {
    if (depth > 500) return fail("the request nests deeper than 500 levels");
    if (o == Py_None) return put("null");
    if (o == Py_True) return put("true");
    if (o == Py_False) return put("false");
    if (PyUnicode_Check(o)) return string(o);
    if (PyLong_Check(o)) return integer(o);
    if (PyFloat_Check(o)) return real(PyFloat_AS_DOUBLE(o));
    if (PyDict_Check(o)) {
      out_ += '{';
      PyObject* key = nullptr;
      PyObject* value = nullptr;
      Py_ssize_t pos = 0;
      bool first = true;
      while (PyDict_Next(o, &pos, &key, &value)) {
        if (!first) out_ += ',';
        first = false;
        if (!PyUnicode_Check(key)) return fail("a member name is not a string");
        if (!string(key)) return false;
        out_ += ':';
        if (!write(value, depth + 1)) return false;
      }
      out_ += '}';
      return true;
    }
    if (PyList_Check(o) || PyTuple_Check(o)) {
      const bool list = PyList_Check(o);
      const Py_ssize_t n = list ? PyList_GET_SIZE(o) : PyTuple_GET_SIZE(o);
      out_ += '[';
      for (Py_ssize_t i = 0; i < n; ++i) {
        if (i) out_ += ',';
        if (!write(list ? PyList_GET_ITEM(o, i) : PyTuple_GET_ITEM(o, i), depth + 1)) return false;
      }
      out_ += ']';
      return true;
    }
    PyObject* encoded = PyObject_CallFunctionObjArgs(fallback_, o, nullptr);
    if (!encoded) return python_error();
    converted_ = true;
    const bool ok = write(encoded, depth + 1);
    Py_DECREF(encoded);
    return ok;
  }

  std::string& text() { return out_; }
  const std::string& why() const { return why_; }
  bool converted() const { return converted_; }

 private:
  bool put(const char* s) {
    out_ += s;
    return true;
  }
  bool fail(std::string why) {
    why_ = std::move(why);
    return false;
  }
  // The pending Python exception's message becomes why(); it is cleared.
  bool python_error() {
    PyObject *type = nullptr, *value = nullptr, *tb = nullptr;
    PyErr_Fetch(&type, &value, &tb);
    why_ = "a value cannot be sent to SageMaker";
    if (value) {
      if (PyObject* s = PyObject_Str(value)) {
        if (const char* u = PyUnicode_AsUTF8(s)) why_ = u;
        Py_DECREF(s);
      }
    }
    Py_XDECREF(type);
    Py_XDECREF(value);
    Py_XDECREF(tb);
    PyErr_Clear();
    return false;
  }
  bool string(PyObject* o) {
    Py_ssize_t n = 0;
    const char* u = PyUnicode_AsUTF8AndSize(o, &n);
    if (!u) {
      PyErr_Clear();
      return fail("a string is not valid Unicode (a lone surrogate)");
    }
    out_ += '"';
    static const char* hex = "0123456789abcdef";
    for (Py_ssize_t i = 0; i < n; ++i) {
      const auto c = static_cast<unsigned char>(u[i]);
      switch (c) {
        case '"': out_ += "\\\""; break;
        case '\\': out_ += "\\\\"; break;
        case '\n': out_ += "\\n"; break;
        case '\r': out_ += "\\r"; break;
        case '\t': out_ += "\\t"; break;
        default:
          if (c < 0x20) {
            out_ += "\\u00";
            out_ += hex[c >> 4];
            out_ += hex[c & 15];
          } else {
            out_ += static_cast<char>(c);
          }
      }
    }
    out_ += '"';
    return true;
  }
  bool integer(PyObject* o) {
    int overflow = 0;
    const long long v = PyLong_AsLongLongAndOverflow(o, &overflow);
    if (overflow == 0 && !(v == -1 && PyErr_Occurred())) {
      char buf[24];
      auto r = std::to_chars(buf, buf + sizeof buf, v);
      out_.append(buf, r.ptr);
      return true;
    }
    PyErr_Clear();
    PyObject* s = PyObject_Str(o);  // beyond 64 bits: Python's own digits
    if (!s) return python_error();
    Py_ssize_t n = 0;
    const char* u = PyUnicode_AsUTF8AndSize(s, &n);
    if (u) out_.append(u, static_cast<size_t>(n));
    Py_DECREF(s);
    return u ? true : python_error();
  }
  bool real(double d) {
    if (!std::isfinite(d)) return fail("NaN and infinite numbers cannot be sent");
    char* s = PyOS_double_to_string(d, 'r', 0, Py_DTSF_ADD_DOT_0, nullptr);  // as json.dumps
    if (!s) return python_error();
    out_ += s;
    PyMem_Free(s);
    return true;
  }

  PyObject* fallback_;
  std::string out_;
  std::string why_;
  bool converted_ = false;
};

// The fixed request for Python: new objects built from the engine's tree,
// or (rarely) the text for json.loads; None when unchanged, or when changed
// but neither can be had (a tree that is not JSON's, and no text).
py::object fixed_request(const sg::FixOut& out) {
  if (!out.changed) return py::none();
  if (out.document) {
    if (PyObject* o = sg::to_python(*out.document)) return py::reinterpret_steal<py::object>(o);
  }
  if (out.text.empty()) return py::none();
  return py::str(out.text);
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
  // The JSON text the engine is given for `request` -> (text, why it cannot
  // be sent or ""); for tests and debugging.
  m.def("request_json", [](const py::object& request, const py::object& fallback) {
    JsonFromPython json(fallback.ptr());
    const bool ok = json.write(request.ptr());
    return py::make_tuple(ok ? json.text() : std::string(), json.why());
  });
  // From the request object itself -> (findings, error, why it cannot be
  // sent or "").
  m.def("check_request", [](const py::object& request, const std::string& kind,
                            const Handle& policy, const std::string& region,
                            const std::string& label, const py::object& fallback) {
    JsonFromPython json(fallback.ptr());
    if (!json.write(request.ptr())) return py::make_tuple(py::list(), "", json.why());
    sg::CheckOut out;
    {
      py::gil_scoped_release release;
      out = sg::check_request(json.text(), kind, *policy.policy, region, label);
    }
    return py::make_tuple(findings_list(out.findings), out.error, "");
  });
  // -> (fixed request or None, changes, not_applied, findings, error, why it
  // cannot be sent or "", whether datetime/bytes were converted); the fixed
  // request is a dict of new objects, or its JSON text when it could not be
  // built directly. `share`: the dict holds request's own objects wherever
  // fix left them as they were (only containers on edited paths are new).
  m.def("fix_request", [](const py::object& request, const std::string& kind,
                          const Handle& policy, const std::string& region,
                          const std::string& label, const py::object& fallback, bool share) {
    JsonFromPython json(fallback.ptr());
    if (!json.write(request.ptr())) {
      return py::make_tuple(py::none(), py::list(), py::list(), py::list(), "", json.why(), false);
    }
    sg::FixOut out;
    {
      py::gil_scoped_release release;
      out = sg::fix_request(json.text(), kind, *policy.policy, region, label, /*as_tree=*/true);
    }
    py::object fixed;
    if (share && out.document && out.original) {
      if (PyObject* o = sg::to_python_sharing(*out.document, *out.original, request.ptr())) {
        fixed = py::reinterpret_steal<py::object>(o);
      }
    }
    if (!fixed) fixed = fixed_request(out);
    if (fixed.is_none() && out.changed) {
      // The tree could not be made Python objects and no text was written:
      // the same fix again, as text.
      {
        py::gil_scoped_release release;
        out = sg::fix_request(json.text(), kind, *policy.policy, region, label);
      }
      fixed = fixed_request(out);
    }
    return py::make_tuple(fixed, out.changes, out.not_applied,
                          findings_list(out.remaining.findings), out.remaining.error, "",
                          json.converted());
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
