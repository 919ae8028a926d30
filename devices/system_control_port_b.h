// Port 0x61, "system control port B" on the AT, which the PIIX3 calls the NMI Status and
// Control register (Intel 82371FB/SB datasheet, section 4.7 "NMISC"): the speaker and
// PIT counter 2 controls, the DRAM refresh toggle, and NMI source status and enables.
//
//   bit 7  SERR# NMI source status (read-only; nothing raises it here, reads 0)
//   bit 6  IOCHK# NMI source status (read-only; reads 0)
//   bit 5  PIT counter 2 OUT (read-only): SeaBIOS's TSC calibration and Linux's PIT
//          calibration poll it
//   bit 4  refresh cycle toggle (read-only): flips with every DRAM refresh request
//   bit 3  IOCHK# NMI enable (0 = enabled)
//   bit 2  PCI SERR# NMI enable (0 = enabled)
//   bit 1  speaker data enable: the speaker hears counter 2 OUT AND this bit
//   bit 0  PIT counter 2 GATE
//
// Wiring: SystemControlPortB port_b(io, pit);  // maps 0x61 (8-bit); the PIT outlives it
//
// The refresh toggle is computed from virtual time: it flips every 18 PIT clocks (15.09
// us), the refresh period a PC BIOS programs into counter 1, without looking at counter
// 1 (SeaBIOS never programs it, and old BIOS delay loops count these flips).
#pragma once

#include <spdlog/logger.h>

#include <cstdint>
#include <memory>

#include "devices/io_bus.h"
#include "devices/pit8254.h"

namespace trapeze {

class SystemControlPortB : public IoHandler {
 public:
  static constexpr uint16_t kPort = 0x61;
  static constexpr uint8_t kTimer2Gate = 0x01;
  static constexpr uint8_t kSpeakerData = 0x02;
  static constexpr uint8_t kSerrNmiDisable = 0x04;
  static constexpr uint8_t kIochkNmiDisable = 0x08;
  static constexpr uint8_t kRefreshToggle = 0x10;
  static constexpr uint8_t kTimer2Output = 0x20;
  static constexpr uint8_t kIochkNmiStatus = 0x40;
  static constexpr uint8_t kSerrNmiStatus = 0x80;
  static constexpr uint8_t kWritableBits = 0x0F;
  // DRAM refresh every 18 PIT clocks: the toggle's half-period.
  static constexpr uint64_t kRefreshPeriodTicks = 18;

  SystemControlPortB(IoBus& bus, Pit8254& pit);
  SystemControlPortB(const SystemControlPortB&) = delete;
  SystemControlPortB& operator=(const SystemControlPortB&) = delete;

  // Machine reset: bits 0-3 clear (counter 2 gated off, speaker off, NMIs enabled).
  void reset();

  // Whether the speaker is sounding counter 2's output (bit 1), and its level now.
  bool speaker_enabled() const { return control_ & kSpeakerData; }
  bool speaker_level() const;
  // The value a read would return now (reads have no side effects on this port).
  uint8_t peek() const;

  // IoHandler.
  uint32_t io_read(uint16_t port, unsigned size_bytes) override;
  void io_write(uint16_t port, unsigned size_bytes, uint32_t value) override;

 private:
  Pit8254& pit_;
  uint8_t control_ = 0;  // bits 0-3 as written
  std::shared_ptr<spdlog::logger> log_;
  IoRegistration registration_;
};

}  // namespace trapeze
