// ELF32 executables as a multiboot loader reads them: loadable segments at their
// physical addresses, the entry point, and a one-line error for every malformed file.
#include "bios/elf32_image.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "devices/config_error.h"
#include "kernel_images.h"

using namespace trapeze;
using namespace trapeze::test;

namespace {

std::vector<uint8_t> two_segment_kernel() {
  return elf32(0x100000,
               {
                   ElfSegment{0x100000, 0x100000, {0xFA, 0xF4}, 0x1000},
                   ElfSegment{0x200000, 0x200000, {1, 2, 3, 4}, 4},
               },
               multiboot_header(0x3));
}

std::string error_of(const std::vector<uint8_t>& image) {
  try {
    parse_elf32_image(image, "k.elf");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("ELF32: PT_LOAD segments with their bss, and the entry point") {
  const std::vector<uint8_t> image = two_segment_kernel();
  CHECK(is_elf(image));
  const KernelImage kernel = parse_elf32_image(image, "k.elf");
  CHECK(kernel.entry == 0x100000);
  REQUIRE(kernel.segments.size() == 2);
  CHECK(kernel.segments[0].address == 0x100000);
  CHECK(kernel.segments[0].file_bytes == 2);
  CHECK(kernel.segments[0].memory_bytes == 0x1000);
  CHECK(image[kernel.segments[0].file_offset] == 0xFA);
  CHECK(kernel.segments[1].address == 0x200000);
  CHECK(image[kernel.segments[1].file_offset + 3] == 4);
}

TEST_CASE("ELF32: non-loadable and empty segments are skipped") {
  const std::vector<uint8_t> image = elf32(0x100000,
                                           {
                                               ElfSegment{0, 0, {9, 9}, 2, 4},  // PT_NOTE
                                               ElfSegment{0x300000, 0x300000, {}, 0},
                                               ElfSegment{0x100000, 0x100000, {0xF4}, 1},
                                           },
                                           {});
  const KernelImage kernel = parse_elf32_image(image, "k.elf");
  REQUIRE(kernel.segments.size() == 1);
  CHECK(kernel.segments[0].address == 0x100000);
}

TEST_CASE("ELF32: a kernel linked high but loaded low starts at its physical entry") {
  const std::vector<uint8_t> image =
      elf32(0xC0100010, {ElfSegment{0x100000, 0xC0100000, std::vector<uint8_t>(32, 0x90), 32}}, {});
  CHECK(parse_elf32_image(image, "k.elf").entry == 0x100010);
}

TEST_CASE("ELF32: malformed files are one-line errors naming the file") {
  std::vector<uint8_t> good = two_segment_kernel();

  CHECK(error_of({1, 2, 3}) == "kernel 'k.elf': not an ELF file");
  CHECK(error_of(std::vector<uint8_t>(good.begin(), good.begin() + 40)) ==
        "kernel 'k.elf': truncated ELF header");

  std::vector<uint8_t> elf64 = good;
  elf64[4] = 2;
  CHECK(error_of(elf64).find("64-bit ELF") != std::string::npos);

  std::vector<uint8_t> big_endian = good;
  big_endian[5] = 2;
  CHECK(error_of(big_endian).find("big-endian") != std::string::npos);

  std::vector<uint8_t> arm = good;
  put16(arm, 18, 40);
  CHECK(error_of(arm) == "kernel 'k.elf': ELF machine 40 is not i386");

  std::vector<uint8_t> relocatable = good;
  put16(relocatable, 16, 1);
  CHECK(error_of(relocatable).find("not an executable") != std::string::npos);

  std::vector<uint8_t> many_phdrs = good;
  put16(many_phdrs, 44, 0xFFFF);
  CHECK(error_of(many_phdrs).find("program headers extend beyond") != std::string::npos);

  std::vector<uint8_t> huge_phoff = good;
  put32(huge_phoff, 28, 0xFFFFFFF0);
  CHECK(error_of(huge_phoff).find("program headers extend beyond") != std::string::npos);

  std::vector<uint8_t> small_phentsize = good;
  put16(small_phentsize, 42, 8);
  CHECK(error_of(small_phentsize).find("too small") != std::string::npos);

  std::vector<uint8_t> past_end = good;
  put32(past_end, 52 + 32 + 4, 0xFFFFFF00);  // second segment's file offset
  CHECK(error_of(past_end).find("segment 1 extends beyond the end of the file") !=
        std::string::npos);

  std::vector<uint8_t> file_over_memory = good;
  put32(file_over_memory, 52 + 32 + 20, 1);  // memory bytes below file bytes
  CHECK(error_of(file_over_memory).find("more file bytes than memory bytes") != std::string::npos);

  std::vector<uint8_t> wraps = good;
  put32(wraps, 52 + 12, 0xFFFFF800);  // first segment's paddr: 0x1000 bytes wrap 4 GiB
  CHECK(error_of(wraps).find("beyond 4 GiB") != std::string::npos);

  CHECK(error_of(elf32(0, {ElfSegment{0, 0, {1}, 1, 4}}, {})) ==
        "kernel 'k.elf': the ELF has no loadable (PT_LOAD) segment");
}
