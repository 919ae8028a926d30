# Runs one CPU test ROM on trapeze and checks the verdict exactly:
#   cmake -DTRAPEZE=path -DROM=path -DNAME=name -P run_cpu_test.cmake
# Passes when trapeze exits with status 1 (the guest wrote 0 to port 0xF4) and the debug
# console shows the line "PASS: <name>". Prints the guest's output either way.
# --no-reboot (like QEMU's -no-reboot) makes a triple fault end the run at once; its
# exit status is also 1, so the PASS line is what tells the two apart.
foreach(var TRAPEZE ROM NAME)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "run_cpu_test.cmake: -D${var}=... is required")
  endif()
endforeach()
if(NOT EXISTS "${ROM}")
  message(FATAL_ERROR "${ROM} is missing: build the cpu-test-roms target")
endif()

execute_process(
  COMMAND "${TRAPEZE}" --bios "${ROM}" --headless --debugcon stdio -m 32 --timeout 20 --no-reboot
  OUTPUT_VARIABLE out
  ERROR_VARIABLE err
  RESULT_VARIABLE status)
message("${out}")
if(err)
  message("stderr:\n${err}")
endif()

if(NOT status STREQUAL "1")
  message(FATAL_ERROR "cpu.${NAME}: trapeze exit status ${status}, expected 1 "
                      "(3 = the test reported FAIL, 124 = timeout)")
endif()
string(REGEX MATCH "(^|\n)PASS: ${NAME}\r?\n" pass_line "${out}")
if(NOT pass_line)
  message(FATAL_ERROR "cpu.${NAME}: no \"PASS: ${NAME}\" line on the debug console")
endif()
