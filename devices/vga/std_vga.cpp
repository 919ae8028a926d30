#include "devices/vga/std_vga.h"

#include <fmt/format.h>

#include <algorithm>

#include "devices/vga/display_timing.h"
#include "devices/vga/text_screen.h"

namespace trapeze {

namespace {

PciIdentity std_vga_identity() {
  PciIdentity id;
  id.vendor_id = StdVga::kVendorId;
  id.device_id = StdVga::kDeviceId;
  id.revision = StdVga::kRevision;
  id.class_code = StdVga::kClassVga;
  id.subsystem_vendor_id = pci::kQemuSubsystemVendorId;
  id.subsystem_id = pci::kQemuSubsystemId;
  return id;
}

// The framebuffer BAR: video memory mapped like RAM, with write tracking for the
// renderer's dirty check.
PciBarMapping framebuffer_mapping(AddressMap& memory, std::span<uint8_t> vram,
                                  std::shared_ptr<std::optional<uint64_t>> mapped_base) {
  return PciBarMapping{[&memory, vram, mapped_base](uint64_t base, uint64_t /*size_bytes*/) {
                         memory.map_ram_buffer("vga-lfb", base, vram, true);
                         *mapped_base = base;
                       },
                       [&memory, mapped_base] {
                         if (*mapped_base) memory.unmap(**mapped_base);
                         mapped_base->reset();
                       }};
}

}  // namespace

StdVga::StdVga(PciBus& bus, IoBus& io, AddressMap& memory, std::vector<uint8_t> rom,
               std::function<uint64_t()> clock_ns)
    : PciDevice(bus, kAddress, "vga", std_vga_identity()),
      address_map_(memory),
      clock_ns_(std::move(clock_ns)),
      memory_(regs_, kVideoMemoryBytes),
      dispi_(kVideoMemoryBytes),
      lfb_base_(std::make_shared<std::optional<uint64_t>>()) {
  define_bar(0, PciBarType::kMemory32Prefetchable, kVideoMemoryBytes,
             framebuffer_mapping(memory, memory_.bytes(), lfb_base_));
  if (!rom.empty()) define_rom_image(memory, "vga-rom", std::move(rom));
  vga_ports_ = io.map("vga", 0x3B0, 0x3DF, kIoWidth8, *this);
  dispi_ports_ = io.map("vbe-dispi", vga::VbeDispi::kIndexPort, vga::VbeDispi::kDataPort,
                        kIoWidth8 | kIoWidth16, *this);
  memory.map_mmio("vga-window", kLegacyWindowBase, kLegacyWindowBytes, *this);
  reset();
}

StdVga::~StdVga() { address_map_.unmap(kLegacyWindowBase); }

void StdVga::reset() {
  reset_config();
  const vga::Dac dac_keep = regs_.dac;  // the DAC has no reset line; its RAM keeps colours
  regs_ = vga::VgaRegisters{};
  regs_.dac = dac_keep;
  regs_.dac.set_eight_bit(false);
  dispi_.reset();
  ++register_generation_;
}

bool StdVga::inactive_port(uint16_t port) const {
  const bool mono_port = port >= 0x3B0 && port <= 0x3BF;
  const bool color_port = port >= 0x3D0 && port <= 0x3DF;
  return regs_.color_ports() ? mono_port : color_port;
}

uint32_t StdVga::io_read(uint16_t port, unsigned size_bytes) {
  if (port == vga::VbeDispi::kIndexPort) return dispi_.index();
  if (port == vga::VbeDispi::kDataPort) {
    const uint16_t v = dispi_.read_data();
    return size_bytes == 1 ? v & 0xFF : v;
  }
  return read_port(port);
}

void StdVga::io_write(uint16_t port, unsigned size_bytes, uint32_t value) {
  (void)size_bytes;
  ++register_generation_;
  if (port == vga::VbeDispi::kIndexPort) {
    dispi_.set_index(static_cast<uint16_t>(value));
  } else if (port == vga::VbeDispi::kDataPort) {
    write_dispi(static_cast<uint16_t>(value));
  } else {
    write_port(port, static_cast<uint8_t>(value));
  }
}

uint8_t StdVga::read_port(uint16_t port) {
  if (inactive_port(port)) return 0xFF;
  switch (port) {
    case 0x3C0:
      return regs_.attribute.read_index();
    case 0x3C1:
      return regs_.attribute.read_data();
    case 0x3C2:
      return 0x00;  // input status 0: no switch sense, no CRT interrupt
    case 0x3C4:
      return regs_.sequencer.index;
    case 0x3C5:
      return regs_.sequencer.read_data();
    case 0x3C6:
      return regs_.dac.pel_mask();
    case 0x3C7:
      return regs_.dac.state();
    case 0x3C8:
      return regs_.dac.write_index();
    case 0x3C9:
      return regs_.dac.read_data();
    case 0x3CA:
      return regs_.feature_control;
    case 0x3CC:
      return regs_.misc_output;
    case 0x3CE:
      return regs_.graphics.index;
    case 0x3CF:
      return regs_.graphics.read_data();
    case 0x3B4:
    case 0x3D4:
      return regs_.crtc.index;
    case 0x3B5:
    case 0x3D5:
      return regs_.crtc.read_data();
    case 0x3BA:
    case 0x3DA:
      // Reading input status 1 sends the attribute flip-flop back to "index".
      regs_.attribute.reset_flip_flop();
      return vga::DisplayTiming::input_status_bits(clock_ns_());
    default:
      return 0xFF;
  }
}

void StdVga::write_port(uint16_t port, uint8_t value) {
  if (inactive_port(port)) return;
  switch (port) {
    case 0x3C0:
      regs_.attribute.write(value);
      return;
    case 0x3C2:
      regs_.misc_output = value;
      return;
    case 0x3C4:
      regs_.sequencer.index = value;
      return;
    case 0x3C5:
      regs_.sequencer.write_data(value);
      return;
    case 0x3C6:
      regs_.dac.set_pel_mask(value);
      return;
    case 0x3C7:
      regs_.dac.set_read_index(value);
      return;
    case 0x3C8:
      regs_.dac.set_write_index(value);
      return;
    case 0x3C9:
      regs_.dac.write_data(value);
      return;
    case 0x3CE:
      regs_.graphics.index = value;
      return;
    case 0x3CF:
      regs_.graphics.write_data(value);
      return;
    case 0x3B4:
    case 0x3D4:
      regs_.crtc.index = value;
      return;
    case 0x3B5:
    case 0x3D5:
      regs_.crtc.write_data(value);
      return;
    case 0x3BA:
    case 0x3DA:
      regs_.feature_control = value;
      return;
    default:
      return;  // 0x3C3 video subsystem enable and the unused ports
  }
}

void StdVga::write_dispi(uint16_t value) {
  const vga::VbeDispi::WriteEffect effect = dispi_.write_data(value);
  if (effect.dac_width_changed) regs_.dac.set_eight_bit(dispi_.eight_bit_dac());
  if (!effect.enabled_now) return;
  // What QEMU does on a mode switch, so the legacy window reaches the framebuffer as
  // the BIOS's banked modes expect: graphics, a 64 KiB window at 0xA0000, chain-4 for
  // the packed-pixel depths (planar for 4 bpp), all planes writable.
  vga::GraphicsController& gc = regs_.graphics;
  gc.regs[vga::GraphicsController::kMisc] =
      (gc.regs[vga::GraphicsController::kMisc] & ~0x0C) | 0x05;
  uint8_t& memory_mode = regs_.sequencer.regs[vga::Sequencer::kMemoryMode];
  memory_mode = dispi_.bpp() == 4 ? (memory_mode & ~0x08) | 0x06 : memory_mode | 0x08;
  regs_.sequencer.regs[vga::Sequencer::kMapMask] = 0x0F;
  if (effect.clear_memory) {
    const size_t visible = std::min<size_t>(
        size_t{dispi_.line_bytes()} * dispi_.yres() * (dispi_.bpp() == 4 ? 4 : 1), memory_.size());
    std::fill_n(memory_.bytes().begin(), visible, 0);
    memory_.touch();
  }
}

uint64_t StdVga::read(uint64_t offset, unsigned size_bytes) {
  const uint32_t bank = dispi_.enabled() ? dispi_.bank_offset() : 0;
  uint64_t value = 0;
  for (unsigned i = 0; i < size_bytes; ++i) {
    const int64_t at = memory_.window_to_offset(static_cast<uint32_t>(offset + i), bank);
    const uint8_t byte = at < 0 ? 0xFF : memory_.read(static_cast<uint32_t>(at));
    value |= uint64_t{byte} << (8 * i);
  }
  return value;
}

void StdVga::write(uint64_t offset, unsigned size_bytes, uint64_t value) {
  const uint32_t bank = dispi_.enabled() ? dispi_.bank_offset() : 0;
  for (unsigned i = 0; i < size_bytes; ++i) {
    const int64_t at = memory_.window_to_offset(static_cast<uint32_t>(offset + i), bank);
    if (at >= 0) memory_.write(static_cast<uint32_t>(at), static_cast<uint8_t>(value >> (8 * i)));
  }
}

vga::BlinkPhase StdVga::blink_phase() const {
  const uint64_t frame = vga::DisplayTiming::frame_number(clock_ns_());
  // The cursor blinks every 16 frames (8 on, 8 off), blinking characters every 32.
  return vga::BlinkPhase{((frame >> 3) & 1) == 0, ((frame >> 4) & 1) == 0};
}

FrameView StdVga::frame() {
  if (*lfb_base_ && address_map_.take_writes(**lfb_base_)) ++lfb_generation_;
  DrawnFrom now{register_generation_, memory_.generation(), lfb_generation_, true, true};
  const vga::BlinkPhase blink = blink_phase();
  const bool text = vga::display_mode(regs_, dispi_) == vga::DisplayMode::kText;
  if (text) {
    now.cursor_visible = blink.cursor_visible;
    now.characters_visible = blink.characters_visible;
  }
  if (now != drawn_from_) {
    drawn_from_ = now;
    RowRange changed;
    if (text) {
      // Cell by cell: a blink phase or a typed character redraws a few cells.
      changed = vga::render_text(regs_, memory_, blink, frame_, &text_cells_);
    } else {
      text_cells_.clear();  // the graphics picture overwrites what the cache describes
      vga::render(regs_, memory_, dispi_, blink, frame_);
      changed = RowRange{0, frame_.height};
    }
    // A write that changed nothing visible (the same character again, a register the
    // picture does not use) makes no new frame, so the window has nothing to present.
    if (!changed.empty()) {
      ++frame_generation_;
      changed_ = changed;
    }
  }
  return FrameView{frame_.width, frame_.height, frame_.pixels, frame_generation_, changed_};
}

std::optional<std::string> StdVga::text_screen() {
  return vga::text_screen(regs_, memory_, dispi_);
}

}  // namespace trapeze
