// Parsers for the values of command-line options: sizes, counts, durations and the
// files the machine will read. Each returns the message for the user on failure, so
// the option parser can pass it on unchanged.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace trapeze {

// Guest RAM as QEMU's -m spells it: MiB by default, or a number with suffix M or G.
[[nodiscard]] std::optional<std::string> parse_memory_mib(std::string_view text, uint64_t& mib);

// A plain decimal count, as for --max-instructions.
[[nodiscard]] std::optional<std::string> parse_count(std::string_view text, std::string_view option,
                                                     uint64_t& count);

// A non-negative, finite number of seconds, fractions allowed ("2.5").
[[nodiscard]] std::optional<std::string> parse_seconds(std::string_view text,
                                                       std::string_view option, double& seconds);

// Checks up front that an input file exists, is a readable regular file and is not
// empty, so the user hears about a typo before the machine is built. `what` names it
// in the message ("BIOS image").
[[nodiscard]] std::optional<std::string> check_input_file(const std::string& path,
                                                          std::string_view what);

// Checks up front that a file the run will write (--screenshot, --trace) can be
// written: not a directory, in a folder that exists and is writable. `option` names it
// in the message. Nothing is created.
[[nodiscard]] std::optional<std::string> check_output_file(const std::string& path,
                                                           std::string_view option);

}  // namespace trapeze
