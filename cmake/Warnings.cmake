# Warnings are on and must stay clean; bazaar_warnings() applies them to one target.
function(bazaar_warnings target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast
    -Wcast-align -Wunused -Woverloaded-virtual -Wconversion -Wsign-conversion
    -Wnull-dereference -Wdouble-promotion -Wformat=2 -Wimplicit-fallthrough)
endfunction()

function(bazaar_c_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wformat=2)
endfunction()

# Test executables share heavy headers (GoogleTest, nlohmann/json): a
# precompiled header cuts the sanitizer build's time for CI.
function(bazaar_test_pch target)
  target_precompile_headers(${target} PRIVATE <gtest/gtest.h> <nlohmann/json.hpp> <string> <vector>)
endfunction()
