#include "frontend/text_watch.h"

namespace trapeze {

void StreamWatch::feed(char c) {
  tail_.push_back(c);
  if (tail_.size() > 2 * kKeepBytes) {
    const size_t drop = tail_.size() - kKeepBytes;
    tail_.erase(0, drop);
    searched_ = searched_ > drop ? searched_ - drop : 0;
  }
}

bool StreamWatch::contains_new(std::string_view text) const {
  if (text.empty()) return true;
  // A match may begin up to text.size() - 1 bytes before the unsearched part.
  const size_t overlap = text.size() - 1;
  const size_t from = searched_ > overlap ? searched_ - overlap : 0;
  return std::string_view(tail_).substr(from).find(text) != std::string_view::npos;
}

void StreamWatch::clear() {
  tail_.clear();
  searched_ = 0;
}

}  // namespace trapeze
