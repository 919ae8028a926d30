#include "frontend/device_summary.h"

#include <fmt/format.h>

namespace trapeze {

std::string pic_summary(Machine& machine) {
  const Pic8259& pic = machine.pic();
  return fmt::format(
      "PIC master: base={:02x} IRR={:02x} ISR={:02x} IMR={:02x}\n"
      "PIC slave:  base={:02x} IRR={:02x} ISR={:02x} IMR={:02x}\n",
      pic.master().vector_base(), pic.master().irr(), pic.master().isr(), pic.master().imr(),
      pic.slave().vector_base(), pic.slave().irr(), pic.slave().isr(), pic.slave().imr());
}

std::string pit_summary(Machine& machine) {
  const Pit8254& pit = machine.pit();
  std::string out;
  for (unsigned c = 0; c < 3; ++c)
    out += fmt::format("PIT counter {}: count={:04x} status={:02x} (mode {})\n", c,
                       pit.peek_count(c), pit.peek_status(c), (pit.peek_status(c) >> 1) & 7);
  return out;
}

std::string apic_summary(Machine& machine) {
  const LocalApic& a = machine.local_apic();
  std::string out = fmt::format(
      "local APIC: id={:08x} tpr={:02x} svr={:08x} ({})\n"
      "  timer lvt={:08x} initial={:08x} current={:08x} divide={:x}\n"
      "  lint0={:08x} lint1={:08x} error={:08x}\n",
      a.peek(LocalApic::kId), a.peek(LocalApic::kTpr), a.peek(LocalApic::kSvr),
      a.software_enabled() ? "enabled" : "disabled", a.peek(LocalApic::kLvtTimer),
      a.peek(LocalApic::kInitialCount), a.peek(LocalApic::kCurrentCount),
      a.peek(LocalApic::kDivide), a.peek(LocalApic::kLvtLint0), a.peek(LocalApic::kLvtLint1),
      a.peek(LocalApic::kLvtError));
  out += "  ISR:";
  for (int i = 7; i >= 0; --i) out += fmt::format(" {:08x}", a.peek(LocalApic::kIsr + 0x10 * i));
  out += "\n  IRR:";
  for (int i = 7; i >= 0; --i) out += fmt::format(" {:08x}", a.peek(LocalApic::kIrr + 0x10 * i));
  out += "\n";
  const IoApic& io = machine.io_apic();
  out +=
      fmt::format("I/O APIC: id={:08x} version={:08x}\n", io.peek_register(0), io.peek_register(1));
  for (unsigned pin = 0; pin < 24; ++pin) {
    const uint32_t low = io.peek_register(static_cast<uint8_t>(0x10 + 2 * pin));
    if (low & (1u << 16)) continue;  // masked pins are the uninteresting majority
    out += fmt::format("  pin {:2}: {:08x}{:08x}\n", pin,
                       io.peek_register(static_cast<uint8_t>(0x11 + 2 * pin)), low);
  }
  return out;
}

std::string ide_summary(Machine& machine) {
  std::string out;
  for (unsigned c = 0; c < 2; ++c) {
    IdeChannel& ch = machine.ide().channel(c);
    const uint16_t base =
        c == 0 ? IdeChannel::kPrimaryCommandPort : IdeChannel::kSecondaryCommandPort;
    out += fmt::format(
        "IDE {}: unit {} selected, status={:02x} error={:02x} count={:02x} lba={:02x}{:02x}{:02x} "
        "device={:02x} control={:02x} bus-master cmd={:02x} status={:02x}\n",
        c == 0 ? "primary" : "secondary", ch.selected_unit(), ch.peek(base + 7), ch.peek(base + 1),
        ch.peek(base + 2), ch.peek(base + 5), ch.peek(base + 4), ch.peek(base + 3),
        ch.peek(base + 6), ch.device_control(), machine.ide().peek_bus_master(8 * c),
        machine.ide().peek_bus_master(8 * c + 2));
    if (IdeDevice* d = ch.selected()) out += "  " + d->describe() + "\n";
  }
  return out;
}

}  // namespace trapeze
