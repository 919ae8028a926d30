// Protected-mode system instructions: SLDT STR LLDT LTR VERR VERW (0F 00), LAR, LSL and
// ARPL. In real and virtual-8086 mode they do not exist (#UD).
#include "cpu/opcode_table.h"
#include "cpu/operands.h"

namespace trapeze {
namespace {

void require_protected_mode(Cpu& c) {
  if (!c.pm()) c.raise(vec::kInvalidOpcode);
}
void require_cpl0(Cpu& c) {
  if (c.cpl() != 0) c.raise(vec::kGeneral, 0);
}

// SLDT/STR: a register destination gets the selector zero-extended to the operand size.
template <bool TaskRegister>
struct StoreSystemSelector {
  template <typename T, bool M>
  static void run(Cpu& c, const Insn& i) {
    require_protected_mode(c);
    const uint16_t selector = TaskRegister ? c.tr.selector : c.ldtr.selector;
    if constexpr (M) c.write<uint16_t>(i.seg, c.effective_address(i), selector);
    else c.set_reg<T>(i.rm, static_cast<T>(selector));
  }
};
struct Lldt {
  template <typename T, bool M>
  static void run(Cpu& c, const Insn& i) {
    require_protected_mode(c);
    require_cpl0(c);
    c.load_ldt(read_e<uint16_t, M>(c, i), vec::kGeneral);
  }
};
struct Ltr {
  template <typename T, bool M>
  static void run(Cpu& c, const Insn& i) {
    require_protected_mode(c);
    require_cpl0(c);
    const uint16_t selector = read_e<uint16_t, M>(c, i);
    if ((selector & 0xFFFC) == 0) c.raise(vec::kGeneral, 0);
    if (selector & 4) c.raise(vec::kGeneral, c.selector_error(selector));
    Descriptor d = c.load_descriptor(selector, vec::kGeneral);
    if (!d.system() || (d.type() != sys::kTss16Available && d.type() != sys::kTss32Available))
      c.raise(vec::kGeneral, c.selector_error(selector));
    if (!d.present()) c.raise(vec::kNotPresent, c.selector_error(selector));
    // Mark the TSS busy in the GDT.
    c.write_system<uint8_t>(c.gdtr.base + (selector & 0xFFF8u) + 5, static_cast<uint8_t>((d.high >> 8) | 2));
    c.tr = Segment{selector, d.base(), d.limit(), static_cast<uint16_t>(d.rights() | 2)};
  }
};

// Would a data access through this selector be allowed at the current CPL?
bool visible(const Cpu& c, uint16_t selector, const Descriptor& d) {
  if (d.code() && d.conforming()) return true;
  return d.dpl() >= c.cpl() && d.dpl() >= (selector & 3u);
}

template <bool Write>
struct Verify {
  template <typename T, bool M>
  static void run(Cpu& c, const Insn& i) {
    require_protected_mode(c);
    const uint16_t selector = read_e<uint16_t, M>(c, i);
    Descriptor d;
    bool ok = (selector & 0xFFFC) != 0 && c.fetch_descriptor(selector, d) && !d.system() &&
              visible(c, selector, d) && (Write ? d.writable_data() : d.readable());
    c.flags.set(flag::ZF, ok);
  }
};

// Descriptor types LAR and LSL accept besides code and data segments.
bool lar_system_type(unsigned t) {
  return t == 1 || t == 2 || t == 3 || t == 4 || t == 5 || t == 9 || t == 11 || t == 12;
}
bool lsl_system_type(unsigned t) { return t == 1 || t == 2 || t == 3 || t == 9 || t == 11; }

template <bool Limit>
struct LoadAccess {
  template <typename T, bool M>
  static void run(Cpu& c, const Insn& i) {
    require_protected_mode(c);
    const uint16_t selector = read_e<uint16_t, M>(c, i);
    Descriptor d;
    bool ok = (selector & 0xFFFC) != 0 && c.fetch_descriptor(selector, d);
    if (ok) {
      ok = d.system() ? (Limit ? lsl_system_type(d.type()) : lar_system_type(d.type())) &&
                            d.dpl() >= c.cpl() && d.dpl() >= (selector & 3u)
                      : visible(c, selector, d);
    }
    c.flags.set(flag::ZF, ok);
    if (!ok) return;
    if constexpr (Limit) write_g<T>(c, i, static_cast<T>(d.limit()));
    else write_g<T>(c, i, static_cast<T>(d.high & 0x00F0FF00));
  }
};

struct Arpl {
  template <typename T, bool M>
  static void run(Cpu& c, const Insn& i) {
    require_protected_mode(c);
    RmwE<uint16_t, M> e(c, i);
    const uint16_t dst = e.get();
    const uint16_t src = read_g<uint16_t>(c, i);
    if ((dst & 3) < (src & 3)) {
      e.set(static_cast<uint16_t>((dst & ~3) | (src & 3)));
      c.flags.set(flag::ZF, true);
    } else {
      c.flags.set(flag::ZF, false);
    }
  }
};

}  // namespace

std::vector<OpcodeRow> protected_rows() {
  return {
      {kMap0F | 0x00, 0, "sldt", "Ev", pick_v<StoreSystemSelector<false>>},
      {kMap0F | 0x00, 1, "str", "Ev", pick_v<StoreSystemSelector<true>>},
      {kMap0F | 0x00, 2, "lldt", "Ew", pick_w<Lldt>},
      {kMap0F | 0x00, 3, "ltr", "Ew", pick_w<Ltr>},
      {kMap0F | 0x00, 4, "verr", "Ew", pick_w<Verify<false>>},
      {kMap0F | 0x00, 5, "verw", "Ew", pick_w<Verify<true>>},
      {kMap0F | 0x02, -1, "lar", "Gv,Ew", pick_v<LoadAccess<false>>},
      {kMap0F | 0x03, -1, "lsl", "Gv,Ew", pick_v<LoadAccess<true>>},
      {0x63, -1, "arpl", "Ew,Gw", pick_w<Arpl>, attr::kNo64},
  };
}

}  // namespace trapeze
