// Corpus replay driver: feeds files to a libFuzzer harness's LLVMFuzzerTestOneInput without
// libFuzzer, so the same harness runs under g++ (and its sanitizers) and as a plain ctest test.
//
// usage: <harness>_replay [--skip-missing] PATH...
//   PATH is a file, or a directory searched recursively (files in sorted order).
//   --skip-missing: a PATH that does not exist is noted and skipped instead of an error.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);
extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) __attribute__((weak));

namespace {

namespace fs = std::filesystem;

bool read_file(const fs::path& path, std::vector<char>& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  out.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return !in.bad();
}

}  // namespace

int main(int argc, char** argv) {
  if (LLVMFuzzerInitialize != nullptr) LLVMFuzzerInitialize(&argc, &argv);

  bool skip_missing = false;
  std::vector<fs::path> inputs;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--skip-missing") {
      skip_missing = true;
      continue;
    }
    if (arg == "-h" || arg == "--help") {
      std::printf("usage: %s [--skip-missing] FILE_OR_DIRECTORY...\n", argv[0]);
      return 0;
    }
    const fs::path path(arg);
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
      std::vector<fs::path> found;
      for (auto it = fs::recursive_directory_iterator(path, ec); !ec && it != fs::recursive_directory_iterator();
           it.increment(ec)) {
        if (it->is_regular_file(ec)) found.push_back(it->path());
      }
      if (ec) {
        std::fprintf(stderr, "replay: cannot read directory %s: %s\n", path.c_str(), ec.message().c_str());
        return 2;
      }
      std::sort(found.begin(), found.end());
      inputs.insert(inputs.end(), found.begin(), found.end());
    } else if (fs::is_regular_file(path, ec)) {
      inputs.push_back(path);
    } else if (skip_missing && !fs::exists(path, ec)) {
      std::printf("replay: %s does not exist, skipped\n", path.c_str());
    } else {
      std::fprintf(stderr, "replay: %s is neither a file nor a directory\n", path.c_str());
      return 2;
    }
  }

  std::size_t ran = 0;
  std::vector<char> bytes;
  for (const fs::path& path : inputs) {
    if (!read_file(path, bytes)) {
      std::fprintf(stderr, "replay: cannot read %s\n", path.c_str());
      return 2;
    }
    // An exactly sized heap copy, so that AddressSanitizer sees any read past the input.
    const std::size_t size = bytes.size();
    auto copy = std::make_unique<std::uint8_t[]>(size);
    std::copy(bytes.begin(), bytes.end(), reinterpret_cast<char*>(copy.get()));
    std::fprintf(stderr, "replay: %s (%zu bytes)\n", path.c_str(), size);
    LLVMFuzzerTestOneInput(copy.get(), size);
    ++ran;
  }
  std::printf("replay: ran %zu inputs\n", ran);
  return 0;
}
