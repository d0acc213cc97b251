# idx_stage(NAME LAYER SOURCES... [DEPS targets...])
#
# Declares one pipeline stage as a static library `idx_<NAME>` with its
# public headers in <NAME>/include (so includes read "indexer/walker.h").
# Layers must only depend on lower layers; idx_check_layering() enforces it,
# because static libraries would otherwise link even with a cycle.
set_property(GLOBAL PROPERTY IDX_STAGES "")

function(idx_stage name layer)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(idx_${name} STATIC ${ARG_SOURCES})
  target_include_directories(idx_${name} PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include)
  target_link_libraries(idx_${name} PUBLIC ${ARG_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
  target_compile_options(idx_${name} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wno-missing-field-initializers)
  set_target_properties(idx_${name} PROPERTIES IDX_LAYER ${layer})
  set_property(GLOBAL APPEND PROPERTY IDX_STAGES idx_${name})
endfunction()

define_property(TARGET PROPERTY IDX_LAYER BRIEF_DOCS "pipeline layer" FULL_DOCS "pipeline layer")

function(idx_check_layering)
  get_property(stages GLOBAL PROPERTY IDX_STAGES)
  foreach(t IN LISTS stages)
    get_target_property(layer ${t} IDX_LAYER)
    get_target_property(type ${t} TYPE)
    if(type STREQUAL "INTERFACE_LIBRARY")
      get_target_property(deps ${t} INTERFACE_LINK_LIBRARIES)
    else()
      get_target_property(deps ${t} LINK_LIBRARIES)
    endif()
    foreach(d IN LISTS deps)
      if(TARGET ${d})
        get_target_property(dlayer ${d} IDX_LAYER)
        if(dlayer AND NOT dlayer LESS layer)
          message(FATAL_ERROR "layering violation: ${t} (layer ${layer}) links ${d} (layer ${dlayer}); "
                              "dependencies run indexer -> search -> agent -> cli only")
        endif()
      endif()
    endforeach()
  endforeach()
endfunction()
