// Finding the Multiboot header: where it may be, what makes it valid, and the one-line
// errors for kernels that are recognisably not bootable this way.
#include "bios/multiboot_header.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "devices/config_error.h"
#include "kernel_images.h"

using namespace trapeze;
using namespace trapeze::test;

namespace {

std::vector<uint8_t> image_with(const std::vector<uint8_t>& header, size_t at, size_t size) {
  std::vector<uint8_t> image(size, 0x90);
  std::copy(header.begin(), header.end(), image.begin() + static_cast<ptrdiff_t>(at));
  return image;
}

std::string error_of(const std::vector<uint8_t>& image) {
  try {
    find_multiboot_header(image, "k.bin");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("multiboot header: found at any 4-byte aligned offset in the first 8 KiB") {
  for (size_t at : {size_t{0}, size_t{4}, size_t{0x1000}, size_t{8192 - 12}}) {
    CAPTURE(at);
    const auto header = find_multiboot_header(image_with(multiboot_header(0x3), at, 16384), "k");
    REQUIRE(header.has_value());
    CHECK(header->file_offset == at);
    CHECK(header->flags == 0x3);
  }
}

TEST_CASE("multiboot header: not found unaligned, beyond 8 KiB, or absent") {
  CHECK_FALSE(find_multiboot_header(image_with(multiboot_header(0), 2, 4096), "k"));
  CHECK_FALSE(find_multiboot_header(image_with(multiboot_header(0), 8192, 16384), "k"));
  CHECK_FALSE(find_multiboot_header(std::vector<uint8_t>(4096, 0), "k"));
  CHECK_FALSE(find_multiboot_header(std::vector<uint8_t>(3, 0), "k"));
}

TEST_CASE("multiboot header: the address fields are read with flag bit 16") {
  AddressFields f{0x100000, 0x100000, 0x101000, 0x102000, 0x100020};
  const auto header =
      find_multiboot_header(image_with(multiboot_header(0x10000, &f), 8, 4096), "k");
  REQUIRE(header.has_value());
  CHECK(header->header_addr == 0x100000);
  CHECK(header->load_addr == 0x100000);
  CHECK(header->load_end_addr == 0x101000);
  CHECK(header->bss_end_addr == 0x102000);
  CHECK(header->entry_addr == 0x100020);
}

TEST_CASE("multiboot header: a bad checksum is skipped, and reported when nothing follows") {
  std::vector<uint8_t> bad = multiboot_header(0);
  put32(bad, 8, 0);
  std::vector<uint8_t> image = image_with(bad, 0, 4096);
  CHECK(error_of(image) == "'k.bin': the multiboot header at offset 0x0 has a bad checksum");
  const std::vector<uint8_t> good = multiboot_header(0x2);
  std::copy(good.begin(), good.end(), image.begin() + 64);
  const auto header = find_multiboot_header(image, "k.bin");
  REQUIRE(header.has_value());
  CHECK(header->file_offset == 64);
}

TEST_CASE("multiboot header: cut off by the end of the file") {
  AddressFields f{};
  const std::vector<uint8_t> whole = multiboot_header(0x10000, &f);
  // The address fields are missing; then even the checksum is.
  for (size_t size : {size_t{20}, size_t{8}}) {
    CAPTURE(size);
    const std::vector<uint8_t> image(whole.begin(), whole.begin() + static_cast<ptrdiff_t>(size));
    CHECK(error_of(image).find("cut off") != std::string::npos);
  }
}

TEST_CASE("multiboot header: a Multiboot 2 kernel is named as such") {
  std::vector<uint8_t> image(4096, 0);
  put32(image, 8, 0xE85250D6);
  CHECK(error_of(image) ==
        "'k.bin' is a Multiboot 2 kernel; trapeze boots Multiboot 1 kernels only");
  // A kernel with both headers boots by version 1.
  const std::vector<uint8_t> v1 = multiboot_header(0);
  std::copy(v1.begin(), v1.end(), image.begin() + 32);
  CHECK(find_multiboot_header(image, "k.bin").has_value());
}
