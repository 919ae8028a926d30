#include "frontend/cli_values.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <system_error>

namespace trapeze {
namespace {

// Whole-string decimal parse; from_chars alone accepts a valid prefix.
bool parse_decimal(std::string_view text, uint64_t& value) {
  if (text.empty()) return false;
  const char* end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, value);
  return error == std::errc() && stop == end;
}

}  // namespace

std::optional<std::string> parse_memory_mib(std::string_view text, uint64_t& mib) {
  const std::string malformed =
      fmt::format("malformed memory size '{}' (use MiB, or a suffix as in 512M or 2G)", text);
  uint64_t multiplier = 1;
  std::string_view digits = text;
  if (!digits.empty()) {
    switch (digits.back()) {
      case 'M':
      case 'm':
        digits.remove_suffix(1);
        break;
      case 'G':
      case 'g':
        multiplier = 1024;
        digits.remove_suffix(1);
        break;
      default:
        break;
    }
  }
  uint64_t value = 0;
  if (!parse_decimal(digits, value)) return malformed;
  if (value > std::numeric_limits<uint64_t>::max() / multiplier) {
    return fmt::format("memory size '{}' is too large", text);
  }
  if (value == 0) return "memory size must be at least 1 MiB";
  mib = value * multiplier;
  return std::nullopt;
}

std::optional<std::string> parse_count(std::string_view text, std::string_view option,
                                       uint64_t& count) {
  if (!parse_decimal(text, count)) {
    return fmt::format("malformed number '{}' for {} (use a whole decimal number)", text, option);
  }
  return std::nullopt;
}

std::optional<std::string> parse_seconds(std::string_view text, std::string_view option,
                                         double& seconds) {
  double value = 0;
  const char* end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, value);
  // from_chars also reads "inf" and "nan"; neither is a duration.
  if (text.empty() || error != std::errc() || stop != end || !std::isfinite(value) || value < 0) {
    return fmt::format("malformed number of seconds '{}' for {} (use a number such as 30 or 2.5)",
                       text, option);
  }
  seconds = value;
  return std::nullopt;
}

std::optional<std::string> check_input_file(const std::string& path, std::string_view what) {
  namespace fs = std::filesystem;
  const std::string named = fmt::format("{} '{}'", what, path);
  std::error_code error;
  const fs::file_status status = fs::status(path, error);
  if (error) return fmt::format("cannot open {}: {}", named, error.message());
  if (fs::is_directory(status)) return fmt::format("{} is a directory, not a file", named);
  // Only files and disks hold an image. A pipe would also block the open below until
  // someone writes to it, and /dev/null or /dev/zero have no size to boot from.
  if (!fs::is_regular_file(status) && !fs::is_block_file(status)) {
    return fmt::format("{} is {}, not a file", named,
                       fs::is_character_file(status) ? "a character device"
                       : fs::is_fifo(status)         ? "a pipe"
                       : fs::is_socket(status)       ? "a socket"
                                                     : "not a regular file");
  }
  // Opening is the only portable readability test; fopen sets errno on every host.
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) {
    return fmt::format("cannot read {}: {}", named, std::generic_category().message(errno));
  }
  std::fclose(file);
  // A block device is sized when opened (lseek); a regular file is checked here.
  if (fs::is_regular_file(status) && fs::file_size(path, error) == 0 && !error) {
    return fmt::format("{} is empty", named);
  }
  return std::nullopt;
}

std::optional<std::string> check_output_file(const std::string& path, std::string_view option) {
  namespace fs = std::filesystem;
  std::error_code error;
  const fs::file_status status = fs::status(path, error);
  if (fs::is_directory(status))
    return fmt::format("{} '{}' is a directory, not a file", option, path);
  const fs::path parent = fs::path(path).parent_path();
  const fs::path folder = parent.empty() ? fs::path(".") : parent;
  if (!fs::is_directory(folder, error))
    return fmt::format("{} '{}': the folder '{}' does not exist", option, path, folder.string());
  // The file itself is created only when there is something to write; a folder or file
  // the user cannot write to is worth hearing about now rather than after the run.
  const std::string probe = fs::exists(status) ? path : folder.string();
  if (::access(probe.c_str(), W_OK) != 0)
    return fmt::format("{} '{}': cannot write there: {}", option, path,
                       std::generic_category().message(errno));
  return std::nullopt;
}

}  // namespace trapeze
