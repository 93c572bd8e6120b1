// Memory hints. On the virtual machines this runs on, the first touch of
// each 4 KiB page traps to the hypervisor, which costs more than filling the
// page; large buffers ask for transparent huge pages instead.
#pragma once

#include <cstddef>

namespace sageguard {

// Asks for huge pages on the 2 MiB-aligned interior of [p, p + n) when n is
// at least 8 MiB. A hint: ignored where transparent huge pages are off, and
// harmless for memory that malloc will hand out again.
void advise_huge_pages(void* p, size_t n);

}  // namespace sageguard
