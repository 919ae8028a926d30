// Decimal arithmetic: DAA DAS AAA AAS AAM AAD, and the undocumented SALC.
#include "cpu/opcode_table.h"
#include "cpu/operands.h"

namespace trapeze {
namespace {

uint8_t al(const Cpu& c) { return c.reg<uint8_t>(kRax); }

void daa(Cpu& c, const Insn&) {
  const uint8_t old_al = al(c);
  const bool old_cf = c.flags.cf();
  uint8_t v = old_al;
  bool cf = false, af = false;
  if ((v & 0x0F) > 9 || c.flags.af()) {
    cf = old_cf || v > 0xF9;
    v = static_cast<uint8_t>(v + 6);
    af = true;
  }
  if (old_al > 0x99 || old_cf) {
    v = static_cast<uint8_t>(v + 0x60);
    cf = true;
  }
  c.set_reg<uint8_t>(kRax, v);
  c.flags.set_result(v, cf, false, af);
}

void das(Cpu& c, const Insn&) {
  const uint8_t old_al = al(c);
  const bool old_cf = c.flags.cf();
  uint8_t v = old_al;
  bool cf = false, af = false;
  if ((v & 0x0F) > 9 || c.flags.af()) {
    cf = old_cf || v < 6;
    v = static_cast<uint8_t>(v - 6);
    af = true;
  }
  if (old_al > 0x99 || old_cf) {
    v = static_cast<uint8_t>(v - 0x60);
    cf = true;
  }
  c.set_reg<uint8_t>(kRax, v);
  c.flags.set_result(v, cf, false, af);
}

// AAA/AAS adjust all of AX (the 286-and-later form, not the 8086's AL-only one).
void aaa(Cpu& c, const Insn&) {
  uint16_t ax = c.reg<uint16_t>(kRax);
  const bool adjust = (ax & 0x0F) > 9 || c.flags.af();
  if (adjust) ax = static_cast<uint16_t>(ax + 0x106);
  ax &= 0xFF0F;
  c.set_reg<uint16_t>(kRax, ax);
  c.flags.set_result(static_cast<uint8_t>(ax), adjust, false, adjust);
}

void aas(Cpu& c, const Insn&) {
  uint16_t ax = c.reg<uint16_t>(kRax);
  const bool adjust = (ax & 0x0F) > 9 || c.flags.af();
  if (adjust) {
    ax = static_cast<uint16_t>(ax - 6);
    ax = static_cast<uint16_t>(ax - 0x100);
  }
  ax &= 0xFF0F;
  c.set_reg<uint16_t>(kRax, ax);
  c.flags.set_result(static_cast<uint8_t>(ax), adjust, false, adjust);
}

void aam(Cpu& c, const Insn& i) {
  const uint8_t base = static_cast<uint8_t>(i.imm);
  if (base == 0) c.raise(vec::kDivide);
  const uint8_t v = al(c);
  const uint8_t lo = static_cast<uint8_t>(v % base);
  c.set_reg<uint16_t>(kRax, static_cast<uint16_t>(((v / base) << 8) | lo));
  c.flags.set_result(lo, false, false, false);
}

void aad(Cpu& c, const Insn& i) {
  const uint8_t base = static_cast<uint8_t>(i.imm);
  const uint8_t product = static_cast<uint8_t>(c.reg<uint8_t>(4) * base);  // AH * base
  const uint8_t a = al(c);
  const uint8_t v = static_cast<uint8_t>(a + product);
  c.set_reg<uint16_t>(kRax, v);
  c.flags.set_add<uint8_t>(a, product, v);  // the hardware's undefined flags are an ADD's
}

void salc(Cpu& c, const Insn&) { c.set_reg<uint8_t>(kRax, c.flags.cf() ? 0xFF : 0x00); }

}  // namespace

std::vector<OpcodeRow> bcd_rows() {
  return {
      {0x27, -1, "daa", "", pick<daa>, attr::kNo64},
      {0x2F, -1, "das", "", pick<das>, attr::kNo64},
      {0x37, -1, "aaa", "", pick<aaa>, attr::kNo64},
      {0x3F, -1, "aas", "", pick<aas>, attr::kNo64},
      {0xD4, -1, "aam", "Ib", pick<aam>, attr::kNo64},
      {0xD5, -1, "aad", "Ib", pick<aad>, attr::kNo64},
      {0xD6, -1, "salc", "", pick<salc>, attr::kNo64},
  };
}

}  // namespace trapeze
