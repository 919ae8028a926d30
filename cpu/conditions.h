// The sixteen condition codes of Jcc, SETcc and CMOVcc (the low nibble of the opcode).
#pragma once

#include <utility>

#include "cpu/flags.h"

namespace trapeze {

template <unsigned CC>
inline bool condition(const Flags& f) {
  bool r;
  switch (CC >> 1) {
    case 0: r = f.of(); break;                       // O
    case 1: r = f.cf(); break;                       // B/C
    case 2: r = f.zf(); break;                       // Z/E
    case 3: r = f.cf() || f.zf(); break;             // BE
    case 4: r = f.sf(); break;                       // S
    case 5: r = f.pf(); break;                       // P
    case 6: r = f.sf() != f.of(); break;             // L
    default: r = f.zf() || (f.sf() != f.of()); break;  // LE
  }
  return (CC & 1) ? !r : r;
}

inline constexpr const char* kJccNames[16] = {"jo", "jno", "jb", "jnb", "jz", "jnz", "jbe", "jnbe",
                                              "js", "jns", "jp", "jnp", "jl", "jnl", "jle", "jnle"};
inline constexpr const char* kSetccNames[16] = {"seto", "setno", "setb", "setnb", "setz", "setnz",
                                                "setbe", "setnbe", "sets", "setns", "setp", "setnp",
                                                "setl", "setnl", "setle", "setnle"};
inline constexpr const char* kCmovNames[16] = {"cmovo", "cmovno", "cmovb", "cmovnb", "cmovz",
                                               "cmovnz", "cmovbe", "cmovnbe", "cmovs", "cmovns",
                                               "cmovp", "cmovnp", "cmovl", "cmovnl", "cmovle",
                                               "cmovnle"};

}  // namespace trapeze
