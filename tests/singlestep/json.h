// A small JSON reader, enough for the test suites' metadata.json (objects, arrays,
// strings, numbers, true/false/null). The runner needs nothing more, and a few hundred
// lines here beat a new dependency. Not a general library: no writer, numbers are doubles.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace trapeze {

class JsonError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct JsonValue {
  enum class Kind { kNull, kBool, kNumber, kString, kArray, kObject };

  Kind kind = Kind::kNull;
  bool boolean = false;
  double number = 0;
  std::string string;
  std::vector<JsonValue> items;   // array elements, or object member values
  std::vector<std::string> keys;  // object member names, parallel to `items`

  bool is_object() const { return kind == Kind::kObject; }
  bool is_number() const { return kind == Kind::kNumber; }
  // The member named `key` of an object; nullptr when absent or not an object.
  const JsonValue* find(std::string_view key) const;
};

// Parses a whole document. Throws JsonError naming the line and column of the problem.
JsonValue parse_json(std::string_view text);

}  // namespace trapeze
