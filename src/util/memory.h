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

// Fresh anonymous read-write memory for at least `n` bytes, rounded up to
// whole 2 MiB pages and starting on a 2 MiB boundary (only aligned 2 MiB
// ranges can be backed by huge pages), advised for transparent huge pages.
// Sets `mapped` to the size to munmap() later. nullptr (errno set) when the
// kernel refuses the mapping.
void* map_huge_pages(size_t n, size_t& mapped);

// Grows the main malloc heap by `n` bytes now, in memory advised for
// transparent huge pages, and keeps malloc from trimming it below that.
// For a program about to make many small allocations: check's findings on
// a large bundle are ~100,000 small strings, and a heap grown the usual way
// faults them in one 4 KiB page (one hypervisor trap) at a time. Process-
// wide (it changes malloc's settings), so programs call it, not the
// library. glibc only; elsewhere, or for n under 8 MiB, it does nothing.
void reserve_heap_in_huge_pages(size_t n);

// For a thread about to make many small allocations: asks for huge pages
// on the malloc heap that serves it, when that is a heap of its own (a
// thread arena) rather than the main one. Only a hint; glibc only. Check's
// pieces of a large bundle, checked on threads of their own, otherwise
// fault their findings in one 4 KiB page at a time (BENCHMARKS.md).
void advise_thread_heap_huge_pages();

}  // namespace sageguard
