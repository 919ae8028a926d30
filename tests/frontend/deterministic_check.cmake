# Two headless runs of the same guest with the same scripted input end with identical
# serial output and identical screenshots (virtual time: the host's speed must not
# show). cmake -DTRAPEZE=... -DDISK=console_disk.img -DOUT=prefix -P deterministic_check.cmake
cmake_minimum_required(VERSION 3.25)
foreach(run 1 2)
  execute_process(COMMAND ${TRAPEZE} --headless --hda ${DISK} --snapshot
      --serial file:${OUT}.${run}.serial --screenshot ${OUT}.${run}.png
      --when ready --type "Same input, same run.\\n" --max-instructions 200000000
    RESULT_VARIABLE status ERROR_VARIABLE err)
  # The budget ends the run: status 124 and its one line.
  if(NOT status EQUAL 124)
    message(FATAL_ERROR "run ${run}: expected status 124, got ${status}\n${err}")
  endif()
endforeach()
file(READ ${OUT}.1.serial serial)
string(FIND "${serial}" "Same input, same run." at)
if(at EQUAL -1)
  message(FATAL_ERROR "the typed line is not in the serial output:\n${serial}")
endif()
foreach(file serial png)
  execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${OUT}.1.${file} ${OUT}.2.${file}
    RESULT_VARIABLE different)
  if(different)
    message(FATAL_ERROR "the two runs' ${file} files differ")
  endif()
endforeach()
