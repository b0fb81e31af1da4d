# Oracle tests: the observer against the Linux kernel's own state changes
# (tests/oracle/README.md). One CTest test per tests/oracle/test_*.sh, given
# the binary's path; exit 77 (no root, no namespaces, no tracefs) is a skip.
# retry.sh runs a scenario once more when a capture itself was incomplete.
# Included from tests/CMakeLists.txt.
file(GLOB TCPS_ORACLE_TESTS CONFIGURE_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/test_*.sh)
foreach(src ${TCPS_ORACLE_TESTS})
  get_filename_component(name ${src} NAME_WE)
  add_test(NAME oracle_${name} COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/retry.sh ${src} $<TARGET_FILE:tcpstate_cli>)
  set_tests_properties(oracle_${name} PROPERTIES LABELS oracle SKIP_RETURN_CODE 77 TIMEOUT 120)
endforeach()
