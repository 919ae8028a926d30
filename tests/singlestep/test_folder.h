// What the test files of one folder share: metadata.json (per-opcode masks of flags the
// instruction leaves undefined) and revocation_list.txt (tests found to be bad). Either
// may be absent: then nothing is masked and nothing is revoked.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "tests/singlestep/json.h"

namespace trapeze {

class TestFolder {
 public:
  // Throws std::runtime_error naming the file when one exists but cannot be read or parsed.
  static TestFolder load(const std::filesystem::path& folder);

  // The 16-bit mask of FLAGS bits the opcode defines, for a test file named `opcode`:
  // "XX", "XX.Y" (ModRM reg field Y) or "0FXX[.Y]". All ones when metadata says nothing.
  uint16_t flags_mask(std::string_view opcode) const;
  bool revoked(const std::string& hash_hex) const { return revoked_.count(hash_hex) != 0; }

  bool has_metadata() const { return metadata_.has_value(); }
  size_t revoked_count() const { return revoked_.size(); }

 private:
  std::optional<JsonValue> metadata_;
  std::set<std::string> revoked_;  // lower-case hex
};

}  // namespace trapeze
