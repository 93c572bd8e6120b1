#include "value_to_python.h"

#include <cmath>
#include <string>
#include <string_view>

namespace sageguard::python {

namespace {

// Below 2^53 the parsed double is the written integer exactly.
constexpr double kExactInteger = 9007199254740992.0;

bool number_char(char c) {
  return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
}

PyObject* number(const Value& v, std::string_view text) {
  const double d = v.as_number();
  if (v.is_integral() && std::fabs(d) < kExactInteger) {
    return PyLong_FromLongLong(static_cast<long long>(d));
  }
  // Larger integers and every fraction: the token's own characters, read
  // as json.loads reads them (int(), float()), so no digit is lost.
  const uint64_t at = v.offset();
  if (at >= text.size()) return nullptr;
  size_t end = static_cast<size_t>(at);
  while (end < text.size() && number_char(text[end])) ++end;
  const std::string token(text.substr(static_cast<size_t>(at), end - static_cast<size_t>(at)));
  if (token.empty()) return nullptr;
  if (v.is_integral()) return PyLong_FromString(token.c_str(), nullptr, 10);
  char* stop = nullptr;
  const double f = PyOS_string_to_double(token.c_str(), &stop, nullptr);
  if ((f == -1.0 && PyErr_Occurred()) || stop != token.c_str() + token.size()) return nullptr;
  return PyFloat_FromDouble(f);
}

PyObject* string(std::string_view s) {
  return PyUnicode_DecodeUTF8(s.data(), static_cast<Py_ssize_t>(s.size()), "strict");
}

PyObject* convert(const Value& v, std::string_view text) {
  switch (v.type()) {
    case ValueType::null: Py_RETURN_NONE;
    case ValueType::boolean:
      if (v.as_bool()) Py_RETURN_TRUE;
      Py_RETURN_FALSE;
    case ValueType::number: return number(v, text);
    case ValueType::string: return string(v.as_string());
    case ValueType::array: {
      const auto items = v.items();
      PyObject* list = PyList_New(static_cast<Py_ssize_t>(items.size()));
      if (!list) return nullptr;
      for (size_t i = 0; i < items.size(); ++i) {
        PyObject* item = convert(items[i], text);
        if (!item) {
          Py_DECREF(list);
          return nullptr;
        }
        PyList_SET_ITEM(list, static_cast<Py_ssize_t>(i), item);  // steals
      }
      return list;
    }
    case ValueType::object: {
      PyObject* dict = PyDict_New();
      if (!dict) return nullptr;
      for (const auto& [key, value] : v.members()) {
        PyObject* k = string(key);
        PyObject* item = k ? convert(value, text) : nullptr;
        const bool ok = item && PyDict_SetItem(dict, k, item) == 0;
        Py_XDECREF(k);
        Py_XDECREF(item);
        if (!ok) {
          Py_DECREF(dict);
          return nullptr;
        }
      }
      return dict;
    }
  }
  return nullptr;
}

}  // namespace

PyObject* to_python(const Document& doc) {
  // Only JSON: a YAML scalar's type rules are not json.loads's.
  if (doc.format() != SourceFormat::json || doc.deferred()) return nullptr;
  PyObject* out = convert(doc.root(), doc.text());
  if (!out) PyErr_Clear();
  return out;
}

}  // namespace sageguard::python
