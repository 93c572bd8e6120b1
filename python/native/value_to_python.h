// A parsed request as the Python objects json.loads would give for its text
// (dicts in member order, int for a number written without fraction or
// exponent, float otherwise, str), built from the tree the engine already
// parsed instead of parsing the text again. Needs the GIL; the Document is
// immutable, so it may be shared with other threads meanwhile.
#pragma once

#include <Python.h>

#include "sageguard/document.h"

namespace sageguard::python {

// A new reference, or nullptr with no Python error pending when some value
// cannot be built this way (the caller then falls back to json.loads).
PyObject* to_python(const Document& doc);

// to_python for a fixed request whose parse before the fix is `original`
// and whose Python objects before it are `request` (original's text was
// written from them): wherever `fixed` holds a value of original's tree
// unchanged (fix/tree_edit.h shares them), the object in `request` at that
// place is used, not a new one, so only the containers on the paths to
// edits are new. The request's objects are shared, never modified.
PyObject* to_python_sharing(const Document& fixed, const Document& original, PyObject* request);

}  // namespace sageguard::python
