# Writes OUT (build_info.h) with the git commit of SOURCE_DIR, at every build, touching it only when the
# text changes, so that `mxn --version` names the commit it was built from without rebuilding every time.
execute_process(COMMAND git -C "${SOURCE_DIR}" describe --always --dirty --abbrev=12
                OUTPUT_VARIABLE commit OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET RESULT_VARIABLE failed)
if(failed OR commit STREQUAL "")
  set(commit "unknown (not a git checkout)")
endif()
file(CONFIGURE OUTPUT "${OUT}.tmp" CONTENT "#pragma once\n#define MXN_GIT_COMMIT \"${commit}\"\n")
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different "${OUT}.tmp" "${OUT}")
