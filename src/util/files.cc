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

namespace {

// `path` with every symlink in its last component followed (a link to a
// link to a file: the file). A path that does not exist is returned as is.
Result<std::string> resolve_final_target(const std::string& path) {
  namespace fs = std::filesystem;
  std::string at = path;
  for (int hops = 0; hops < 40; ++hops) {
    struct stat lst {};
    if (::lstat(at.c_str(), &lst) != 0 || !S_ISLNK(lst.st_mode)) return at;
    std::string link(static_cast<size_t>(lst.st_size > 0 ? lst.st_size : 4096) + 1, '\0');
    const ssize_t n = ::readlink(at.c_str(), link.data(), link.size());
    if (n < 0 || static_cast<size_t>(n) >= link.size()) {
      Error e = Error::make(ErrorCode::io, fmt::format("cannot read symbolic link: {}",
                                                       errno_text(n < 0 ? errno : ENAMETOOLONG)));
      e.file = path;
      return e;
    }
    link.resize(static_cast<size_t>(n));
    const fs::path p(link);
    at = p.is_absolute() ? link : (fs::path(at).parent_path() / p).string();
  }
  Error e = Error::make(ErrorCode::io, fmt::format("cannot write: {}", errno_text(ELOOP)));
  e.file = path;
  return e;
}

// ".NAME.sg-XXXXXX" in the target's folder, with NAME cut so that the whole
// stays well under NAME_MAX (255) whatever the target's name.
std::string temp_template(const std::string& target) {
  namespace fs = std::filesystem;
  const fs::path t(target);
  const fs::path dir = t.has_parent_path() ? t.parent_path() : fs::path(".");
  std::string name = t.filename().string();
  if (name.size() > 64) name.resize(64);
  return (dir / fmt::format(".{}.sg-XXXXXX", name)).string();
}

Status write_all(int fd, std::string_view data, const std::function<Error(int)>& fail) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail(errno);
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return Status::success();
}

}  // namespace

Error AtomicWriter::fail(const std::string& what, int err) const {
  Error e = Error::make(ErrorCode::io, fmt::format("{}: {}", what, errno_text(err)));
  e.file = path_;
  return e;
}

Result<AtomicWriter> AtomicWriter::open(const std::string& path) {
  AtomicWriter w;
  w.path_ = path;
  // A device or pipe (-o /dev/stdout, /dev/null) cannot be replaced by a
  // rename, and must not be: as root that would swap the device node for a
  // regular file. Write to it directly.
  struct stat existing {};
  const bool exists = ::stat(path.c_str(), &existing) == 0;
  if (exists && !S_ISREG(existing.st_mode)) {
    w.mode_ = Mode::direct;
    w.fd_ = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (w.fd_ < 0) return w.fail("cannot open", errno);
    return w;
  }
  SG_ASSIGN_OR_RETURN(w.target_, resolve_final_target(path));
  if (exists && existing.st_nlink > 1) {
    // A rename would leave the other names with the old content.
    w.mode_ = Mode::in_place;
    w.fd_ = ::open(w.target_.c_str(), O_WRONLY | O_CLOEXEC);
    if (w.fd_ < 0) return w.fail("cannot open", errno);
    return w;
  }
  w.temp_ = temp_template(w.target_);
  w.fd_ = ::mkstemp(w.temp_.data());
  if (w.fd_ < 0) {
    const int err = errno;
    w.temp_.clear();
    return w.fail("cannot create temporary file", err);
  }
  ::fcntl(w.fd_, F_SETFD, FD_CLOEXEC);
  mode_t mode = 0;
  if (exists) {
    mode = existing.st_mode & 07777;
    // Keep owner and group (root fixing a user's file must not take it).
    // Who cannot give the new file the original's owner writes in place.
    if ((existing.st_uid != ::geteuid() || existing.st_gid != ::getegid()) &&
        ::fchown(w.fd_, existing.st_uid, existing.st_gid) != 0) {
      ::close(w.fd_);
      ::unlink(w.temp_.c_str());
      w.temp_.clear();
      w.mode_ = Mode::in_place;
      w.fd_ = ::open(w.target_.c_str(), O_WRONLY | O_CLOEXEC);
      if (w.fd_ < 0) return w.fail("cannot open", errno);
      return w;
    }
  } else {
    const mode_t um = ::umask(0);
    ::umask(um);
    mode = 0666 & ~um;
  }
  // After fchown, which may clear set-user-ID bits.
  if (::fchmod(w.fd_, mode) != 0) return w.fail("cannot set permissions", errno);
  return w;
}

AtomicWriter::AtomicWriter(AtomicWriter&& o) noexcept
    : path_(std::move(o.path_)),
      target_(std::move(o.target_)),
      temp_(std::move(o.temp_)),
      mode_(o.mode_),
      fd_(o.fd_),
      written_(o.written_),
      committed_(o.committed_) {
  o.fd_ = -1;
  o.temp_.clear();
}

AtomicWriter::~AtomicWriter() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_ && !temp_.empty()) ::unlink(temp_.c_str());
}

Status AtomicWriter::reserve(uint64_t size) {
  if (mode_ == Mode::direct || size == 0) return Status::success();
  const int err = ::posix_fallocate(fd_, 0, static_cast<off_t>(size));
  // Not every file system can; a full disk must stop us.
  if (err == ENOSPC || err == EDQUOT || err == EFBIG) return fail("cannot make room", err);
  return Status::success();
}

Status AtomicWriter::write(std::string_view piece) {
  SG_TRY(write_all(fd_, piece, [&](int err) { return fail("write failed", err); }));
  written_ += piece.size();
  return Status::success();
}

Status AtomicWriter::commit() {
  if (mode_ == Mode::direct) {
    committed_ = true;
    const int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) return fail("close failed", errno);
    return Status::success();
  }
  if (mode_ == Mode::in_place &&
      ::ftruncate(fd_, static_cast<off_t>(written_)) != 0) {
    return fail("cannot truncate", errno);
  }
  if (::fsync(fd_) != 0) return fail("fsync failed", errno);
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) return fail("close failed", errno);
  if (mode_ == Mode::temp && ::rename(temp_.c_str(), target_.c_str()) != 0) {
    return fail("cannot replace file", errno);
  }
  committed_ = true;
  return Status::success();
}

Status write_file_atomic(const std::string& path, std::string_view content) {
  SG_ASSIGN_OR_RETURN(AtomicWriter w, AtomicWriter::open(path));
  SG_TRY(w.reserve(content.size()));
  SG_TRY(w.write(content));
  return w.commit();
}

}  // namespace sageguard
