// Test support for the run-time loaders' "not linked" guards: the DT_NEEDED
// entries of this executable (what it links directly) and the objects mapped
// into the process right now (what it links, directly or not, plus whatever
// was dlopen()ed). Header-only because the unit-test build compiles only
// *_test.cc files.
#pragma once

#include <elf.h>
#include <link.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace sgtest {

// DT_NEEDED entries of this test executable, read from the ELF file (64-bit).
inline std::vector<std::string> needed_libraries() {
  std::ifstream in("/proc/self/exe", std::ios::binary);
  std::string elf((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::string> out;
  if (elf.size() < sizeof(Elf64_Ehdr) || elf.compare(0, 4, ELFMAG) != 0 ||
      elf[EI_CLASS] != ELFCLASS64) {
    return out;
  }
  Elf64_Ehdr eh;
  std::memcpy(&eh, elf.data(), sizeof eh);
  auto section = [&](size_t i) {
    Elf64_Shdr sh;
    std::memcpy(&sh, elf.data() + eh.e_shoff + i * eh.e_shentsize, sizeof sh);
    return sh;
  };
  for (size_t i = 0; i < eh.e_shnum; ++i) {
    Elf64_Shdr dyn = section(i);
    if (dyn.sh_type != SHT_DYNAMIC) continue;
    Elf64_Shdr strtab = section(dyn.sh_link);
    for (size_t off = 0; off + sizeof(Elf64_Dyn) <= dyn.sh_size; off += sizeof(Elf64_Dyn)) {
      Elf64_Dyn d;
      std::memcpy(&d, elf.data() + dyn.sh_offset + off, sizeof d);
      if (d.d_tag == DT_NULL) break;
      if (d.d_tag == DT_NEEDED) out.emplace_back(elf.data() + strtab.sh_offset + d.d_un.d_val);
    }
  }
  return out;
}

// Paths of the shared objects mapped into this process now (the executable
// itself, which has an empty name, is left out).
inline std::vector<std::string> mapped_objects() {
  std::vector<std::string> out;
  dl_iterate_phdr(
      [](dl_phdr_info* info, size_t, void* data) {
        if (info->dlpi_name != nullptr && info->dlpi_name[0] != '\0') {
          static_cast<std::vector<std::string>*>(data)->emplace_back(info->dlpi_name);
        }
        return 0;
      },
      &out);
  return out;
}

// Whether a path's file name starts with `prefix` ("/usr/lib/libfoo.so.1", "libfoo").
inline bool file_name_starts_with(const std::string& path, const std::string& prefix) {
  const auto slash = path.rfind('/');
  const std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  return name.starts_with(prefix);
}

}  // namespace sgtest
