#include "cpu/block_cache.h"

#include <string_view>

#include "cpu/opcode_table.h"

namespace trapeze {

std::vector<bool> block_ending_rows() {
  // Instructions that usually leave the straight line (decoding past them would mostly
  // decode what never runs), and those after which the loop must look around: POPF and
  // STI may enable interrupts or single-stepping.
  constexpr std::string_view kEnders[] = {"call",     "ret",     "retf", "iret",  "int",    "int1",
                                          "int3",     "into",    "loop", "loope", "loopne", "hlt",
                                          "sysenter", "sysexit", "popf", "sti",   "ud2"};
  const auto rows = opcode_rows();
  std::vector<bool> ends(rows.size(), false);
  for (size_t i = 0; i < rows.size(); ++i) {
    const std::string_view name = rows[i].mnemonic;
    bool end = name.starts_with('j');
    for (std::string_view ender : kEnders) end = end || name == ender;
    ends[i] = end;
  }
  return ends;
}

}  // namespace trapeze
