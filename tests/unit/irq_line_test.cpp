#include "devices/irq_line.h"

#include <doctest/doctest.h>

#include <vector>

using namespace trapeze;

TEST_CASE("IrqLine: the sink hears level changes only") {
  std::vector<bool> heard;
  IrqLine line([&](bool level) { heard.push_back(level); });
  CHECK_FALSE(line.level());
  line.raise();
  line.raise();  // already high: no edge
  CHECK(line.level());
  line.lower();
  line.lower();
  line.set(true);
  CHECK(heard == std::vector<bool>{true, false, true});
}

TEST_CASE("IrqLine: a pulse is a rising then a falling edge and leaves the line low") {
  std::vector<bool> heard;
  IrqLine line([&](bool level) { heard.push_back(level); });
  line.pulse();
  CHECK(heard == std::vector<bool>{true, false});
  CHECK_FALSE(line.level());
}

TEST_CASE("IrqLine: an unconnected line keeps its level, and connecting reports it") {
  IrqLine line;
  line.raise();
  CHECK(line.level());
  std::vector<bool> heard;
  line.connect([&](bool level) { heard.push_back(level); });
  CHECK(heard == std::vector<bool>{true});
  line.lower();
  CHECK(heard == std::vector<bool>{true, false});
}
