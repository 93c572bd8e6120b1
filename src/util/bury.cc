#include "util/bury.h"

#include <mutex>
#include <vector>

namespace sageguard {

void bury_pointer(const void* p) {
  // The list itself is never destroyed either: a static's destructor at exit
  // would run before leak checking and drop the references.
  static std::mutex* lock = new std::mutex;
  static std::vector<const void*>* graveyard = new std::vector<const void*>;
  std::lock_guard<std::mutex> hold(*lock);
  graveyard->push_back(p);
}

}  // namespace sageguard
