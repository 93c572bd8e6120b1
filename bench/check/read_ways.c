// Three ways to bring a large input into memory, timed with a first pass
// over every cache line (what a parser's first touch costs), for
// BENCHMARKS.md: read_ways FILE MODE
//   whole  - read() into fresh anonymous memory that asks for 2 MiB pages
//            (what check does today for files from 8 MiB)
//   mapped - mmap(MAP_POPULATE) of the file's page cache
//   window - read() 4 MiB at a time into one reused 2 MiB-page buffer
//            (what a streaming reader would do)
// Build: cc -O2 -o read_ways bench/check/read_ways.c
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static const size_t kHuge = 2u << 20;

// Anonymous memory of `size` bytes aligned to 2 MiB and advised for huge pages.
static char* huge_buffer(size_t size) {
  char* m = mmap(NULL, size + kHuge, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (m == MAP_FAILED) return NULL;
  char* a = (char*)(((size_t)m + kHuge - 1) & ~(kHuge - 1));
  madvise(a, size, MADV_HUGEPAGE);
  return a;
}

static unsigned long touch(const char* p, size_t n) {
  unsigned long sum = 0;
  for (size_t i = 0; i < n; i += 64) sum += (unsigned char)p[i];
  return sum;
}

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: read_ways FILE whole|mapped|window\n");
    return 2;
  }
  int fd = open(argv[1], O_RDONLY);
  struct stat st;
  if (fd < 0 || fstat(fd, &st) != 0) {
    perror(argv[1]);
    return 2;
  }
  const size_t n = (size_t)st.st_size;
  const char* mode = argv[2];
  unsigned long sum = 0;
  const double t0 = now_ms();
  if (strcmp(mode, "whole") == 0) {
    char* buf = huge_buffer((n + kHuge - 1) & ~(kHuge - 1));
    size_t off = 0;
    while (buf && off < n) {
      ssize_t r = read(fd, buf + off, n - off);
      if (r <= 0) break;
      off += (size_t)r;
    }
    sum = buf ? touch(buf, off) : 0;
  } else if (strcmp(mode, "mapped") == 0) {
    const char* p = mmap(NULL, n, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
    if (p != MAP_FAILED) sum = touch(p, n);
  } else if (strcmp(mode, "window") == 0) {
    const size_t cap = 4u << 20;
    char* buf = huge_buffer(cap);
    ssize_t r;
    while (buf && (r = read(fd, buf, cap)) > 0) sum += touch(buf, (size_t)r);
  } else {
    fprintf(stderr, "read_ways: unknown mode %s\n", mode);
    return 2;
  }
  printf("%-6s %8.2f ms (checksum %lu)\n", mode, now_ms() - t0, sum);
  return 0;
}
