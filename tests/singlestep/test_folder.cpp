#include "tests/singlestep/test_folder.h"

#include <cctype>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace trapeze {

namespace {

std::string read_text(const std::filesystem::path& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error(path.string() + ": cannot open");
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

uint16_t mask_of(const JsonValue& entry) {
  const JsonValue* m = entry.find("flags-mask");
  if (m == nullptr || !m->is_number()) return 0xFFFF;
  return static_cast<uint16_t>(static_cast<uint32_t>(m->number) & 0xFFFF);
}

}  // namespace

TestFolder TestFolder::load(const std::filesystem::path& folder) {
  TestFolder t;
  std::filesystem::path meta = folder / "metadata.json";
  if (std::filesystem::exists(meta)) {
    try {
      t.metadata_ = parse_json(read_text(meta));
    } catch (const JsonError& e) {
      throw std::runtime_error(meta.string() + ": " + e.what());
    }
  }
  std::filesystem::path revocations = folder / "revocation_list.txt";
  if (std::filesystem::exists(revocations)) {
    std::istringstream lines(read_text(revocations));
    std::string line;
    while (std::getline(lines, line)) {
      if (auto hash = line.find('#'); hash != std::string::npos) line.erase(hash);
      std::string h;
      for (char c : line)
        if (!std::isspace(static_cast<unsigned char>(c)))
          h += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (!h.empty()) t.revoked_.insert(h);
    }
  }
  return t;
}

uint16_t TestFolder::flags_mask(std::string_view opcode) const {
  if (!metadata_) return 0xFFFF;
  const JsonValue* opcodes = metadata_->find("opcodes");
  if (opcodes == nullptr) return 0xFFFF;
  size_t dot = opcode.find('.');
  const JsonValue* entry = opcodes->find(opcode.substr(0, dot));
  if (entry == nullptr) return 0xFFFF;
  // Group opcodes (80, F6, FF, ...) define flags per ModRM reg field.
  if (dot != std::string_view::npos) {
    const JsonValue* reg = entry->find("reg");
    const JsonValue* form = reg ? reg->find(opcode.substr(dot + 1)) : nullptr;
    if (form != nullptr) return mask_of(*form);
  }
  return mask_of(*entry);
}

}  // namespace trapeze
