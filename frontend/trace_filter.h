// Which instructions a trace shows: --trace-from N (instruction count), --trace-range A-B
// (linear EIP, inclusive), --trace-cpl 0|3, --trace-on TEXT (nothing until TEXT appears on
// the serial or debug console) and --trace-limit N (lines, then the trace stops).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace trapeze {

struct TraceFilterSpec {
  uint64_t from = 0;
  std::optional<uint64_t> range_first, range_last;
  std::optional<unsigned> cpl;
  std::string on_text;
  uint64_t limit = 0;  // 0: no limit
};

class TraceFilter {
 public:
  explicit TraceFilter(TraceFilterSpec spec) : spec_(std::move(spec)) {}

  // Every character the guest prints on a console, for --trace-on.
  void console_output(char c);
  // Before --trace-on's text has appeared, nothing is shown.
  bool armed() const { return matched_ == spec_.on_text.size(); }
  // Whether the instruction number `count` at `linear_eip`, run at `cpl`, is shown.
  bool selects(uint64_t count, uint64_t linear_eip, unsigned cpl) const;
  // A shown line counts toward --trace-limit.
  void shown() { ++lines_; }
  bool exhausted() const { return spec_.limit != 0 && lines_ >= spec_.limit; }
  const TraceFilterSpec& spec() const { return spec_; }

 private:
  TraceFilterSpec spec_;
  size_t matched_ = 0;  // characters of on_text seen so far
  uint64_t lines_ = 0;
};

// Parses "A-B" (hex with or without 0x) for --trace-range; false when malformed.
bool parse_address_range(std::string_view text, uint64_t& first, uint64_t& last);

}  // namespace trapeze
