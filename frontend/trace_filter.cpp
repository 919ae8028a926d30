#include "frontend/trace_filter.h"

#include <charconv>

namespace trapeze {

void TraceFilter::console_output(char c) {
  if (armed()) return;
  // On a mismatch, fall back to the longest prefix of the text that is still a suffix of
  // what was seen (so "aab" is found in "aaab"); trigger texts are short.
  const std::string& t = spec_.on_text;
  while (matched_ > 0 && t[matched_] != c) {
    // Longest proper prefix of t[0..matched_) that is also its suffix.
    size_t k = matched_ - 1;
    while (k > 0 && t.compare(0, k, t, matched_ - k, k) != 0) --k;
    matched_ = k;
  }
  if (t[matched_] == c) ++matched_;
}

bool TraceFilter::selects(uint64_t count, uint64_t linear_eip, unsigned cpl) const {
  if (!armed() || exhausted()) return false;
  if (count < spec_.from) return false;
  if (spec_.range_first && (linear_eip < *spec_.range_first || linear_eip > *spec_.range_last))
    return false;
  if (spec_.cpl && cpl != *spec_.cpl) return false;
  return true;
}

namespace {
bool parse_hex(std::string_view s, uint64_t& out) {
  if (s.starts_with("0x") || s.starts_with("0X")) s.remove_prefix(2);
  if (s.empty()) return false;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out, 16);
  return ec == std::errc{} && end == s.data() + s.size();
}
}  // namespace

bool parse_address_range(std::string_view text, uint64_t& first, uint64_t& last) {
  const size_t dash = text.find('-');
  if (dash == std::string_view::npos) return false;
  return parse_hex(text.substr(0, dash), first) && parse_hex(text.substr(dash + 1), last) &&
         first <= last;
}

}  // namespace trapeze
