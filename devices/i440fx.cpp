#include "devices/i440fx.h"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "cpu/log.h"

namespace trapeze {

namespace {

constexpr uint64_t kSmallSegmentBytes = 16 * 1024;
constexpr uint64_t kBiosSegmentBytes = 64 * 1024;
constexpr uint64_t kBiosSegmentBase = 0xF0000;
constexpr uint64_t kMiB = 1024 * 1024;

const char* mode_name(I440fx::PamMode mode) {
  switch (mode) {
    case I440fx::PamMode::kPci:
      return "PCI";
    case I440fx::PamMode::kReadDram:
      return "read-only DRAM";
    case I440fx::PamMode::kWriteDram:
      return "write-only DRAM";
    case I440fx::PamMode::kDram:
      return "DRAM";
  }
  return "?";
}

}  // namespace

// ---- A segment in write-DRAM mode ----

uint64_t I440fx::Segment::read(uint64_t offset, unsigned size_bytes) {
  // Reads go to PCI: the flash where it reaches, open bus elsewhere.
  uint64_t value = 0;
  for (unsigned i = 0; i < size_bytes; ++i) {
    const uint64_t at = offset + i;
    const uint64_t byte = at < rom.size() ? rom[at] : 0xFF;
    value |= byte << (8 * i);
  }
  return value;
}

void I440fx::Segment::write(uint64_t offset, unsigned size_bytes, uint64_t value) {
  for (unsigned i = 0; i < size_bytes; ++i)
    pending_writes[offset + i] = static_cast<uint8_t>(value >> (8 * i));
}

// ---- The host bridge ----

I440fx::I440fx(PciBus& bus, AddressMap& memory, std::span<const uint8_t> isa_bios,
               PciAddress address)
    : PciDevice(bus, address, "i440fx",
                PciIdentity{kVendorId, kDeviceId, kRevision, 0x060000 /* host bridge */, 0x00,
                            pci::kQemuSubsystemVendorId, pci::kQemuSubsystemId, 0}),
      memory_(memory),
      isa_bios_(isa_bios.begin(), isa_bios.end()) {
  if (isa_bios_.size() % kSmallSegmentBytes != 0 || isa_bios_.size() > kShadowEnd - kShadowStart)
    throw std::invalid_argument(fmt::format(
        "i440fx: the BIOS window below 1 MiB must be a multiple of 16 KiB up to 256 KiB, not "
        "{:#x} bytes",
        isa_bios_.size()));
  if (memory_.ram_size() < kShadowEnd)
    throw std::invalid_argument("i440fx: shadow RAM needs at least 1 MiB of guest RAM");

  const uint64_t rom_base = kShadowEnd - isa_bios_.size();
  auto rom_for = [&](uint64_t base, uint64_t size) -> std::span<const uint8_t> {
    if (base < rom_base) return {};
    return std::span<const uint8_t>(isa_bios_).subspan(base - rom_base, size);
  };
  // Segment 0 is the BIOS segment (PAM0 high nibble); 1-12 the 16 KiB segments from
  // 0xC0000, two per register from PAM1.
  Segment& bios = segments_[0];
  bios.base = kBiosSegmentBase;
  bios.window_bytes = kBiosSegmentBytes;
  bios.pam_register = kPam0;
  bios.shift = 4;
  for (size_t i = 1; i < kSegments; ++i) {
    Segment& s = segments_[i];
    s.base = kShadowStart + (i - 1) * kSmallSegmentBytes;
    s.window_bytes = kSmallSegmentBytes;
    s.pam_register = static_cast<uint8_t>(kPam0 + 1 + (i - 1) / 2);
    s.shift = ((i - 1) % 2) * 4;
  }
  for (Segment& s : segments_) s.rom = rom_for(s.base, s.window_bytes);

  define_registers();
  // Power-on PAM is all PCI: the flash where it reaches. (set_mode() only acts on
  // changes, and segments start out in PCI mode with nothing mapped.)
  for (Segment& s : segments_) {
    if (!s.mapped && !s.rom.empty()) {
      memory_.map_rom("isa-bios", s.base, s.rom);
      s.mapped = true;
    }
  }
}

I440fx::~I440fx() {
  for (Segment& s : segments_) unmap_segment(s);
}

void I440fx::define_registers() {
  using namespace pci;
  // 82441FX datasheet section 3.2: memory and bus master are always on (bits 1-2 read
  // as one); parity and SERR reporting are the writable bits.
  define_register16(kCommand, kCommandMemory | kCommandMaster, kCommandParity | kCommandSerr);
  define_register16(kStatus, kStatusFastBackToBack | kStatusDevselMedium, 0, kStatusErrorBits);
  define_register8(kLatencyTimer, 0x00, 0xF8);  // MLT: bits 2:0 hard-wired
  define_register8(kCacheLineSize, 0x00, 0x00);
  // Timing and configuration registers (PMCCFG, DETURBO, DBC, AXC, DRAMR, DRAMC,
  // DRAMT): read/write with no effect on an emulated memory controller.
  define_register16(0x50, 0x0100, 0xFFFF);
  define_register8(0x52, 0x00, 0xFF);
  define_register8(0x53, 0x80, 0xFF);
  define_register8(0x54, 0x00, 0xFF);
  define_register16(0x55, 0x0000, 0xFFFF);
  define_register8(0x57, 0x01, 0xFF);
  define_register8(0x58, 0x10, 0xFF);
  // PAM0 has only the BIOS segment's nibble; the others two segments each. Bits 3:2 and
  // 7:6 of each nibble pair are reserved.
  define_register8(kPam0, 0x00, 0x30);
  for (uint8_t r = 1; r < kPamCount; ++r)
    define_register8(static_cast<uint8_t>(kPam0 + r), 0x00, 0x33);
  // DRAM row boundaries in 8 MiB units, cumulative: all of RAM in row 0 (capped at the
  // register's reach), rows 1-7 empty.
  const uint64_t rows = std::min<uint64_t>((memory_.ram_size() + 8 * kMiB - 1) / (8 * kMiB), 0xFF);
  for (uint8_t r = 0; r < 8; ++r)
    define_register8(static_cast<uint8_t>(0x60 + r), static_cast<uint8_t>(rows), 0xFF);
  define_register8(0x68, 0x00, 0xFF);  // FDHC: fixed DRAM hole control
  define_register8(0x70, 0x20, 0xFF);  // MTT: multi-transaction timer
  define_register8(0x71, 0x10, 0xFF);  // CLT: CPU latency timer
  define_register8(kSmram, kSmramBaseSeg, kSmramOpen | kSmramClose | kSmramLock | kSmramEnable);
  define_register8(0x90, 0x00, 0xFF);        // ERRCMD
  define_register8(0x91, 0x00, 0x00, 0xFF);  // ERRSTS: write one to clear
  define_register8(0x93, 0x00, 0xFF);        // TRC
}

void I440fx::reset() {
  reset_config();
  apply_pam();
}

I440fx::PamMode I440fx::pam_mode(uint64_t address) const {
  for (const Segment& s : segments_) {
    if (address >= s.base && address - s.base < s.window_bytes) return s.mode;
  }
  return PamMode::kPci;
}

void I440fx::config_written(uint8_t offset, unsigned size_bytes) {
  if (touches_range(offset, size_bytes, kPam0, kPam0 + kPamCount - 1)) apply_pam();
  if (touches(offset, size_bytes, kSmram)) update_smram();
}

void I440fx::apply_pam() {
  for (Segment& s : segments_)
    set_mode(s, static_cast<PamMode>((config8(s.pam_register) >> s.shift) & 0x3));
}

void I440fx::unmap_segment(Segment& segment) {
  if (segment.mapped) memory_.unmap(segment.base);
  segment.mapped = false;
}

std::vector<uint8_t> I440fx::read_dram(const Segment& segment) {
  std::vector<uint8_t> bytes(segment.window_bytes);
  memory_.map_ram(segment.base, segment.window_bytes);
  memory_.copy_from_guest(segment.base, bytes);
  memory_.unmap(segment.base);
  return bytes;
}

void I440fx::write_dram(const Segment& segment, std::span<const uint8_t> bytes) {
  memory_.map_ram(segment.base, segment.window_bytes);
  memory_.copy_to_guest(segment.base, bytes);
  memory_.unmap(segment.base);
}

void I440fx::set_mode(Segment& segment, PamMode mode) {
  if (segment.mode == mode) return;
  log()->debug("i440fx: {:#x}-{:#x} now {}", segment.base, segment.base + segment.window_bytes - 1,
               mode_name(mode));
  unmap_segment(segment);
  // Writes collected in write-only mode land in the RAM now that the mode changes.
  if (segment.mode == PamMode::kWriteDram) {
    write_dram(segment, segment.pending_writes);
    segment.pending_writes.clear();
    segment.pending_writes.shrink_to_fit();
  }
  segment.mode = mode;
  switch (mode) {
    case PamMode::kPci:
      if (!segment.rom.empty()) {
        memory_.map_rom("isa-bios", segment.base, segment.rom);
        segment.mapped = true;
      }
      break;
    case PamMode::kReadDram:
      memory_.map_rom("shadow-ram-ro", segment.base, read_dram(segment));
      segment.mapped = true;
      break;
    case PamMode::kWriteDram:
      segment.pending_writes = read_dram(segment);
      memory_.map_mmio("shadow-ram-wo", segment.base, segment.window_bytes, segment);
      segment.mapped = true;
      break;
    case PamMode::kDram:
      memory_.map_ram(segment.base, segment.window_bytes);
      segment.mapped = true;
      break;
  }
}

void I440fx::update_smram() {
  uint8_t smram = config8(kSmram);
  if (smram & kSmramLock) {
    // D_LCK closes SMRAM and freezes D_OPEN, D_LCK and G_SMRAME until a power-on reset.
    smram = static_cast<uint8_t>(smram & ~kSmramOpen);
    set_config8(kSmram, smram);
    set_write_mask8(kSmram, kSmramClose);
  }
  if ((smram & (kSmramOpen | kSmramEnable)) != 0 && !smram_logged_) {
    smram_logged_ = true;
    log::once(log(), "i440fx: SMRAM control written (SMM is not emulated; 0xA0000 stays VGA)");
  }
}

}  // namespace trapeze
