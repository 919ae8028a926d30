// A scratch folder for tests that need real files (the CLI checks its inputs exist),
// removed again when the test ends.
#pragma once

#include <filesystem>
#include <fstream>
#include <random>
#include <string>

namespace trapeze::test {

class TempDir {
 public:
  TempDir() {
    std::random_device entropy;
    path_ = std::filesystem::temp_directory_path() /
            ("trapeze-test-" + std::to_string(entropy()) + std::to_string(entropy()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  // Creates `name` holding `size_bytes` bytes and returns its path.
  std::string file(const std::string& name, size_t size_bytes) const {
    const std::filesystem::path file_path = path_ / name;
    std::ofstream out(file_path, std::ios::binary);
    out << std::string(size_bytes, '\xF4');
    return file_path.string();
  }

  std::string path() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace trapeze::test
