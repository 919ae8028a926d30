#include "devices/fw_cfg.h"

#include <fmt/format.h>

#include <stdexcept>

#include "cpu/log.h"

namespace trapeze {

namespace {

void put_le(std::vector<uint8_t>& out, uint64_t value, unsigned bytes) {
  for (unsigned i = 0; i < bytes; ++i) out.push_back(static_cast<uint8_t>(value >> (8 * i)));
}

void put_be(std::vector<uint8_t>& out, uint64_t value, unsigned bytes) {
  for (unsigned i = bytes; i-- > 0;) out.push_back(static_cast<uint8_t>(value >> (8 * i)));
}

std::vector<uint8_t> le_bytes(uint64_t value, unsigned bytes) {
  std::vector<uint8_t> out;
  put_le(out, value, bytes);
  return out;
}

}  // namespace

FwCfg::FwCfg(IoBus& io, uint64_t ram_bytes, uint16_t cpu_count, uint16_t max_cpus)
    : log_(log::component("fwcfg")),
      registration_(io.map("fw_cfg", kSelectorPort, kDataPort, kIoWidth8 | kIoWidth16, *this)) {
  set_item(kSignature, {'Q', 'E', 'M', 'U'});
  set_u32(kId, kIdTraditional);
  set_u64(kRamSize, ram_bytes);
  set_u16(kCpuCount, cpu_count);
  set_u16(kMaxCpus, max_cpus);
  rebuild_directory();
}

void FwCfg::set_item(uint16_t key, std::vector<uint8_t> bytes) { items_[key] = std::move(bytes); }

void FwCfg::set_u16(uint16_t key, uint16_t value) { set_item(key, le_bytes(value, 2)); }
void FwCfg::set_u32(uint16_t key, uint32_t value) { set_item(key, le_bytes(value, 4)); }
void FwCfg::set_u64(uint16_t key, uint64_t value) { set_item(key, le_bytes(value, 8)); }

uint16_t FwCfg::add_file(const std::string& name, std::vector<uint8_t> bytes) {
  if (name.empty() || name.size() >= kFileNameBytes)
    throw std::invalid_argument(fmt::format("fw_cfg: file name '{}' must have 1 to {} characters",
                                            name, kFileNameBytes - 1));
  for (const File& file : files_) {
    if (file.name == name) {
      items_[file.selector] = std::move(bytes);
      rebuild_directory();
      return file.selector;
    }
  }
  const auto selector = static_cast<uint16_t>(kFileFirst + files_.size());
  files_.push_back(File{name, selector});
  items_[selector] = std::move(bytes);
  rebuild_directory();
  log_->debug("file '{}' at selector {:#x} ({} bytes)", name, selector, items_[selector].size());
  return selector;
}

uint16_t FwCfg::add_file(const std::string& name, std::string_view text) {
  return add_file(name, std::vector<uint8_t>(text.begin(), text.end()));
}

void FwCfg::rebuild_directory() {
  std::vector<uint8_t> dir;
  put_be(dir, files_.size(), 4);
  for (const File& file : files_) {
    put_be(dir, items_[file.selector].size(), 4);
    put_be(dir, file.selector, 2);
    put_be(dir, 0, 2);  // reserved
    const size_t start = dir.size();
    dir.insert(dir.end(), file.name.begin(), file.name.end());
    dir.resize(start + kFileNameBytes, 0);
  }
  items_[kFileDir] = std::move(dir);
}

void FwCfg::reset() {
  selector_ = kSignature;
  offset_ = 0;
}

const std::vector<uint8_t>* FwCfg::item(uint16_t key) const {
  auto it = items_.find(key);
  return it != items_.end() ? &it->second : nullptr;
}

uint8_t FwCfg::peek_data() const {
  const std::vector<uint8_t>* bytes = item(selector_);
  return bytes != nullptr && offset_ < bytes->size() ? (*bytes)[offset_] : 0;
}

uint8_t FwCfg::read_data() {
  const uint8_t value = peek_data();
  const std::vector<uint8_t>* bytes = item(selector_);
  if (bytes != nullptr && offset_ < bytes->size()) ++offset_;
  return value;
}

uint32_t FwCfg::io_read(uint16_t /*port*/, unsigned size_bytes) {
  if (size_bytes == 1) return read_data();
  log::once(log_, "fw_cfg: 16-bit read of the fw_cfg ports (only byte reads are defined)");
  return 0xFFFF;
}

void FwCfg::io_write(uint16_t /*port*/, unsigned size_bytes, uint32_t value) {
  if (size_bytes == 2) {
    selector_ = static_cast<uint16_t>(value);
    offset_ = 0;
    if (item(selector_) == nullptr) log_->debug("selected unknown key {:#06x}", selector_);
    return;
  }
  log::once(log_, "fw_cfg: data port write ignored (items are read-only, as in QEMU 2.4+)");
}

std::vector<uint8_t> fw_cfg_e820_file(std::span<const pc_memory::Range> ranges) {
  std::vector<uint8_t> out;
  for (const pc_memory::Range& range : ranges) {
    put_le(out, range.base, 8);
    put_le(out, range.length, 8);
    put_le(out, static_cast<uint32_t>(range.type), 4);
  }
  return out;
}

}  // namespace trapeze
