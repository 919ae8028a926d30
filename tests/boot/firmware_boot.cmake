# Boots a disk or CD-ROM image through Debian's SeaBIOS and checks what a user would see:
# the exit status, the guest's debug console, and SeaBIOS's own log (issue 5, checks 1
# and 2).
#
#   cmake -DEXPECT_STATUS=n -DEXPECT_STDOUT=regex -DLOG=path
#         [-DLOG_MUST="regex@@regex..."] [-DLOG_MUST_NOT=regex]
#         -P firmware_boot.cmake -- trapeze args...
# The command gets `--firmware-log file:LOG`; every LOG_MUST regex must match the log
# and LOG_MUST_NOT must not.
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

file(REMOVE "${LOG}")
execute_process(COMMAND ${command} --firmware-log "file:${LOG}"
  RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
set(log "")
if(EXISTS "${LOG}")
  file(READ "${LOG}" log)
endif()
list(JOIN command " " shown)
set(report "command: ${shown}\nstatus: ${status}\nstdout:\n${out}\nstderr:\n${err}\nfirmware log:\n${log}")

if(NOT status STREQUAL EXPECT_STATUS)
  message(FATAL_ERROR "expected exit status ${EXPECT_STATUS}\n${report}")
endif()
if(NOT out MATCHES "${EXPECT_STDOUT}")
  message(FATAL_ERROR "stdout does not match '${EXPECT_STDOUT}'\n${report}")
endif()
string(REPLACE "@@" ";" LOG_MUST "${LOG_MUST}")
foreach(pattern IN LISTS LOG_MUST)
  if(NOT log MATCHES "${pattern}")
    message(FATAL_ERROR "the firmware log does not match '${pattern}'\n${report}")
  endif()
endforeach()
if(DEFINED LOG_MUST_NOT AND log MATCHES "${LOG_MUST_NOT}")
  message(FATAL_ERROR "the firmware log matches '${LOG_MUST_NOT}' (${CMAKE_MATCH_0})\n${report}")
endif()
