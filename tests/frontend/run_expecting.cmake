# Runs a command and checks its exit status and output, for CTest tests of the real
# `trapeze` binary. CTest's WILL_FAIL accepts any non-zero status; the contract here
# is an exact one (2 for bad usage), and "one line on stderr".
#
#   cmake -DEXPECT_STATUS=2 [-DEXPECT_STDERR_LINES=1] [-DEXPECT_STDERR=regex]
#         [-DEXPECT_STDOUT=regex] [-DMAKE_FILE=path -DMAKE_FILE_BYTES=n]
#         [-DCHECK_FILE=path -DCHECK_FILE_MATCHES=regex] [-DEXPECT_WITHIN_SECONDS=n]
#         -P run_expecting.cmake -- program [args...]
#
# MAKE_FILE creates an input file of that many bytes first, so tests need no fixtures
# in the source tree. CHECK_FILE must exist after the run (it is removed first) and
# its contents match CHECK_FILE_MATCHES. EXPECT_WITHIN_SECONDS bounds the program's
# wall-clock time (bad input must be answered at once, not after a boot).
cmake_minimum_required(VERSION 3.25)

set(command)
set(after_separator FALSE)
math(EXPR last "${CMAKE_ARGC} - 1")
foreach(i RANGE 0 ${last})
  if(after_separator)
    list(APPEND command "${CMAKE_ARGV${i}}")
  elseif(CMAKE_ARGV${i} STREQUAL "--")
    set(after_separator TRUE)
  endif()
endforeach()
if(NOT command)
  message(FATAL_ERROR "usage: cmake -DEXPECT_STATUS=N -P run_expecting.cmake -- program [args]")
endif()

if(DEFINED MAKE_FILE)
  string(REPEAT "x" ${MAKE_FILE_BYTES} contents)
  file(WRITE "${MAKE_FILE}" "${contents}")
endif()

if(DEFINED CHECK_FILE)
  file(REMOVE "${CHECK_FILE}")
endif()

# INPUT_FILE (optional) becomes the program's stdin: scripted monitor sessions.
if(NOT DEFINED INPUT_FILE)
  set(INPUT_FILE /dev/null)
endif()
string(TIMESTAMP started_us "%s%f")
execute_process(COMMAND ${command} INPUT_FILE ${INPUT_FILE}
  RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
string(TIMESTAMP ended_us "%s%f")
math(EXPR elapsed_ms "(${ended_us} - ${started_us}) / 1000")
list(JOIN command " " shown)
set(report "command: ${shown}\nstatus: ${status} after ${elapsed_ms} ms\nstdout:\n${out}\nstderr:\n${err}")

if(NOT status STREQUAL EXPECT_STATUS)
  message(FATAL_ERROR "expected exit status ${EXPECT_STATUS}\n${report}")
endif()
if(DEFINED EXPECT_WITHIN_SECONDS AND elapsed_ms GREATER "${EXPECT_WITHIN_SECONDS}000")
  message(FATAL_ERROR "expected an answer within ${EXPECT_WITHIN_SECONDS} s\n${report}")
endif()
if(DEFINED EXPECT_STDERR_LINES)
  string(REGEX MATCHALL "\n" newlines "${err}")
  list(LENGTH newlines lines)
  if(NOT err STREQUAL "" AND NOT err MATCHES "\n$")
    math(EXPR lines "${lines} + 1")
  endif()
  if(NOT lines EQUAL EXPECT_STDERR_LINES)
    message(FATAL_ERROR "expected ${EXPECT_STDERR_LINES} line(s) on stderr, got ${lines}\n${report}")
  endif()
endif()
if(DEFINED EXPECT_STDERR AND NOT err MATCHES "${EXPECT_STDERR}")
  message(FATAL_ERROR "stderr does not match '${EXPECT_STDERR}'\n${report}")
endif()
if(DEFINED EXPECT_STDOUT AND NOT out MATCHES "${EXPECT_STDOUT}")
  message(FATAL_ERROR "stdout does not match '${EXPECT_STDOUT}'\n${report}")
endif()
if(DEFINED CHECK_FILE)
  if(NOT EXISTS "${CHECK_FILE}")
    message(FATAL_ERROR "${CHECK_FILE} was not written\n${report}")
  endif()
  file(READ "${CHECK_FILE}" contents)
  if(NOT contents MATCHES "${CHECK_FILE_MATCHES}")
    message(FATAL_ERROR "${CHECK_FILE} holds:\n${contents}\nwhich does not match '${CHECK_FILE_MATCHES}'\n${report}")
  endif()
endif()
