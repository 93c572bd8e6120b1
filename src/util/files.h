// File access used across the library: size-checked reads (refuse before
// allocating) and atomic writes (temp file in the same folder + fsync +
// rename, so a crash or full disk never leaves a half-written target).
// Functions are thread-safe; they share no state.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "sageguard/result.h"

namespace sageguard {

// Read a whole file; an ErrorCode::input error if it is larger than
// `max_size`, an ErrorCode::io error if it cannot be read.
Result<std::string> read_file_limited(const std::string& path, uint64_t max_size);

// The bytes of a file, read into memory or mapped read-only. Move-only.
//
// Why not always a std::string: on the virtual machines sageguard runs on in
// CI, the first touch of each fresh 4 KiB page traps to the hypervisor, which
// is the dominant cost of reading a large file. Files from 8 MiB are read into
// anonymous memory that asks for 2 MiB pages; files from 1 MiB are mapped
// (sharing the page-cache pages; huge pages gain nothing there, see
// BENCHMARKS.md). The catch of mapped input is the usual one: if another
// process truncates the file while we read it, access beyond the new end
// raises SIGBUS. We accept that for files being checked (as grep-like tools
// do) and map only regular files of that middle size.
class FileText {
 public:
  FileText() = default;
  explicit FileText(std::string s) : owned_(std::move(s)), view_(owned_) {}
  FileText(FileText&& o) noexcept { *this = std::move(o); }
  FileText& operator=(FileText&& o) noexcept;
  FileText(const FileText&) = delete;
  FileText& operator=(const FileText&) = delete;
  ~FileText();

  std::string_view view() const { return view_; }

 private:
  friend Result<FileText> read_file_text(const std::string& path, uint64_t max_size);
  void unmap();
  std::string owned_;
  void* map_ = nullptr;  // a file mapping or the huge-page buffer; munmap()ed either way
  size_t map_size_ = 0;
  std::string_view view_;
};

// read_file_limited's checks and errors; regular files from 8 MiB are read
// into huge pages, from 1 MiB mapped, the rest read into a string.
Result<FileText> read_file_text(const std::string& path, uint64_t max_size);

// Regular files below folder `dir` (recursively) that `keep` accepts, sorted
// so that output built from them is stable. ErrorCode::io if the folder
// cannot be walked ("cannot list folder: ...").
Result<std::vector<std::string>> list_files_sorted(
    const std::string& dir, const std::function<bool(const std::filesystem::path&)>& keep);

// Replace `path` with `content` atomically: a temporary file in the same
// folder, fsync, rename. A symlink is written through (its final target is
// replaced, the link kept); the original's owner, group and mode are kept.
// A file with other hard links is rewritten in place instead (after making
// room for the content), since a rename would split it from its other
// names; so is one whose owner this process cannot give a new file.
// Devices and pipes are written directly. On failure the original is
// untouched (except in place, where a failed write can leave it partly
// written) and no temp file is left behind.
Status write_file_atomic(const std::string& path, std::string_view content);

// write_file_atomic's file, written in pieces: nothing replaces the
// original before commit(); a writer destroyed without a successful
// commit() removes its temporary file. Not thread-safe; move-only.
class AtomicWriter {
 public:
  static Result<AtomicWriter> open(const std::string& path);
  AtomicWriter(AtomicWriter&& o) noexcept;
  AtomicWriter& operator=(AtomicWriter&&) = delete;
  AtomicWriter(const AtomicWriter&) = delete;
  ~AtomicWriter();

  // Reserves `size` bytes up front (in place: so that a full disk fails
  // before the original is overwritten).
  Status reserve(uint64_t size);
  Status write(std::string_view piece);
  Status commit();

 private:
  enum class Mode { temp, in_place, direct };
  AtomicWriter() = default;
  Error fail(const std::string& what, int err) const;
  std::string path_;    // as given, for errors
  std::string target_;  // symlinks resolved: the file replaced
  std::string temp_;    // Mode::temp only
  Mode mode_ = Mode::temp;
  int fd_ = -1;
  uint64_t written_ = 0;
  bool committed_ = false;
};

}  // namespace sageguard
