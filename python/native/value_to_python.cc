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

// A new list of `n` items, item i from `item_at(i)` (a new reference or
// nullptr); nullptr if any item failed.
template <class F>
PyObject* list_of(size_t n, F&& item_at) {
  PyObject* list = PyList_New(static_cast<Py_ssize_t>(n));
  if (!list) return nullptr;
  for (size_t i = 0; i < n; ++i) {
    PyObject* item = item_at(i);
    if (!item) {
      Py_DECREF(list);
      return nullptr;
    }
    PyList_SET_ITEM(list, static_cast<Py_ssize_t>(i), item);  // steals
  }
  return list;
}

// A new dict of `obj`'s members, each value from `item_for(key object, member)`
// (a new reference or nullptr); nullptr if any key or value failed.
template <class F>
PyObject* dict_of(const Value& obj, F&& item_for) {
  PyObject* dict = PyDict_New();
  if (!dict) return nullptr;
  for (const Member& m : obj.members()) {
    PyObject* k = string(m.first);
    PyObject* item = k ? item_for(k, m) : nullptr;
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
      return list_of(items.size(), [&](size_t i) { return convert(items[i], text); });
    }
    case ValueType::object:
      return dict_of(v, [&](PyObject*, const Member& m) { return convert(m.second, text); });
  }
  return nullptr;
}

// The same value of the same parse: a container with the same members or
// items in memory, a scalar at the same place with the same content.
bool unchanged(const Value& v, const Value& orig) {
  if (v.type() != orig.type() || v.offset() != orig.offset()) return false;
  switch (v.type()) {
    case ValueType::null: return true;
    case ValueType::boolean: return v.as_bool() == orig.as_bool();
    case ValueType::number:
      return v.as_number() == orig.as_number() && v.is_integral() == orig.is_integral();
    case ValueType::string:
      return v.as_string().data() == orig.as_string().data() &&
             v.as_string().size() == orig.as_string().size();
    case ValueType::array:
      return v.items().data() == orig.items().data() && v.items().size() == orig.items().size();
    case ValueType::object:
      return v.members().data() == orig.members().data() &&
             v.members().size() == orig.members().size();
  }
  return false;
}

// `orig` and `py` are what stood at v's place before the fix (either may be
// null: a value fix added). A new reference, or nullptr.
PyObject* convert_sharing(const Value& v, const Value* orig, PyObject* py, std::string_view text) {
  if (orig == nullptr || py == nullptr) return convert(v, text);
  if (unchanged(v, *orig)) {
    // Only where the object is what the JSON was written from as that kind
    // (a request changed by another thread meanwhile gets new objects).
    const bool fits = v.is_object()  ? PyDict_Check(py)
                      : v.is_array() ? PyList_Check(py) || PyTuple_Check(py)
                                     : true;
    if (fits) {
      Py_INCREF(py);
      return py;
    }
    return convert(v, text);
  }
  if (v.is_object() && orig->is_object() && PyDict_Check(py)) {
    return dict_of(v, [&](PyObject* k, const Member& m) -> PyObject* {
      const Value* before = orig->find(m.first);
      PyObject* was = before ? PyDict_GetItemWithError(py, k) : nullptr;  // borrowed
      return PyErr_Occurred() ? nullptr : convert_sharing(m.second, before, was, text);
    });
  }
  const bool sequence = PyList_Check(py) || PyTuple_Check(py);
  if (v.is_array() && orig->is_array() && sequence &&
      static_cast<size_t>(PySequence_Fast_GET_SIZE(py)) == orig->items().size()) {
    const auto items = v.items();
    const auto before = orig->items();
    return list_of(items.size(), [&](size_t i) {
      return i < before.size()
                 ? convert_sharing(items[i], &before[i],
                                   PySequence_Fast_GET_ITEM(py, static_cast<Py_ssize_t>(i)), text)
                 : convert(items[i], text);
    });
  }
  return convert(v, text);
}

}  // namespace

PyObject* to_python_sharing(const Document& fixed, const Document& original, PyObject* request) {
  if (fixed.format() != SourceFormat::json || fixed.deferred() ||
      original.format() != SourceFormat::json || original.deferred()) {
    return nullptr;
  }
  PyObject* out = convert_sharing(fixed.root(), &original.root(), request, fixed.text());
  if (!out) PyErr_Clear();
  return out;
}

PyObject* to_python(const Document& doc) {
  // Only JSON: a YAML scalar's type rules are not json.loads's.
  if (doc.format() != SourceFormat::json || doc.deferred()) return nullptr;
  PyObject* out = convert(doc.root(), doc.text());
  if (!out) PyErr_Clear();
  return out;
}

}  // namespace sageguard::python
