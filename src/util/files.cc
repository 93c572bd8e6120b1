#include "util/files.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include <fmt/format.h>

#include "util/memory.h"

namespace sageguard {

namespace {

std::string errno_text(int e) { return std::strerror(e); }

// Closes a descriptor on scope exit.
struct Fd {
  int fd = -1;
  explicit Fd(int f) : fd(f) {}
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
};

}  // namespace

// Opens `path` for reading and refuses directories and regular files over
// `max_size` before anything is read.
static Status open_checked(const std::string& path, uint64_t max_size, Fd& f, struct stat& st) {
  f.fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (f.fd < 0) {
    Error e = Error::make(ErrorCode::io, fmt::format("cannot open: {}", errno_text(errno)));
    e.file = path;
    return e;
  }
  if (::fstat(f.fd, &st) != 0) {
    Error e = Error::make(ErrorCode::io, fmt::format("cannot stat: {}", errno_text(errno)));
    e.file = path;
    return e;
  }
  if (S_ISDIR(st.st_mode)) {
    Error e = Error::make(ErrorCode::input, "is a directory");
    e.file = path;
    return e;
  }
  if (S_ISREG(st.st_mode) && static_cast<uint64_t>(st.st_size) > max_size) {
    Error e = Error::make(ErrorCode::input,
                          fmt::format("file is {} bytes, over the limit of {} bytes "
                                      "(raise it with --max-file-size)",
                                      static_cast<uint64_t>(st.st_size), max_size));
    e.file = path;
    return e;
  }
  return Status::success();
}

static Result<std::string> read_open_file(const std::string& path, uint64_t max_size, Fd& f,
                                          const struct stat& st) {
  std::string out;
  if (S_ISREG(st.st_mode)) {
    out.reserve(static_cast<size_t>(st.st_size));
    advise_huge_pages(out.data(), out.capacity());
  }
  char buf[1 << 16];
  for (;;) {
    ssize_t n = ::read(f.fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      Error e = Error::make(ErrorCode::io, fmt::format("read failed: {}", errno_text(errno)));
      e.file = path;
      return e;
    }
    if (n == 0) break;
    // Pipes and special files have no size up front: enforce while reading.
    if (out.size() + static_cast<uint64_t>(n) > max_size) {
      Error e = Error::make(ErrorCode::input,
                            fmt::format("input is over the limit of {} bytes", max_size));
      e.file = path;
      return e;
    }
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

Result<std::string> read_file_limited(const std::string& path, uint64_t max_size) {
  Fd f(-1);
  struct stat st {};
  SG_TRY(open_checked(path, max_size, f, st));
  return read_open_file(path, max_size, f, st);
}

FileText& FileText::operator=(FileText&& o) noexcept {
  if (this == &o) return *this;
  unmap();
  const bool owned = o.map_ == nullptr;
  owned_ = std::move(o.owned_);
  map_ = o.map_;
  map_size_ = o.map_size_;
  view_ = owned ? std::string_view(owned_) : o.view_;
  o.map_ = nullptr;
  o.map_size_ = 0;
  o.view_ = {};
  return *this;
}

FileText::~FileText() { unmap(); }

void FileText::unmap() {
  if (map_) ::munmap(map_, map_size_);
  map_ = nullptr;
  map_size_ = 0;
}

// Reads a regular file of `size` bytes into fresh memory that asks for
// transparent huge pages. On the VMs measured in BENCHMARKS.md the first
// touch of every 4 KiB page costs a trap to the hypervisor, whether the page
// is mapped from the page cache or freshly allocated; with 2 MiB pages the
// kernel's copy in read() is most of the cost (35 MB: ~10 ms against ~23 ms
// for a populated file mapping). Returns nullptr (errno set) on failure.
static void* read_into_huge_pages(int fd, size_t size, size_t& mapped, size_t& got) {
  auto* buf = static_cast<char*>(map_huge_pages(size, mapped));
  if (buf == nullptr) return nullptr;
  got = 0;
  while (got < size) {
    ssize_t n = ::read(fd, buf + got, size - got);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::munmap(buf, mapped);
      errno = err;
      return nullptr;
    }
    if (n == 0) break;  // truncated since fstat: keep what is there
    got += static_cast<size_t>(n);
  }
  return buf;
}

Result<FileText> read_file_text(const std::string& path, uint64_t max_size) {
  constexpr uint64_t kMapFrom = 1 << 20;
  constexpr uint64_t kHugeFrom = 8 << 20;
  Fd f(-1);
  struct stat st {};
  SG_TRY(open_checked(path, max_size, f, st));
  if (S_ISREG(st.st_mode) && static_cast<uint64_t>(st.st_size) >= kHugeFrom) {
    size_t mapped = 0;
    size_t got = 0;
    void* p = read_into_huge_pages(f.fd, static_cast<size_t>(st.st_size), mapped, got);
    if (p == nullptr) {
      Error e = Error::make(ErrorCode::io, fmt::format("read failed: {}", errno_text(errno)));
      e.file = path;
      return e;
    }
    FileText t;
    t.map_ = p;
    t.map_size_ = mapped;
    t.view_ = std::string_view(static_cast<const char*>(p), got);
    return t;
  }
  if (S_ISREG(st.st_mode) && static_cast<uint64_t>(st.st_size) >= kMapFrom) {
    const auto size = static_cast<size_t>(st.st_size);
    void* p = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, f.fd, 0);
    if (p != MAP_FAILED) {
      FileText t;
      t.map_ = p;
      t.map_size_ = size;
      t.view_ = std::string_view(static_cast<const char*>(p), size);
      return t;
    }
    // Not mappable (some file systems): read it instead.
  }
  SG_ASSIGN_OR_RETURN(std::string text, read_open_file(path, max_size, f, st));
  return FileText(std::move(text));
}

Result<std::vector<std::string>> list_files_sorted(
    const std::string& dir, const std::function<bool(const std::filesystem::path&)>& keep) {
  namespace fs = std::filesystem;
  std::vector<std::string> files;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file(ec) && keep(it->path())) files.push_back(it->path().string());
  }
  if (ec) return Error::at(ErrorCode::io, dir, 0, 0, "cannot list folder: " + ec.message());
  std::sort(files.begin(), files.end());
  return files;
}

Status write_file_atomic(const std::string& path, const std::string& content) {
  namespace fs = std::filesystem;
  fs::path target(path);
  fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  std::string tmpl =
      (dir / fmt::format(".{}.sageguard-XXXXXX", target.filename().string())).string();
  auto fail = [&](const std::string& what, int err) {
    Error e = Error::make(ErrorCode::io, fmt::format("{}: {}", what, errno_text(err)));
    e.file = path;
    return e;
  };
  // A device or pipe (-o /dev/stdout, /dev/null) cannot be replaced by a
  // rename, and must not be: as root that would swap the device node for a
  // regular file. Write to it directly.
  struct stat existing {};
  if (::stat(path.c_str(), &existing) == 0 && !S_ISREG(existing.st_mode)) {
    Fd out(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
    if (out.fd < 0) return fail("cannot open", errno);
    const char* p = content.data();
    size_t left = content.size();
    while (left > 0) {
      ssize_t n = ::write(out.fd, p, left);
      if (n < 0) {
        if (errno == EINTR) continue;
        return fail("write failed", errno);
      }
      p += n;
      left -= static_cast<size_t>(n);
    }
    return Status::success();
  }
  int fd = ::mkstemp(tmpl.data());
  if (fd < 0) return fail("cannot create temporary file", errno);
  Fd guard(fd);
  auto cleanup_fail = [&](const std::string& what) {
    int err = errno;
    ::unlink(tmpl.c_str());
    return fail(what, err);
  };
  struct stat st {};
  mode_t mode = 0644;
  if (::stat(path.c_str(), &st) == 0) {
    mode = st.st_mode & 07777;
  } else {
    mode_t um = ::umask(0);
    ::umask(um);
    mode = 0666 & ~um;
  }
  if (::fchmod(fd, mode) != 0) return cleanup_fail("cannot set permissions");
  const char* p = content.data();
  size_t left = content.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return cleanup_fail("write failed");
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) return cleanup_fail("fsync failed");
  if (::close(fd) != 0) {
    guard.fd = -1;
    return cleanup_fail("close failed");
  }
  guard.fd = -1;
  if (::rename(tmpl.c_str(), path.c_str()) != 0) return cleanup_fail("cannot replace file");
  return Status::success();
}

}  // namespace sageguard
