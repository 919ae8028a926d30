// Reads MOO test files (optionally gzip-compressed). Any problem with a file -- unreadable,
// truncated, corrupt -- is a MooError whose message is one line naming what and where.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <vector>

#include "tests/singlestep/byte_reader.h"
#include "tests/singlestep/moo_test.h"

namespace trapeze {

// The whole file, gunzipped when it starts with the gzip magic, as it is otherwise.
std::vector<uint8_t> read_maybe_gzipped(const std::filesystem::path& path);
// The same for bytes already read.
std::vector<uint8_t> maybe_gunzip(std::vector<uint8_t> raw);

// Parses a decompressed MOO image.
MooFile parse_moo(std::span<const uint8_t> data);

inline MooFile read_moo_file(const std::filesystem::path& path) {
  return parse_moo(read_maybe_gzipped(path));
}

}  // namespace trapeze
