#include "devices/e1000/e1000_eeprom.h"

#include "devices/e1000/e1000_registers.h"

namespace trapeze::e1000 {

namespace {
// Word 03h: compatibility (no special features); 04h: LED settings, FFFFh meaning
// "use the defaults" to Linux's e1000_id_led_init; 0Ah/0Fh: initialization control 1 and
// 2 (0Ah bit 14:13 = 01b says the image is valid, 5.6.8); 0Bh-0Eh: the PCI subsystem
// and device IDs the card loads at power-on.
constexpr uint16_t kInitControl1Valid = 0x4000;
constexpr uint16_t kDeviceId82540Em = 0x100E;
constexpr uint16_t kVendorIntel = 0x8086;
constexpr uint32_t kReadOpcode = 0b110;  // start bit, then READ (10b)
}  // namespace

Eeprom::Eeprom(const MacAddress& mac) {
  for (unsigned i = 0; i < 3; ++i) {
    words_[i] = static_cast<uint16_t>(mac[2 * i] | mac[2 * i + 1] << 8);
  }
  words_[0x04] = 0xFFFF;
  words_[0x0A] = kInitControl1Valid;
  words_[0x0B] = kDeviceId82540Em;  // subsystem ID
  words_[0x0C] = kVendorIntel;      // subsystem vendor ID
  words_[0x0D] = kDeviceId82540Em;
  words_[0x0E] = kVendorIntel;
  uint16_t sum = 0;
  for (unsigned i = 0; i < kChecksumWord; ++i) sum = static_cast<uint16_t>(sum + words_[i]);
  words_[kChecksumWord] = static_cast<uint16_t>(kChecksumTarget - sum);
}

void Eeprom::write_pins(uint32_t eecd) {
  const bool select = (eecd & kEecdCs) != 0;
  const bool clock = (eecd & kEecdSk) != 0;
  if (!select) {
    // Deselecting ends any command; DO floats high.
    selected_ = false;
    bits_in_ = 0;
    shift_in_ = 0;
    reading_ = false;
    data_out_ = true;
    clock_ = clock;
    return;
  }
  selected_ = true;
  const bool rising = clock && !clock_;
  clock_ = clock;
  if (!rising) return;
  if (reading_) {
    // Each rising edge presents the next data bit; the stream runs on into the next word.
    ++read_bit_;
    const unsigned bit = read_bit_ % (kWords * 16);
    data_out_ = ((words_[bit / 16] >> (15 - bit % 16)) & 1) != 0;
    return;
  }
  // Leading zeros before the start bit are ignored (5.3.1: the start bit is the first 1).
  if (bits_in_ == 0 && (eecd & kEecdDi) == 0) return;
  shift_in_ = shift_in_ << 1 | ((eecd & kEecdDi) ? 1u : 0u);
  ++bits_in_;
  if (bits_in_ == 3 + kAddressBits) {
    const uint32_t opcode = shift_in_ >> kAddressBits;
    const uint32_t address = shift_in_ & ((1u << kAddressBits) - 1);
    if (opcode == kReadOpcode) {
      // The chip answers with a dummy 0, then bit 15 of the word on the next edge.
      reading_ = true;
      read_bit_ = address * 16 - 1;
      data_out_ = false;
    }
    // Writes, erases and their enables are ignored: the contents are fixed.
    bits_in_ = 0;
    shift_in_ = 0;
  }
}

void Eeprom::write_eerd(uint32_t value) {
  if ((value & kEerdStart) == 0) {
    eerd_ = value & ~kEerdDone;
    return;
  }
  const unsigned address = (value >> 8) & 0xFF;
  eerd_ = (value & 0xFF00) | kEerdDone | uint32_t{word(address)} << 16;
}

}  // namespace trapeze::e1000
