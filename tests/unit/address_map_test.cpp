#include "mmu/address_map.h"

#include <doctest/doctest.h>

#include <stdexcept>
#include <vector>

using namespace trapeze;

namespace {

// Records accesses and answers reads with a recognisable pattern.
struct RecordingMmio : MmioHandler {
  struct Access {
    bool write = false;
    uint64_t offset = 0;
    unsigned size_bytes = 0;
    uint64_t value = 0;
  };
  std::vector<Access> accesses;
  uint64_t read(uint64_t offset, unsigned size_bytes) override {
    accesses.push_back({false, offset, size_bytes, 0});
    return 0xA0 + offset;
  }
  void write(uint64_t offset, unsigned size_bytes, uint64_t value) override {
    accesses.push_back({true, offset, size_bytes, value});
  }
};

}  // namespace

TEST_CASE("AddressMap: RAM starts zeroed and reads back what was written, little-endian") {
  AddressMap map(64 * 1024);
  map.map_ram(0, 64 * 1024);
  CHECK(map.ram_size() == 64 * 1024);
  CHECK(map.read(0x1234, 4) == 0);
  map.write(0x1000, 4, 0x11223344);
  CHECK(map.read(0x1000, 1) == 0x44);
  CHECK(map.read(0x1003, 1) == 0x11);
  CHECK(map.read(0x1000, 2) == 0x3344);
  map.write(0x2000, 8, 0x0102030405060708);
  CHECK(map.read(0x2000, 8) == 0x0102030405060708);
  // The fast path sees the same bytes.
  uint8_t* page = map.page_pointer(0x1abc, true);
  REQUIRE(page != nullptr);
  CHECK(page[0] == 0x44);
  page[4] = 0x99;
  CHECK(map.read(0x1004, 1) == 0x99);
}

TEST_CASE("AddressMap: a RAM window can show another part of the RAM block") {
  AddressMap map(3 * kPageSize);
  map.map_ram(0, kPageSize);
  map.map_ram(0x100000, kPageSize, 2 * kPageSize);  // shows the block's third page
  map.write(0x100010, 1, 0x5A);
  CHECK(map.read(0x100010, 1) == 0x5A);
  CHECK(map.read(0x10, 1) == 0);  // not the first page
  CHECK_THROWS_AS(map.map_ram(0x200000, 2 * kPageSize, 2 * kPageSize), std::invalid_argument);
}

TEST_CASE("AddressMap: unmapped space reads all ones and drops writes") {
  AddressMap map(kPageSize);
  map.map_ram(0, kPageSize);
  CHECK(map.read(0x5000, 1) == 0xFF);
  CHECK(map.read(0x5000, 2) == 0xFFFF);
  CHECK(map.read(0x5000, 4) == 0xFFFFFFFF);
  CHECK(map.read(0xFFFFFFFFFFFFFFF8, 8) == ~uint64_t{0});
  map.write(0x5000, 4, 0);
  CHECK(map.read(0x5000, 4) == 0xFFFFFFFF);
  CHECK(map.page_pointer(0x5000, false) == nullptr);
  CHECK(map.page_pointer(0x5000, true) == nullptr);
}

TEST_CASE("AddressMap: an access straddling RAM and a hole splits byte by byte") {
  AddressMap map(kPageSize);
  map.map_ram(0, 0x800);  // half a page
  map.write(0x7FE, 4, 0x44332211);
  CHECK(map.read(0x7FE, 2) == 0x2211);
  CHECK(map.read(0x7FE, 4) == 0xFFFF2211);         // the two bytes past the RAM are open bus
  CHECK(map.page_pointer(0x0, false) == nullptr);  // the page is not all RAM
}

TEST_CASE("AddressMap: ROM is a read-only copy of its image") {
  AddressMap map(kPageSize);
  std::vector<uint8_t> image(2 * kPageSize, 0);
  image[0] = 0xEA;
  image[kPageSize + 5] = 0x42;
  map.map_rom("test-rom", 0xF0000, image);
  image[0] = 0;  // the map keeps its own copy
  CHECK(map.read(0xF0000, 1) == 0xEA);
  CHECK(map.read(0xF1005, 1) == 0x42);
  map.write(0xF0000, 1, 0x00);
  map.write(0xF0000, 4, 0x12345678);
  CHECK(map.read(0xF0000, 1) == 0xEA);
  uint8_t* read_page = map.page_pointer(0xF1000, false);
  REQUIRE(read_page != nullptr);
  CHECK(read_page[5] == 0x42);
  CHECK(map.page_pointer(0xF1000, true) == nullptr);  // never a writable host pointer
}

TEST_CASE("AddressMap: a ROM that does not fill its last page is reached only through read()") {
  AddressMap map(kPageSize);
  std::vector<uint8_t> image(kPageSize + 512, 0x77);
  map.map_rom("option-rom", 0xC0000, image);
  CHECK(map.page_pointer(0xC0000, false) != nullptr);
  CHECK(map.page_pointer(0xC1000, false) == nullptr);
  CHECK(map.read(0xC11FF, 1) == 0x77);
  CHECK(map.read(0xC1200, 1) == 0xFF);
}

TEST_CASE("AddressMap: MMIO goes to the handler with offsets relative to the mapping") {
  AddressMap map(kPageSize);
  RecordingMmio device;
  map.map_mmio("device", 0xFEC00000, 0x20, device);
  CHECK(map.read(0xFEC00010, 4) == 0xB0);
  map.write(0xFEC00004, 2, 0xBEEF);
  REQUIRE(device.accesses.size() == 2);
  CHECK_FALSE(device.accesses[0].write);
  CHECK(device.accesses[0].offset == 0x10);
  CHECK(device.accesses[0].size_bytes == 4);
  CHECK(device.accesses[1].write);
  CHECK(device.accesses[1].offset == 4);
  CHECK(device.accesses[1].size_bytes == 2);
  CHECK(device.accesses[1].value == 0xBEEF);
  CHECK(map.page_pointer(0xFEC00000, false) == nullptr);
}

TEST_CASE("AddressMap: overlapping mappings are rejected, naming both") {
  AddressMap map(0x100000);
  RecordingMmio device;
  map.map_ram(0, 0xA0000);
  CHECK_THROWS_AS(map.map_mmio("vga", 0x9F000, 0x2000, device), std::invalid_argument);
  CHECK_THROWS_AS(map.map_ram(0x1000, 0x1000), std::invalid_argument);
  CHECK_THROWS_AS(map.map_rom("big", 0, std::vector<uint8_t>(0x200000)), std::invalid_argument);
  try {
    map.map_mmio("vga", 0x9FFFF, 2, device);
    FAIL("no exception");
  } catch (const std::invalid_argument& e) {
    const std::string message = e.what();
    CHECK(message.find("vga") != std::string::npos);
    CHECK(message.find("ram") != std::string::npos);
  }
  // Adjacent is fine.
  map.map_mmio("vga", 0xA0000, 0x20000, device);
  CHECK(map.read(0xA0000, 1) == 0xA0);
}

TEST_CASE("AddressMap: empty and wrapping ranges are rejected") {
  AddressMap map(kPageSize);
  RecordingMmio device;
  CHECK_THROWS_AS(map.map_mmio("empty", 0x1000, 0, device), std::invalid_argument);
  CHECK_THROWS_AS(map.map_mmio("wraps", 0xFFFFFFFFFFFFF000, 0x2000, device), std::invalid_argument);
  map.map_mmio("top", 0xFFFFFFFFFFFFF000, 0x1000, device);  // ending at 2^64 is fine
  CHECK(map.read(0xFFFFFFFFFFFFFFFF, 1) == 0xA0 + 0xFFF);
  CHECK_THROWS_AS(AddressMap(0), std::invalid_argument);
  CHECK_THROWS_AS(AddressMap(1000), std::invalid_argument);
}

TEST_CASE("AddressMap: unmap punches a hole and tells the listener") {
  AddressMap map(2 * kPageSize);
  int changes = 0;
  map.on_map_changed([&] { ++changes; });
  map.map_ram(0, 2 * kPageSize);
  CHECK(changes == 1);
  map.write(0x1000, 1, 0x33);
  map.unmap(0);
  CHECK(changes == 2);
  CHECK(map.read(0x1000, 1) == 0xFF);
  CHECK_THROWS_AS(map.unmap(0), std::invalid_argument);
  CHECK(changes == 2);
  // Shadowing: RAM mapped back shows the same bytes.
  map.map_ram(0x1000, kPageSize);
  CHECK(map.read(0x1000, 1) == 0x33);
  CHECK(changes == 3);
}

TEST_CASE("AddressMap: loaders copy into RAM across windows, and only into RAM") {
  AddressMap map(3 * kPageSize);
  map.map_ram(0, kPageSize);
  map.map_ram(kPageSize, 2 * kPageSize);  // adjacent window: one logical range
  std::vector<uint8_t> data(kPageSize + 16);
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<uint8_t>(i);
  map.copy_to_guest(kPageSize - 8, data);
  CHECK(map.read(kPageSize - 8, 1) == 0);
  CHECK(map.read(kPageSize + 7, 1) == 15);
  std::vector<uint8_t> back(data.size());
  map.copy_from_guest(kPageSize - 8, back);
  CHECK(back == data);

  CHECK_THROWS_AS(map.copy_to_guest(3 * kPageSize - 4, data), std::out_of_range);
  std::vector<uint8_t> rom(kPageSize, 0xCC);
  map.map_rom("rom", 0x10000, rom);
  CHECK_THROWS_AS(map.copy_to_guest(0x10000, data), std::out_of_range);
  std::vector<uint8_t> from_rom(4);
  map.copy_from_guest(0x10000, from_rom);
  CHECK(from_rom == std::vector<uint8_t>(4, 0xCC));
}

TEST_CASE("AddressMap: the last RAM page hands out a pointer, the page after it does not") {
  AddressMap map(2 * kPageSize);
  map.map_ram(0, 2 * kPageSize);
  uint8_t* last = map.page_pointer(2 * kPageSize - 1, true);
  REQUIRE(last != nullptr);
  CHECK(last == map.page_pointer(kPageSize, true));
  CHECK(map.page_pointer(2 * kPageSize, false) == nullptr);
}

TEST_CASE("AddressMap: a tracked RAM buffer hands out write pointers only once written") {
  AddressMap map(64 * 1024);
  std::vector<uint8_t> buffer(8192, 0);
  unsigned rearmed = 0;
  uint64_t rearmed_base = 0, rearmed_size = 0;
  map.on_write_tracking_rearmed([&](uint64_t base, uint64_t size) {
    ++rearmed;
    rearmed_base = base;
    rearmed_size = size;
  });
  map.map_ram_buffer("fb", 0x100000, buffer, true);
  // Reads are direct from the start; writes are not until one has been seen.
  CHECK(map.page_pointer(0x100000, false) == buffer.data());
  CHECK(map.page_pointer(0x101000, true) == nullptr);
  CHECK_FALSE(map.take_writes(0x100000));
  map.write(0x101004, 4, 0xDEADBEEF);
  CHECK(buffer[4096 + 4] == 0xEF);
  CHECK(map.page_pointer(0x101000, true) == buffer.data() + 4096);
  CHECK(map.take_writes(0x100000));
  CHECK(rearmed == 1);
  CHECK(rearmed_base == 0x100000);
  CHECK(rearmed_size == 8192);
  // Re-armed: the slow path again, and nothing new to report.
  CHECK(map.page_pointer(0x100000, true) == nullptr);
  CHECK_FALSE(map.take_writes(0x100000));
  CHECK(rearmed == 1);
  CHECK_THROWS_AS(map.take_writes(0x200000), std::invalid_argument);
}

TEST_CASE("AddressMap: an untracked RAM buffer is plain RAM") {
  AddressMap map(64 * 1024);
  std::vector<uint8_t> buffer(4096, 0);
  map.map_ram_buffer("buf", 0x200000, buffer, false);
  CHECK(map.page_pointer(0x200000, true) == buffer.data());
  map.write(0x200010, 2, 0x1234);
  CHECK(buffer[0x10] == 0x34);
  std::vector<uint8_t> odd(100);
  CHECK_THROWS_AS(map.map_ram_buffer("odd", 0x300000, odd, false), std::invalid_argument);
}
