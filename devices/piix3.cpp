#include "devices/piix3.h"

#include <stdexcept>

#include "cpu/log.h"

namespace trapeze {

namespace {

// ISA IRQs a PIRQ may be steered to (82371SB datasheet, PIRQRC bits 3:0); other values
// are reserved and route nowhere.
constexpr uint16_t kRoutableIrqs = 0xDEF8;  // 3-7, 9-12, 14, 15

}  // namespace

Piix3::Piix3(PciBus& bus, IoBus& io, PciAddress address)
    : PciDevice(bus, address, "piix3",
                PciIdentity{kVendorId, kDeviceId, 0x00, 0x060100 /* ISA bridge */,
                            pci::kHeaderMultiFunction, pci::kQemuSubsystemVendorId,
                            pci::kQemuSubsystemId, 0}),
      bus_(bus),
      elcr_registration_(io.map("piix3-elcr", kElcr1Port, kElcr2Port, kIoWidth8, *this)) {
  define_registers();
  bus_.set_passthrough_handler(this);
}

Piix3::~Piix3() { bus_.set_passthrough_handler(nullptr); }

void Piix3::define_registers() {
  using namespace pci;
  // Function 0 always decodes I/O and memory and masters the ISA DMA (bits 0-2 read as
  // one); special cycles and SERR reporting are writable.
  define_register16(kCommand, kCommandIo | kCommandMemory | kCommandMaster, 0x0008 | kCommandSerr);
  define_register16(kStatus, kStatusFastBackToBack | kStatusDevselMedium, 0, kStatusErrorBits);
  define_register8(0x4C, 0x4D, 0xFF);       // IORT: ISA I/O recovery timer
  define_register16(0x4E, 0x0003, 0xFFFF);  // XBCS: X-bus chip selects (RTC, keyboard, BIOS)
  for (unsigned i = 0; i < kPirqCount; ++i)
    define_register8(static_cast<uint8_t>(kPirqRoute + i), kPirqRouteDisable,
                     kPirqRouteDisable | kPirqRouteIrqMask);
  define_register8(kTopOfMemory, 0x02, 0xFF);  // TOM: ISA/DMA forwarding below 16 MiB
  // MSTAT: USB enable (bit 4) stays clear, as there is no USB function at 01.2.
  define_register16(0x6A, 0x0000, 0xFFFF);
  define_register8(0x70, 0x80, 0xCF);               // MBIRQ0: motherboard device IRQ, routing off
  define_register16(0x76, 0x0404, 0x8787);          // MBDMA0/1: type F DMA channels, none
  define_register16(0x78, 0x0002, 0xFFFF);          // PCSC: programmable chip select
  define_register8(0x80, 0x00, 0x7F);               // APICBASE: I/O APIC at 0xFEC00000
  define_register8(0x82, 0x00, 0x0F);               // DLC: deterministic latency control
  define_register8(0xA0, 0x08, 0xFF);               // SMICNTL
  define_register16(0xA2, 0x0000, 0xFFFF);          // SMIEN
  define_register32(0xA4, 0x00000000, 0xFFFFFFFF);  // SEE: system event enable
  define_register8(0xA8, 0x0F, 0xFF);               // FTMR: fast-off timer
  define_register16(0xAA, 0x0000, 0xFFFF);          // SMIREQ
  define_register8(0xAC, 0x00, 0xFF);               // CTLTMR: clock throttle low timer
  define_register8(0xAE, 0x00, 0xFF);               // CTHTMR: clock throttle high timer
}

void Piix3::reset() {
  reset_config();
  reset_control_ = 0;
  elcr_ = 0;
  if (elcr_listener_) elcr_listener_(elcr_);
  update_irqs();
}

void Piix3::set_irq_output(std::function<void(unsigned irq, bool level)> output) {
  irq_output_ = std::move(output);
  // Tell the new end what is already asserted, as IrqLine::connect does.
  if (!irq_output_) return;
  for (unsigned irq = 0; irq < 16; ++irq) {
    if (driven_levels_ & (1u << irq)) irq_output_(irq, true);
  }
}

void Piix3::set_elcr_listener(std::function<void(uint16_t level_mask)> listener) {
  elcr_listener_ = std::move(listener);
  if (elcr_listener_) elcr_listener_(elcr_);
}

// ---- PCI interrupt routing ----

IrqLine::Sink Piix3::pci_interrupt(unsigned pirq) {
  if (pirq >= kPirqCount) throw std::invalid_argument("piix3: PIRQ line out of range (0-3)");
  const size_t index = sources_.size();
  sources_.push_back(Source{pirq, false});
  return [this, index](bool level) { set_source(index, level); };
}

void Piix3::set_source(size_t index, bool asserted) {
  Source& source = sources_[index];
  if (source.asserted == asserted) return;
  source.asserted = asserted;
  if (asserted) {
    ++asserted_count_[source.pirq];
  } else {
    --asserted_count_[source.pirq];
  }
  update_irqs();
}

std::optional<unsigned> Piix3::pirq_irq(unsigned pirq) const {
  if (pirq >= kPirqCount) return std::nullopt;
  const uint8_t route = config8(static_cast<uint8_t>(kPirqRoute + pirq));
  if (route & kPirqRouteDisable) return std::nullopt;
  const unsigned irq = route & kPirqRouteIrqMask;
  if ((kRoutableIrqs & (1u << irq)) == 0) return std::nullopt;
  return irq;
}

void Piix3::update_irqs() {
  uint16_t levels = 0;
  for (unsigned pirq = 0; pirq < kPirqCount; ++pirq) {
    if (asserted_count_[pirq] == 0) continue;
    if (auto irq = pirq_irq(pirq)) levels = static_cast<uint16_t>(levels | (1u << *irq));
  }
  const uint16_t changed = levels ^ driven_levels_;
  driven_levels_ = levels;
  if (!irq_output_) return;
  for (unsigned irq = 0; irq < 16; ++irq) {
    if (changed & (1u << irq)) irq_output_(irq, (levels >> irq) & 1);
  }
}

void Piix3::config_written(uint8_t offset, unsigned size_bytes) {
  if (touches_range(offset, size_bytes, kPirqRoute, kPirqRoute + kPirqCount - 1)) {
    for (unsigned pirq = 0; pirq < kPirqCount; ++pirq) {
      const uint8_t route = config8(static_cast<uint8_t>(kPirqRoute + pirq));
      if ((route & kPirqRouteDisable) == 0 && !pirq_irq(pirq))
        log::once(log(), "piix3: PIRQ routed to a reserved IRQ number; the line stays unrouted");
    }
    update_irqs();
  }
  // SMI sources (SMICNTL bit 0 gates them, SMIEN selects them): SMM is not emulated.
  if (touches_range(offset, size_bytes, 0xA0, 0xA3) && (config8(0xA0) & 0x01) != 0 &&
      config16(0xA2) != 0)
    log::once(log(), "piix3: SMI sources enabled; SMIs are not emulated");
}

// ---- ELCR and reset control ----

uint8_t Piix3::read_byte(uint16_t port) const {
  switch (port) {
    case kElcr1Port:
      return static_cast<uint8_t>(elcr_);
    case kElcr2Port:
      return static_cast<uint8_t>(elcr_ >> 8);
    case kResetControlPort:
      return reset_control_;
    default:
      return 0xFF;  // the rest of 0xCF8-0xCFB: nothing decodes byte cycles there
  }
}

void Piix3::write_byte(uint16_t port, uint8_t value) {
  switch (port) {
    case kElcr1Port:
    case kElcr2Port: {
      const unsigned shift = port == kElcr1Port ? 0 : 8;
      const uint16_t bits = static_cast<uint16_t>(value << shift);
      const uint16_t mask = static_cast<uint16_t>(kElcrMask & (0xFF << shift));
      elcr_ = static_cast<uint16_t>((elcr_ & ~mask) | (bits & mask));
      if (elcr_listener_) elcr_listener_(elcr_);
      break;
    }
    case kResetControlPort:
      // SRST is kept; RCPU is an action, not a state. The machine has one reset: a soft
      // reset (INIT, which would keep the devices' state) restarts everything as a hard
      // one does. Firmware and Linux ask for the hard kind (0x02 then 0x06).
      reset_control_ = value & kResetSystem;
      if (value & kResetCpu) {
        log()->debug("piix3: {} reset through 0xCF9", (value & kResetSystem) ? "hard" : "soft");
        if (reset_listener_) reset_listener_();
      }
      break;
    default:
      break;
  }
}

uint32_t Piix3::io_read(uint16_t port, unsigned size_bytes) {
  uint32_t value = 0;
  for (unsigned i = 0; i < size_bytes; ++i)
    value |= uint32_t{read_byte(static_cast<uint16_t>(port + i))} << (8 * i);
  return value;
}

void Piix3::io_write(uint16_t port, unsigned size_bytes, uint32_t value) {
  for (unsigned i = 0; i < size_bytes; ++i)
    write_byte(static_cast<uint16_t>(port + i), static_cast<uint8_t>(value >> (8 * i)));
}

}  // namespace trapeze
