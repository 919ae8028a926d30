#include "bios/elf32_image.h"

#include <fmt/format.h>

#include "bios/le_bytes.h"
#include "devices/config_error.h"

namespace trapeze {

namespace {

// ELF32 header and program header layouts (System V ABI, chapter 4 and 5).
constexpr size_t kElfHeaderBytes = 52;
constexpr size_t kProgramHeaderBytes = 32;
constexpr uint8_t kClass32 = 1, kClass64 = 2;
constexpr uint8_t kLittleEndian = 1;
constexpr uint16_t kTypeExecutable = 2;
constexpr uint16_t kMachine386 = 3;
constexpr uint32_t kSegmentLoad = 1;
constexpr uint64_t k4GiB = uint64_t{1} << 32;

struct ProgramHeader {
  uint32_t type, offset, vaddr, paddr, file_bytes, memory_bytes;
};

ProgramHeader program_header(std::span<const uint8_t> image, size_t at) {
  return ProgramHeader{le32(image, at),      le32(image, at + 4),  le32(image, at + 8),
                       le32(image, at + 12), le32(image, at + 16), le32(image, at + 20)};
}

}  // namespace

bool is_elf(std::span<const uint8_t> image) {
  return image.size() >= 4 && image[0] == 0x7F && image[1] == 'E' && image[2] == 'L' &&
         image[3] == 'F';
}

KernelImage parse_elf32_image(std::span<const uint8_t> image, const std::string& path) {
  auto fail = [&](const std::string& why) {
    return ConfigError(fmt::format("kernel '{}': {}", path, why));
  };
  if (!is_elf(image)) throw fail("not an ELF file");
  if (image.size() < kElfHeaderBytes) throw fail("truncated ELF header");
  if (image[4] == kClass64)
    throw fail("a 64-bit ELF; a multiboot kernel must be a 32-bit (ELFCLASS32) executable");
  if (image[4] != kClass32) throw fail(fmt::format("unknown ELF class {}", image[4]));
  if (image[5] != kLittleEndian) throw fail("a big-endian ELF; x86 kernels are little-endian");
  if (le16(image, 16) != kTypeExecutable)
    throw fail(fmt::format("ELF type {} is not an executable (ET_EXEC)", le16(image, 16)));
  if (le16(image, 18) != kMachine386)
    throw fail(fmt::format("ELF machine {} is not i386", le16(image, 18)));

  const uint64_t phoff = le32(image, 28);
  const uint64_t phentsize = le16(image, 42);
  const uint64_t phnum = le16(image, 44);
  if (phentsize < kProgramHeaderBytes)
    throw fail(fmt::format("ELF program header size {} is too small", phentsize));
  if (phoff + phnum * phentsize > image.size())
    throw fail("truncated ELF (the program headers extend beyond the end of the file)");

  KernelImage kernel;
  const uint64_t entry = le32(image, 24);
  kernel.entry = entry;
  for (uint64_t i = 0; i < phnum; ++i) {
    const ProgramHeader ph = program_header(image, static_cast<size_t>(phoff + i * phentsize));
    if (ph.type != kSegmentLoad || ph.memory_bytes == 0) continue;
    if (ph.file_bytes > ph.memory_bytes)
      throw fail(fmt::format("ELF segment {} has more file bytes than memory bytes", i));
    if (uint64_t{ph.offset} + ph.file_bytes > image.size())
      throw fail(fmt::format("truncated ELF (segment {} extends beyond the end of the file)", i));
    if (uint64_t{ph.paddr} + ph.memory_bytes > k4GiB)
      throw fail(fmt::format("ELF segment {} at {:#x} extends beyond 4 GiB", i, ph.paddr));
    kernel.segments.push_back(ImageSegment{ph.paddr, ph.offset, ph.file_bytes, ph.memory_bytes});
    if (entry >= ph.vaddr && entry - ph.vaddr < ph.memory_bytes)
      kernel.entry = entry - ph.vaddr + ph.paddr;
  }
  if (kernel.segments.empty()) throw fail("the ELF has no loadable (PT_LOAD) segment");
  return kernel;
}

}  // namespace trapeze
