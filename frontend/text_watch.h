// Watching a character stream (the serial console, the debug console) for texts, for
// --exit-on and --when. The stream's recent tail is kept, and each check searches only
// what arrived since the previous check (plus enough overlap for a text that straddles
// the two), so checking every slice costs nothing on a quiet console.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace trapeze {

class StreamWatch {
 public:
  void feed(char c);
  // Whether `text` arrived since the last clear(). Check every pattern you care about
  // before calling advance().
  bool contains_new(std::string_view text) const;
  // Marks everything fed so far as searched.
  void advance() { searched_ = tail_.size(); }
  // Forgets everything fed so far: later checks see only later output.
  void clear();

 private:
  // Bound on the tail kept. A text longer than kKeepBytes cannot be matched.
  static constexpr size_t kKeepBytes = 16 * 1024;
  std::string tail_;
  size_t searched_ = 0;  // prefix of tail_ already searched
};

}  // namespace trapeze
