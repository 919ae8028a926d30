// The multiboot a.out kludge: the header's address fields place the image, and take
// priority over ELF program headers (as in GRUB and QEMU).
#include "bios/multiboot_image.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "devices/config_error.h"
#include "kernel_images.h"

using namespace trapeze;
using namespace trapeze::test;

namespace {

// A flat image: 16 bytes of padding, the header at file offset 16 (header_addr), code
// after it.
std::vector<uint8_t> aout_image(const AddressFields& fields, size_t size = 256) {
  std::vector<uint8_t> image(16, 0xCC);
  const std::vector<uint8_t> header = multiboot_header(0x10000, &fields);
  image.insert(image.end(), header.begin(), header.end());
  image.resize(size, 0x90);
  return image;
}

KernelImage layout(const std::vector<uint8_t>& image) {
  const auto header = find_multiboot_header(image, "k.bin");
  REQUIRE(header.has_value());
  return layout_multiboot_kernel(image, *header, "k.bin");
}

std::string error_of(const AddressFields& fields, size_t size = 256) {
  try {
    layout(aout_image(fields, size));
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("a.out kludge: load from (header offset - (header_addr - load_addr)), then bss") {
  // The header is at file offset 16 and should sit at 0x100010: loading starts at file
  // offset 0, at 0x100000.
  const AddressFields f{0x100010, 0x100000, 0x100100, 0x102000, 0x100030};
  const KernelImage kernel = layout(aout_image(f));
  REQUIRE(kernel.segments.size() == 1);
  CHECK(kernel.segments[0].address == 0x100000);
  CHECK(kernel.segments[0].file_offset == 0);
  CHECK(kernel.segments[0].file_bytes == 0x100);
  CHECK(kernel.segments[0].memory_bytes == 0x2000);
  CHECK(kernel.entry == 0x100030);
}

TEST_CASE("a.out kludge: load_end_addr 0 loads the rest of the file; bss_end 0 adds none") {
  // Loading from the header itself: file offset 16 onwards.
  const AddressFields f{0x200000, 0x200000, 0, 0, 0x200020};
  const KernelImage kernel = layout(aout_image(f, 300));
  REQUIRE(kernel.segments.size() == 1);
  CHECK(kernel.segments[0].file_offset == 16);
  CHECK(kernel.segments[0].file_bytes == 300 - 16);
  CHECK(kernel.segments[0].memory_bytes == 300 - 16);
}

TEST_CASE("a.out kludge: the address fields win over ELF program headers") {
  const AddressFields f{0x300000, 0x300000, 0, 0, 0x300000};
  std::vector<uint8_t> header_block = multiboot_header(0x10000, &f);
  const std::vector<uint8_t> image =
      elf32(0x100000, {ElfSegment{0x100000, 0x100000, {0xF4}, 1}}, header_block);
  const KernelImage kernel = layout(image);
  CHECK(kernel.segments[0].address == 0x300000);
  CHECK(kernel.entry == 0x300000);
}

TEST_CASE("a.out kludge: inconsistent fields are one-line errors") {
  CHECK(error_of({0x100000, 0x100010, 0, 0, 0}).find("above header_addr") != std::string::npos);
  // Loading would have to start 32 bytes before a header that is 16 bytes into the file.
  CHECK(error_of({0x100020, 0x100000, 0, 0, 0}).find("before the start of the file") !=
        std::string::npos);
  CHECK(error_of({0x100010, 0x100000, 0x0FFFFF, 0, 0}).find("below load_addr") !=
        std::string::npos);
  CHECK(error_of({0x100010, 0x100000, 0x100200, 0, 0}).find("beyond the end of the file") !=
        std::string::npos);
  CHECK(error_of({0x100010, 0x100000, 0x100100, 0x100080, 0}).find("bss_end_addr") !=
        std::string::npos);
  CHECK(error_of({0xFFFFFF10, 0xFFFFFF00, 0, 0, 0}, 0x200).find("beyond 4 GiB") !=
        std::string::npos);
}

TEST_CASE("multiboot image: neither address fields nor ELF") {
  std::vector<uint8_t> image = multiboot_header(0);
  image.resize(64, 0);
  const auto header = find_multiboot_header(image, "k.bin");
  REQUIRE(header.has_value());
  CHECK_THROWS_AS(layout_multiboot_kernel(image, *header, "k.bin"), ConfigError);
}
