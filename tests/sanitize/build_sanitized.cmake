# Configures and builds the ASan+UBSan tree for the sanitize.* tests: only the emulator
# and the unit tests (the other test programs are not run sanitized), with the
# compiler the main tree uses.
#   cmake -DSOURCE=dir -DTREE=dir -DCXX=compiler -DTESTDATA=dir -P build_sanitized.cmake
cmake_minimum_required(VERSION 3.25)
execute_process(
  COMMAND ${CMAKE_COMMAND} -S ${SOURCE} -B ${TREE} -DTRAPEZE_SANITIZE=ON
          -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=${CXX}
          -DTRAPEZE_TESTDATA=${TESTDATA}
  RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "configuring the sanitizer tree failed")
endif()
execute_process(
  COMMAND ${CMAKE_COMMAND} --build ${TREE} -j2 --target trapeze trapeze-unit-tests
  RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "building the sanitizer tree failed")
endif()
