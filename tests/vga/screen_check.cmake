# Runs trapeze, then checks the screen it leaves: a PNG screenshot against
# trapeze-vga-screen-check's prediction, and/or the text screen against regexes.
#
#   cmake -DEXPECT_STATUS=n -DOUT=prefix [-DCHECKER=exe -DSCENARIO=n]
#         [-DTEXT_MUST="regex@@regex..."] -P screen_check.cmake -- trapeze args...
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

set(png "${OUT}.png")
set(txt "${OUT}.txt")
file(REMOVE "${png}" "${txt}")
execute_process(COMMAND ${command} --screenshot ${png} --screen-text ${txt}
  RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
list(JOIN command " " shown)
set(report "command: ${shown}\nstatus: ${status}\nstdout:\n${out}\nstderr:\n${err}")
if(NOT status STREQUAL EXPECT_STATUS)
  message(FATAL_ERROR "expected exit status ${EXPECT_STATUS}\n${report}")
endif()
if(DEFINED CHECKER)
  execute_process(COMMAND ${CHECKER} ${SCENARIO} ${png}
    RESULT_VARIABLE check_status OUTPUT_VARIABLE check_out ERROR_VARIABLE check_err)
  if(NOT check_status EQUAL 0)
    message(FATAL_ERROR "the screenshot ${png} is not the expected picture:\n${check_err}\n${report}")
  endif()
  message(STATUS "${check_out}")
endif()
if(DEFINED TEXT_MUST)
  file(READ "${txt}" text)
  string(REPLACE "@@" ";" TEXT_MUST "${TEXT_MUST}")
  foreach(pattern IN LISTS TEXT_MUST)
    if(NOT text MATCHES "${pattern}")
      message(FATAL_ERROR "the text screen does not match '${pattern}':\n${text}\n${report}")
    endif()
  endforeach()
endif()
