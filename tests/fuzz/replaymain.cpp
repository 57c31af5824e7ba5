// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The main() of a fuzz target in builds without libFuzzer (gcc, MSVC, clang without M365_FUZZING): it runs
// LLVMFuzzerTestOneInput once on every file of the corpus directories (or files) named on the command line. Such
// builds then prove that each target compiles and that every seed, the regression inputs of fixed crashes included,
// still passes. No mutation, no coverage: that is what the fuzz preset is for.

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv)
{
    namespace fs = std::filesystem;
    std::vector<fs::path> inputs;
    for (int i = 1; i < argc; ++i) {
        const fs::path path(argv[i]);
        std::error_code error;
        if (fs::is_directory(path, error)) {
            for (const auto &entry : fs::recursive_directory_iterator(path)) {
                if (entry.is_regular_file()) {
                    inputs.push_back(entry.path());
                }
            }
        } else if (fs::is_regular_file(path, error)) {
            inputs.push_back(path);
        } else {
            std::fprintf(stderr, "%s: no such corpus directory or file\n", argv[i]);
            return 2;
        }
    }
    // An empty corpus would pass without testing anything: a misspelt path must fail instead.
    if (inputs.empty()) {
        std::fprintf(stderr, "usage: %s CORPUS_DIR_OR_FILE [CORPUS_DIR_OR_FILE]* (at least one input)\n", argv[0]);
        return 2;
    }
    std::sort(inputs.begin(), inputs.end()); // the same order on every machine

    for (const fs::path &path : inputs) {
        std::ifstream file(path, std::ios::binary);
        const std::vector<char> bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
        if (!file.good() && !file.eof()) {
            std::fprintf(stderr, "%s: cannot read\n", path.string().c_str());
            return 2;
        }
        // Named before it runs, so that a crash report says which input it was.
        std::fprintf(stderr, "Running: %s (%zu bytes)\n", path.string().c_str(), bytes.size());
        LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t *>(bytes.data()), bytes.size());
    }
    std::fprintf(stderr, "Executed %zu inputs\n", inputs.size());
    return 0;
}
