// Checks that both run-time loader tests (curl_loader_test.cc,
// crypto_loader_test.cc) make of their process-wide tables.
#pragma once

#include <dlfcn.h>
#include <gtest/gtest.h>

#include <cstddef>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

namespace sgtest {

// A loaded table's entries, each with the C name it must come from.
using LoaderEntries = std::vector<std::pair<const char*, void*>>;

// `entries` lists every pointer of a table of `table_size` bytes, none is
// null, and each is what dlsym finds under its C name in `soname` (which the
// loader must already have loaded: RTLD_NOLOAD only looks).
inline void expect_entries_resolved_from(const char* soname, const LoaderEntries& entries,
                                         std::size_t table_size) {
  EXPECT_EQ(entries.size() * sizeof(void*), table_size) << "a table entry is not checked";
  void* lib = dlopen(soname, RTLD_NOW | RTLD_NOLOAD);
  ASSERT_NE(lib, nullptr) << "the table was built but " << soname << " is not loaded";
  for (const auto& [name, fn] : entries) {
    EXPECT_NE(fn, nullptr) << name;
    EXPECT_EQ(fn, dlsym(lib, name)) << name;
  }
  dlclose(lib);  // only drops the reference RTLD_NOLOAD took
}

// `get` (a loader's process-wide accessor, returning Result<const Table*>)
// hands six threads the same table as the first call.
template <typename Get>
void expect_same_table_from_threads(Get get) {
  auto first = get();
  ASSERT_TRUE(first.ok()) << first.error().message;
  using Table = std::remove_cvref_t<decltype(*first)>;  // const T*
  std::vector<Table> seen(6, nullptr);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < seen.size(); ++i) {
    threads.emplace_back([&seen, &get, i] {
      auto again = get();
      if (again.ok()) seen[i] = *again;
    });
  }
  for (auto& t : threads) t.join();
  for (const auto* table : seen) EXPECT_EQ(table, *first);
}

}  // namespace sgtest
