#include "cpu/fpu/x87_state.h"

namespace trapeze {

unsigned X87::tag(unsigned n) const {
  if (!((valid >> n) & 1)) return x87tag::kEmpty;
  switch (fpu::classify(regs[n])) {
    case fpu::Class::kZero: return x87tag::kZero;
    case fpu::Class::kNormal: return x87tag::kValid;
    default: return x87tag::kSpecial;  // NaN, infinity, denormal, unsupported
  }
}

uint16_t X87::tag_word() const {
  uint16_t tw = 0;
  for (unsigned n = 0; n < 8; ++n) tw = static_cast<uint16_t>(tw | (tag(n) << (2 * n)));
  return tw;
}

void X87::set_tag_word(uint16_t tw) {
  valid = 0;
  for (unsigned n = 0; n < 8; ++n)
    if (((tw >> (2 * n)) & 3) != x87tag::kEmpty) valid = static_cast<uint8_t>(valid | (1u << n));
}

void X87::init() {
  cw = x87cw::kDefault;
  sw = 0;
  valid = 0;
  fop = 0;
  fip = fdp = 0;
  fcs = fds = 0;
  set_ferr(false);
}

void X87::power_on() {
  init();
  cw = x87cw::kReserved1;
  valid = 0xFF;
  regs.fill(fpu::Float80{});
}

void X87::recompute_error_summary() {
  if (sw & ~cw & x87cw::kMasks) {
    sw |= x87sw::ES | x87sw::B;
  } else {
    sw &= static_cast<uint16_t>(~(x87sw::ES | x87sw::B));
    set_ferr(false);
  }
}

void X87::set_ferr(bool asserted) {
  if (!asserted) ignne = false;
  if (ferr == asserted) return;
  ferr = asserted;
  if (error_sink) error_sink->fpu_error(asserted);
}

}  // namespace trapeze
