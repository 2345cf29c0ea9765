# Warnings are on and must stay clean; bazaar_warnings() applies them to one target.
function(bazaar_warnings target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast
    -Wcast-align -Wunused -Woverloaded-virtual -Wconversion -Wsign-conversion
    -Wnull-dereference -Wdouble-promotion -Wformat=2 -Wimplicit-fallthrough)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    # GCC 12 at -O2 reports std::string and std::streambuf internals inlined
    # from libstdc++ as overflows, overlaps and null dereferences (GCC bugs 105329,
    # 105651): false positives that point into the standard headers, not at us.
    target_compile_options(${target} PRIVATE
      $<$<NOT:$<CONFIG:Debug>>:-Wno-stringop-overflow -Wno-array-bounds -Wno-restrict -Wno-null-dereference>)
  endif()
endfunction()

function(bazaar_c_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wformat=2)
endfunction()

# Test executables share heavy headers (GoogleTest, nlohmann/json): a
# precompiled header cuts the sanitizer build's time for CI.
function(bazaar_test_pch target)
  target_precompile_headers(${target} PRIVATE <gtest/gtest.h> <nlohmann/json.hpp> <string> <vector>)
endfunction()

# A plugin's unit tests: one executable of its domain tests, warnings on, the
# shared precompiled header, each test listed in ctest as <prefix>.<Suite>.<Test>.
#   bazaar_unit_tests(orders_unit_tests PREFIX orders SOURCES domain/a_test.cc … LIBS orders_domain)
# A plugin's domain library: pure code linked into the plugin (.so, hence
# position-independent and hidden like the plugin) and into its unit tests.
# bazaar_plugin_domain(<plugin>_domain SOURCES ... [LIBS ...]): the plugin's
# folder is its include root; it links the SDK.
function(bazaar_plugin_domain target)
  cmake_parse_arguments(D "" "" "SOURCES;LIBS" ${ARGN})
  add_library(${target} STATIC ${D_SOURCES})
  set_target_properties(${target} PROPERTIES POSITION_INDEPENDENT_CODE ON
                        CXX_VISIBILITY_PRESET hidden VISIBILITY_INLINES_HIDDEN ON)
  target_include_directories(${target} PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
  target_link_libraries(${target} PUBLIC bazaar_sdk ${D_LIBS})
  bazaar_warnings(${target})
endfunction()

function(bazaar_unit_tests target)
  cmake_parse_arguments(T "" "PREFIX" "SOURCES;LIBS" ${ARGN})
  add_executable(${target} ${T_SOURCES})
  target_link_libraries(${target} PRIVATE ${T_LIBS} GTest::gtest_main)
  bazaar_warnings(${target})
  bazaar_test_pch(${target})
  include(GoogleTest)
  gtest_discover_tests(${target} TEST_PREFIX "${T_PREFIX}." DISCOVERY_TIMEOUT 60)
endfunction()
