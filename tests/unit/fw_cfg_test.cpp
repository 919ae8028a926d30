// fw_cfg read the way SeaBIOS's fw/paravirt.c reads it: qemu_cfg_init's signature check
// and ID, the legacy keys, the big-endian file directory, and etc/e820 parsed as
// qemu_cfg_e820 parses it.
#include "devices/fw_cfg.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "devices/io_bus.h"
#include "devices/pc_memory_layout.h"

using namespace trapeze;
using pc_memory::Range;
using pc_memory::RangeType;

namespace {

constexpr uint64_t kMiB = 1024 * 1024;

struct Board {
  IoBus io;
  FwCfg fw{io, 128 * kMiB, 1, 1};

  void select(uint16_t key) { io.out(0x510, 2, key); }
  std::vector<uint8_t> read(size_t count) {  // insb from 0x511
    std::vector<uint8_t> bytes(count);
    for (uint8_t& byte : bytes) byte = static_cast<uint8_t>(io.in(0x511, 1));
    return bytes;
  }
  uint64_t read_le(uint16_t key, unsigned size) {
    select(key);
    uint64_t value = 0;
    const std::vector<uint8_t> bytes = read(size);
    for (unsigned i = 0; i < size; ++i) value |= uint64_t{bytes[i]} << (8 * i);
    return value;
  }
};

uint64_t be(const std::vector<uint8_t>& bytes, size_t at, unsigned size) {
  uint64_t value = 0;
  for (unsigned i = 0; i < size; ++i) value = (value << 8) | bytes[at + i];
  return value;
}

uint64_t le(const std::vector<uint8_t>& bytes, size_t at, unsigned size) {
  uint64_t value = 0;
  for (unsigned i = 0; i < size; ++i) value |= uint64_t{bytes[at + i]} << (8 * i);
  return value;
}

struct DirEntry {
  std::string name;
  uint32_t size = 0;
  uint16_t select = 0;
};

// qemu_cfg_init: count = be32, then struct QemuCfgFile { be32 size; be16 select;
// u16 reserved; char name[56]; } per file, read sequentially.
std::vector<DirEntry> read_directory(Board& b) {
  b.select(FwCfg::kFileDir);
  const uint32_t count = static_cast<uint32_t>(be(b.read(4), 0, 4));
  std::vector<DirEntry> entries;
  for (uint32_t i = 0; i < count; ++i) {
    const std::vector<uint8_t> raw = b.read(64);
    DirEntry e;
    e.size = static_cast<uint32_t>(be(raw, 0, 4));
    e.select = static_cast<uint16_t>(be(raw, 4, 2));
    CHECK(be(raw, 6, 2) == 0);
    e.name = std::string(reinterpret_cast<const char*>(raw.data() + 8));
    CHECK(raw[63] == 0);  // always NUL-terminated
    entries.push_back(e);
  }
  return entries;
}

}  // namespace

TEST_CASE("FwCfg: the \"QEMU\" signature and the ID (SeaBIOS qemu_cfg_init)") {
  Board b;
  b.select(FwCfg::kSignature);
  CHECK(b.read(4) == std::vector<uint8_t>{'Q', 'E', 'M', 'U'});
  CHECK(b.read(2) == std::vector<uint8_t>{0, 0});  // past the end: zeros
  // ID bit 0: traditional interface; bit 1 (DMA) clear, so SeaBIOS uses insb.
  CHECK(b.read_le(FwCfg::kId, 4) == 1);
  // Selecting again rewinds.
  b.select(FwCfg::kSignature);
  CHECK(b.io.in(0x511, 1) == 'Q');
  CHECK(b.fw.peek_data() == 'E');
  CHECK(b.io.in(0x511, 1) == 'E');
}

TEST_CASE("FwCfg: legacy numbered items, unknown keys read zeros") {
  Board b;
  CHECK(b.read_le(FwCfg::kRamSize, 8) == 128 * kMiB);
  CHECK(b.read_le(FwCfg::kCpuCount, 2) == 1);
  CHECK(b.read_le(FwCfg::kMaxCpus, 2) == 1);
  // etc/show-boot-menu is key 0x0E with size 2 in SeaBIOS: absent means 0, no menu.
  CHECK(b.read_le(FwCfg::kBootMenu, 2) == 0);
  CHECK(b.read_le(0x0D, 8) == 0);    // NUMA: no nodes
  CHECK(b.read_le(0x8000, 2) == 0);  // no legacy ACPI tables
  CHECK(b.read_le(0x8001, 2) == 0);  // no legacy SMBIOS entries
  CHECK(b.read_le(FwCfg::kE820Table, 4) == 0);
  CHECK(b.read_le(0x1234, 4) == 0);
  b.fw.set_u16(FwCfg::kBootMenu, 1);
  b.fw.set_u32(FwCfg::kIrq0Override, 1);
  CHECK(b.read_le(FwCfg::kBootMenu, 2) == 1);
  CHECK(b.read_le(FwCfg::kIrq0Override, 1) == 1);
}

TEST_CASE("FwCfg: the file directory and file contents as SeaBIOS reads them") {
  Board b;
  // What the board adds.
  const std::string bootorder = "/pci@i0cf8/*@1,1/drive@0/disk@0\n";
  const uint16_t e820_select = b.fw.add_file(
      "etc/e820", fw_cfg_e820_file(pc_memory::firmware_memory_map(128 * kMiB, 256 * 1024)));
  b.fw.add_file("bootorder", bootorder);
  b.fw.add_file("etc/boot-menu-wait", std::vector<uint8_t>{0xC4, 0x09});  // 2500 ms
  CHECK(e820_select == 0x20);

  const std::vector<DirEntry> dir = read_directory(b);
  REQUIRE(dir.size() == 3);
  CHECK(dir[0].name == "etc/e820");
  CHECK(dir[0].select == 0x20);
  CHECK(dir[0].size == 5 * 20);
  CHECK(dir[1].name == "bootorder");
  CHECK(dir[1].select == 0x21);
  CHECK(dir[1].size == bootorder.size());
  CHECK(dir[2].name == "etc/boot-menu-wait");
  CHECK(dir[2].size == 2);

  // qemu_cfg_read_file: select, then read the file's size.
  b.select(dir[1].select);
  const std::vector<uint8_t> text = b.read(dir[1].size);
  CHECK(std::string(text.begin(), text.end()) == bootorder);
  // romfile_loadint("etc/boot-menu-wait"): a little-endian integer of the file's size.
  CHECK(b.read_le(dir[2].select, 2) == 2500);

  // Replacing a file keeps its selector and updates its size in the directory.
  CHECK(b.fw.add_file("bootorder", std::string("HALT\n")) == 0x21);
  CHECK(read_directory(b)[1].size == 5);
  CHECK_THROWS_AS(b.fw.add_file(std::string(56, 'x'), std::string("y")), std::invalid_argument);
  CHECK_THROWS_AS(b.fw.add_file("", std::string("y")), std::invalid_argument);
}

TEST_CASE("FwCfg: etc/e820 bytes parse as SeaBIOS's struct e820_reservation") {
  Board b;
  const uint64_t ram = 128 * kMiB;
  b.fw.add_file("etc/e820", fw_cfg_e820_file(pc_memory::firmware_memory_map(ram, 256 * 1024)));
  const std::vector<DirEntry> dir = read_directory(b);
  REQUIRE(dir.size() == 1);
  b.select(dir[0].select);
  const std::vector<uint8_t> bytes = b.read(dir[0].size);
  REQUIRE(bytes.size() % 20 == 0);
  // The first entry, byte for byte: address 0, length 0x9FC00, type 1 (RAM).
  CHECK(std::vector<uint8_t>(bytes.begin(), bytes.begin() + 20) ==
        std::vector<uint8_t>{0, 0, 0, 0, 0, 0, 0, 0, 0x00, 0xFC, 0x09, 0, 0, 0, 0, 0, 1, 0, 0, 0});
  std::vector<Range> parsed;
  for (size_t at = 0; at < bytes.size(); at += 20)
    parsed.push_back(Range{le(bytes, at, 8), le(bytes, at + 8, 8),
                           static_cast<RangeType>(le(bytes, at + 16, 4))});
  const std::vector<Range> expected = {
      {0x0, 0x9FC00, RangeType::kUsable},          {0x9FC00, 0x400, RangeType::kReserved},
      {0xF0000, 0x10000, RangeType::kReserved},    {0x100000, ram - 0x100000, RangeType::kUsable},
      {0xFFFC0000, 0x40000, RangeType::kReserved},
  };
  CHECK(parsed == expected);
}

TEST_CASE("FwCfg: e820 of a machine with RAM above 4 GiB") {
  const std::vector<Range> map = pc_memory::firmware_memory_map(4096 * kMiB, 128 * 1024);
  REQUIRE(map.size() == 6);
  CHECK(map[3] == Range{0x100000, 0xE0000000 - 0x100000, RangeType::kUsable});
  CHECK(map[4] == Range{0xFFFE0000, 0x20000, RangeType::kReserved});
  CHECK(map[5] == Range{0x100000000, 0x20000000, RangeType::kUsable});
}

TEST_CASE("FwCfg: writes to the data port and odd widths are ignored; reset selects key 0") {
  Board b;
  b.select(FwCfg::kCpuCount);
  b.io.out(0x511, 1, 0x55);  // QEMU 2.4+ ignores data writes
  CHECK(b.read_le(FwCfg::kCpuCount, 2) == 1);
  CHECK(b.io.in(0x510, 2) == 0xFFFF);
  b.select(FwCfg::kCpuCount);
  b.fw.reset();
  CHECK(b.fw.selector() == FwCfg::kSignature);
  CHECK(b.io.in(0x511, 1) == 'Q');
  // QEMU's window decodes a byte read at 0x510 as a data read too.
  CHECK(b.io.in(0x510, 1) == 'E');
}
