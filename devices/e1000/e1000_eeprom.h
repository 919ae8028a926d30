// The 82540EM's serial EEPROM: 64 words of Microwire (8254x SDM chapter 5), read by
// software either by bit-banging EECD (SK clock, CS select, DI in, DO out; a READ is a
// start bit, opcode 10b and a 6-bit address, then 16 data bits MSB first, continuing
// into the next word while CS stays high) or through EERD (13.4.4), which the 82540
// also has.
//
// Contents (5.6): words 0-2 the MAC address, little-endian pairs; the rest the
// configuration words Linux's e1000 reads (compatibility, LED settings, init control);
// word 3Fh makes the sum of all 64 words 0BABAh, the checksum drivers verify.
#pragma once

#include <array>
#include <cstdint>

#include "devices/network_card.h"

namespace trapeze::e1000 {

class Eeprom {
 public:
  static constexpr unsigned kWords = 64;
  static constexpr unsigned kAddressBits = 6;
  static constexpr uint16_t kChecksumTarget = 0xBABA;
  static constexpr unsigned kChecksumWord = 0x3F;

  explicit Eeprom(const MacAddress& mac);

  uint16_t word(unsigned index) const { return words_[index % kWords]; }

  // EECD: the pins software drives (SK, CS, DI) and the DO it reads back.
  void write_pins(uint32_t eecd);
  bool data_out() const { return data_out_; }

  // EERD: a read started by a write with the start bit; the result is ready at once.
  uint32_t eerd() const { return eerd_; }
  void write_eerd(uint32_t value);

 private:
  std::array<uint16_t, kWords> words_{};
  // Microwire state.
  bool clock_ = false;
  bool selected_ = false;
  unsigned bits_in_ = 0;
  uint32_t shift_in_ = 0;
  bool reading_ = false;
  unsigned read_bit_ = 0;  // bit index into the word stream (address * 16 + bit)
  bool data_out_ = true;   // DO idles high (pulled up)
  uint32_t eerd_ = 0;
};

}  // namespace trapeze::e1000
