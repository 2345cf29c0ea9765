# bazaar_plugin(NAME SOURCES...) builds a plugin shared object named NAME.so.
# Plugins export exactly one symbol (bz_plugin_entry): everything else is hidden,
# so two plugins can never resolve each other's symbols.
function(bazaar_plugin name)
  cmake_parse_arguments(P "" "OUTPUT_DIR" "SOURCES;LIBS;DEFINES" ${ARGN})
  add_library(${name} MODULE ${P_SOURCES} ${P_UNPARSED_ARGUMENTS})
  set_target_properties(${name} PROPERTIES
    PREFIX ""
    CXX_VISIBILITY_PRESET hidden
    C_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  if(P_OUTPUT_DIR)
    set_target_properties(${name} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${P_OUTPUT_DIR})
  else()
    # Product plugins (the default folder) are part of the `runtime` target.
    set_target_properties(${name} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/plugins)
    set_property(GLOBAL APPEND PROPERTY BAZAAR_PRODUCT_PLUGINS ${name})
  endif()
  target_link_libraries(${name} PRIVATE bazaar_sdk ${P_LIBS})
  if(P_DEFINES)
    target_compile_definitions(${name} PRIVATE ${P_DEFINES})
  endif()
  target_link_options(${name} PRIVATE -Wl,--no-undefined -Wl,-z,defs)
  bazaar_warnings(${name})
endfunction()
