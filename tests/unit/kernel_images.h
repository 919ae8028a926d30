// Small kernel images built byte by byte in the tests: Multiboot headers, ELF32
// executables and a.out-kludge images, so loader tests need no toolchain and no files in
// the source tree.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

namespace trapeze::test {

inline void put32(std::vector<uint8_t>& bytes, size_t at, uint32_t value) {
  if (bytes.size() < at + 4) bytes.resize(at + 4);
  for (unsigned i = 0; i < 4; ++i) bytes[at + i] = static_cast<uint8_t>(value >> (8 * i));
}

inline void put16(std::vector<uint8_t>& bytes, size_t at, uint16_t value) {
  if (bytes.size() < at + 2) bytes.resize(at + 2);
  bytes[at] = static_cast<uint8_t>(value);
  bytes[at + 1] = static_cast<uint8_t>(value >> 8);
}

inline uint32_t get32(const std::vector<uint8_t>& bytes, size_t at) {
  return uint32_t{bytes[at]} | (uint32_t{bytes[at + 1]} << 8) | (uint32_t{bytes[at + 2]} << 16) |
         (uint32_t{bytes[at + 3]} << 24);
}

// The multiboot header fields with kFlagAddresses (bit 16).
struct AddressFields {
  uint32_t header_addr = 0, load_addr = 0, load_end_addr = 0, bss_end_addr = 0, entry_addr = 0;
};

// A Multiboot header: magic, flags, checksum, and the address fields when given.
inline std::vector<uint8_t> multiboot_header(uint32_t flags,
                                             const AddressFields* fields = nullptr) {
  std::vector<uint8_t> h;
  put32(h, 0, 0x1BADB002);
  put32(h, 4, flags);
  put32(h, 8, 0u - 0x1BADB002u - flags);
  if (fields != nullptr) {
    put32(h, 12, fields->header_addr);
    put32(h, 16, fields->load_addr);
    put32(h, 20, fields->load_end_addr);
    put32(h, 24, fields->bss_end_addr);
    put32(h, 28, fields->entry_addr);
  }
  return h;
}

struct ElfSegment {
  uint32_t paddr = 0;
  uint32_t vaddr = 0;
  std::vector<uint8_t> bytes;  // the file part
  uint32_t memory_bytes = 0;   // >= bytes.size(); the rest is bss
  uint32_t type = 1;           // PT_LOAD
};

// An ELF32 i386 executable: ELF header, program headers, `header_block` (a multiboot
// header, 4-byte aligned, inside the first 8 KiB), then each segment's bytes.
inline std::vector<uint8_t> elf32(uint32_t entry, const std::vector<ElfSegment>& segments,
                                  const std::vector<uint8_t>& header_block) {
  std::vector<uint8_t> f(52, 0);
  f[0] = 0x7F;
  f[1] = 'E';
  f[2] = 'L';
  f[3] = 'F';
  f[4] = 1;         // ELFCLASS32
  f[5] = 1;         // little-endian
  f[6] = 1;         // EV_CURRENT
  put16(f, 16, 2);  // ET_EXEC
  put16(f, 18, 3);  // EM_386
  put32(f, 20, 1);
  put32(f, 24, entry);
  put32(f, 28, 52);  // program headers right after the ELF header
  put16(f, 40, 52);
  put16(f, 42, 32);
  put16(f, 44, static_cast<uint16_t>(segments.size()));
  const size_t phdrs_end = 52 + 32 * segments.size();
  size_t at = (phdrs_end + 3) & ~size_t{3};
  f.resize(at);
  f.insert(f.end(), header_block.begin(), header_block.end());
  for (size_t i = 0; i < segments.size(); ++i) {
    const ElfSegment& s = segments[i];
    at = (f.size() + 15) & ~size_t{15};
    f.resize(at);
    f.insert(f.end(), s.bytes.begin(), s.bytes.end());
    const size_t ph = 52 + 32 * i;
    put32(f, ph, s.type);
    put32(f, ph + 4, static_cast<uint32_t>(at));
    put32(f, ph + 8, s.vaddr);
    put32(f, ph + 12, s.paddr);
    put32(f, ph + 16, static_cast<uint32_t>(s.bytes.size()));
    put32(f, ph + 20, s.memory_bytes);
    put32(f, ph + 24, 7);  // RWX
    put32(f, ph + 28, 16);
  }
  return f;
}

inline uint16_t get16(const std::vector<uint8_t>& bytes, size_t at) {
  return static_cast<uint16_t>(bytes[at] | (bytes[at + 1] << 8));
}

// A Linux bzImage's setup header fields (boot.rst); the defaults are those of a modern
// 32-bit kernel.
struct BzImageFields {
  uint16_t protocol = 0x020F;
  uint8_t setup_sects = 4;
  uint8_t loadflags = 0x01;  // LOADED_HIGH
  uint16_t vid_mode = 0x0F04;
  uint32_t initrd_addr_max = 0x7FFFFFFF;
  uint8_t relocatable = 1;
  uint16_t xloadflags = 0;
  uint32_t cmdline_size = 2047;
  uint32_t kernel_bytes = 8192;  // the protected-mode part
  // The header's syssize in 16-byte units; nullopt: what kernel_bytes needs, as the
  // kernel's build writes it.
  std::optional<uint32_t> syssize;
};

// A bzImage: the setup sectors with the header (boot flag, a jump at 0x200, "HdrS"), then
// the protected-mode part filled with a pattern (byte i = i * 13 + 7).
inline std::vector<uint8_t> bzimage(const BzImageFields& h = {}) {
  const size_t setup_bytes = ((h.setup_sects != 0 ? h.setup_sects : 4) + 1) * size_t{512};
  std::vector<uint8_t> f(setup_bytes + h.kernel_bytes, 0);
  f[0x1F1] = h.setup_sects;
  put32(f, 0x1F4, h.syssize.value_or((h.kernel_bytes + 15) / 16));
  put16(f, 0x1FA, h.vid_mode);
  put16(f, 0x1FE, 0xAA55);
  f[0x200] = 0xEB;  // jmp short, over the header
  f[0x201] = 0x66;
  put32(f, 0x202, 0x53726448);  // "HdrS"
  put16(f, 0x206, h.protocol);
  f[0x211] = h.loadflags;
  put32(f, 0x22C, h.initrd_addr_max);
  f[0x234] = h.relocatable;
  put16(f, 0x236, h.xloadflags);
  put32(f, 0x238, h.cmdline_size);
  for (size_t i = 0; i < h.kernel_bytes; ++i) f[setup_bytes + i] = static_cast<uint8_t>(i * 13 + 7);
  return f;
}

// A file in the temporary directory, removed when the object goes.
struct KernelTempFile {
  std::filesystem::path path;
  explicit KernelTempFile(const std::vector<uint8_t>& bytes, const std::string& suffix = ".bin") {
    static int counter = 0;
    path = std::filesystem::temp_directory_path() /
           ("trapeze-kernel-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) +
            suffix);
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
  }
  KernelTempFile(const KernelTempFile&) = delete;
  KernelTempFile& operator=(const KernelTempFile&) = delete;
  ~KernelTempFile() { std::filesystem::remove(path); }
  std::string name() const { return path.string(); }
};

}  // namespace trapeze::test
