# Bad input from the user (issue 11, check 1): every file-taking and value-taking option
# given something unusable. Each case must end with exit status 2 and exactly one line on
# stderr, "trapeze: " and a message naming the problem, within a second: no stack trace,
# no core dump (a crash would show as a signal, not status 2), no boot first.
#
# The files come from make_bad_inputs.sh (a fixture); halt.rom, a usable firmware image,
# lets the cases that the machine itself refuses get that far without Debian's SeaBIOS.
set(bad "${CMAKE_CURRENT_BINARY_DIR}/bad-input")
add_test(NAME frontend.bad-input.files
  COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/make_bad_inputs.sh ${bad})
set_tests_properties(frontend.bad-input.files PROPERTIES FIXTURES_SETUP bad-input-files)

# trapeze_bad_input(NAME REGEX args...): `trapeze --headless args` must say "trapeze: "
# followed by something matching REGEX, on one line, and exit 2 within a second.
function(trapeze_bad_input name regex)
  add_test(NAME frontend.bad-input.${name}
    COMMAND ${CMAKE_COMMAND} -DEXPECT_STATUS=2 -DEXPECT_STDERR_LINES=1
            "-DEXPECT_STDERR=^trapeze: ${regex}" -DEXPECT_WITHIN_SECONDS=1
            -P ${CMAKE_CURRENT_SOURCE_DIR}/run_expecting.cmake
            -- ${TRAPEZE_BAD_INPUT_PREFIX} $<TARGET_FILE:trapeze> --headless ${ARGN})
  # TIMEOUT: a run that boots instead of refusing is stopped soon after the second.
  set_tests_properties(frontend.bad-input.${name} PROPERTIES
    FIXTURES_REQUIRED bad-input-files TIMEOUT 10
    ENVIRONMENT_MODIFICATION "DISPLAY=unset:;WAYLAND_DISPLAY=unset:")
endfunction()

set(rom --bios ${bad}/halt.rom)

# Hard disks (--hda, --hdb and a bare file name).
trapeze_bad_input(hda-missing "cannot open hard disk image '.*/missing.img': No such file or directory"
  --hda ${bad}/missing.img)
trapeze_bad_input(hda-directory "hard disk image '.*/directory' is a directory, not a file"
  --hda ${bad}/directory)
trapeze_bad_input(hda-empty "hard disk image '.*/empty.img' is empty" --hda ${bad}/empty.img)
trapeze_bad_input(hda-dev-null "hard disk image '/dev/null' is a character device, not a file"
  --hda /dev/null)
trapeze_bad_input(hda-pipe "hard disk image '.*/fifo.img' is a pipe, not a file" --hda ${bad}/fifo.img)
trapeze_bad_input(hda-truncated
  "disk image '.*/truncated-disk.img' is truncated: partition 1 ends at sector 65536 but the image has only 64 sectors"
  ${rom} --hda ${bad}/truncated-disk.img --snapshot)
trapeze_bad_input(hdb-missing "cannot open hard disk image '.*/missing.img'" --hdb ${bad}/missing.img)
trapeze_bad_input(hdb-directory "hard disk image '.*/directory' is a directory" --hdb ${bad}/directory)
trapeze_bad_input(hdb-empty "hard disk image '.*/empty.img' is empty" --hdb ${bad}/empty.img)
trapeze_bad_input(bare-disk-missing "cannot open hard disk image '.*/missing.img'" ${bad}/missing.img)
trapeze_bad_input(two-bare-disks "more than one hard disk image given"
  ${bad}/blank.img ${bad}/blank.img)
# One image on two drives: the second cannot take the lock (bad_input.cmake's disk.*
# tests cover a second process).
trapeze_bad_input(same-disk-twice "disk image '.*/blank.img' is in use: another program, or another drive of this machine, has it open"
  ${rom} --hda ${bad}/blank.img --hdb ${bad}/blank.img)
trapeze_bad_input(disk-as-cdrom-too "disk image '.*/blank.img' is in use: .* has it open for writing"
  ${rom} --hda ${bad}/blank.img --cdrom ${bad}/blank.img)

# CD-ROM images.
trapeze_bad_input(cdrom-missing "cannot open CD-ROM image '.*/missing.iso'" --cdrom ${bad}/missing.iso)
trapeze_bad_input(cdrom-directory "CD-ROM image '.*/directory' is a directory" --cdrom ${bad}/directory)
trapeze_bad_input(cdrom-empty "CD-ROM image '.*/empty.img' is empty" --cdrom ${bad}/empty.img)
trapeze_bad_input(cdrom-dev-null "CD-ROM image '/dev/null' is a character device" --cdrom /dev/null)
trapeze_bad_input(cdrom-truncated
  "CD-ROM image '.*/truncated.iso' is truncated: its ISO 9660 volume is 204800 bytes, the file 40960 bytes"
  ${rom} --cdrom ${bad}/truncated.iso)

# Kernels and initrds.
trapeze_bad_input(kernel-missing "cannot open kernel '.*/missing'" --kernel ${bad}/missing)
trapeze_bad_input(kernel-directory "kernel '.*/directory' is a directory" --kernel ${bad}/directory)
trapeze_bad_input(kernel-empty "kernel '.*/empty.img' is empty" --kernel ${bad}/empty.img)
trapeze_bad_input(kernel-dev-zero "kernel '/dev/zero' is a character device" --kernel /dev/zero)
trapeze_bad_input(kernel-unknown-format
  "'.*/not-a-kernel.bin' is neither a Linux bzImage nor a multiboot kernel"
  ${rom} --kernel ${bad}/not-a-kernel.bin)
trapeze_bad_input(kernel-truncated
  "Linux kernel '.*/truncated.bzImage' is truncated: 2576 bytes, but its header says 68096"
  ${rom} --kernel ${bad}/truncated.bzImage)
trapeze_bad_input(kernel-setup-truncated
  "Linux kernel '.*/setup-cut.bzImage' is truncated: 1000 bytes, but its setup code alone takes 2560"
  ${rom} --kernel ${bad}/setup-cut.bzImage)
trapeze_bad_input(kernel-needs-more-memory "kernel '.*/tiny.bzImage' .* does not fit in 1 MiB of RAM"
  ${rom} --kernel ${bad}/tiny.bzImage -m 1)
string(REPEAT "a" 300 long_cmdline)
trapeze_bad_input(append-too-long "kernel '.*/tiny.bzImage' takes a command line of at most 255 bytes; --append gives 300"
  ${rom} --kernel ${bad}/tiny.bzImage --append ${long_cmdline})
trapeze_bad_input(append-without-kernel "--append needs --kernel" ${rom} --append quiet)
trapeze_bad_input(initrd-missing "cannot open initrd '.*/missing'"
  --kernel ${bad}/tiny.bzImage --initrd ${bad}/missing)
trapeze_bad_input(initrd-directory "initrd '.*/directory' is a directory"
  --kernel ${bad}/tiny.bzImage --initrd ${bad}/directory)
trapeze_bad_input(initrd-empty "initrd '.*/empty.img' is empty"
  --kernel ${bad}/tiny.bzImage --initrd ${bad}/empty.img)
trapeze_bad_input(initrd-too-large "initrd '.*/too-large.initrd' is 20000000 bytes, more than"
  ${rom} -m 16 --kernel ${bad}/tiny.bzImage --initrd ${bad}/too-large.initrd)
trapeze_bad_input(initrd-without-kernel "--initrd needs --kernel" --initrd ${bad}/too-large.initrd)

# Firmware images.
trapeze_bad_input(bios-missing "cannot open BIOS image '.*/missing.rom'" --bios ${bad}/missing.rom)
trapeze_bad_input(bios-directory "BIOS image '.*/directory' is a directory" --bios ${bad}/directory)
trapeze_bad_input(bios-empty "BIOS image '.*/empty.img' is empty" --bios ${bad}/empty.img)
trapeze_bad_input(bios-dev-zero "BIOS image '/dev/zero' is a character device" --bios /dev/zero)
trapeze_bad_input(bios-wrong-size
  "BIOS image '.*/odd-size.rom' is 1000 bytes; expected a multiple of 64 KiB"
  --bios ${bad}/odd-size.rom)
trapeze_bad_input(bios-too-large "BIOS image '.*/too-large.rom' is 17825792 bytes, more than the 16777216"
  --bios ${bad}/too-large.rom)

# Files the user cannot read. root reads anything, so as root the run drops to nobody.
find_program(TRAPEZE_SETPRIV setpriv)
if(TRAPEZE_SETPRIV)
  set(TRAPEZE_BAD_INPUT_PREFIX sh ${CMAKE_CURRENT_SOURCE_DIR}/unprivileged.sh)
  foreach(option hda cdrom kernel bios)
    set(what_hda "hard disk image")
    set(what_cdrom "CD-ROM image")
    set(what_kernel "kernel")
    set(what_bios "BIOS image")
    trapeze_bad_input(${option}-unreadable
      "cannot read ${what_${option}} '.*/unreadable.img': Permission denied"
      --${option} ${bad}/unreadable.img)
  endforeach()
  unset(TRAPEZE_BAD_INPUT_PREFIX)
else()
  message(STATUS "setpriv missing: skipping the unreadable-file tests")
endif()

# Options and their values.
trapeze_bad_input(unknown-option "unknown option '--bogus' \\(try 'trapeze --help'\\)" --bogus)
trapeze_bad_input(qemu-spelling "unknown option '-hda' \\(long options take two dashes: '--hda'\\)"
  -hda ${bad}/blank.img)
trapeze_bad_input(missing-value "option '--hda' needs a value \\(FILE\\)" --hda)
trapeze_bad_input(flag-with-value "option '--snapshot' does not take a value" --snapshot=yes)
trapeze_bad_input(memory-zero "memory size must be at least 1 MiB" ${rom} -m 0)
trapeze_bad_input(memory-letters "malformed memory size 'abc'" ${rom} -m abc)
trapeze_bad_input(memory-empty "malformed memory size ''" ${rom} --memory=)
trapeze_bad_input(memory-negative "malformed memory size '-5'" ${rom} -m -5)
trapeze_bad_input(memory-fraction "malformed memory size '1.5G'" ${rom} -m 1.5G)
trapeze_bad_input(memory-unknown-suffix "malformed memory size '1T'" ${rom} -m 1T)
trapeze_bad_input(memory-overflow "malformed memory size '18446744073709551616'"
  ${rom} -m 18446744073709551616)
trapeze_bad_input(memory-absurd "memory size 100000000 MiB is more than" ${rom} -m 100000000)
trapeze_bad_input(memory-over-limit "memory size 65536 MiB is more than" ${rom} -m 64G)
trapeze_bad_input(boot-order "--boot 'x' is not up to three of the letters a, c, d, n"
  ${rom} --boot x)
trapeze_bad_input(vga-model "--vga 'cirrus' is not one of std, none" --vga cirrus)
trapeze_bad_input(timeout-negative "malformed number of seconds '-1' for --timeout" --timeout -1)
trapeze_bad_input(timeout-infinite "malformed number of seconds 'inf' for --timeout" --timeout inf)
trapeze_bad_input(max-instructions "malformed number '12x' for --max-instructions"
  --max-instructions 12x)
trapeze_bad_input(trace-range "--trace-range '5-1' is not two hex addresses" --trace - --trace-range 5-1)
trapeze_bad_input(trace-cpl "--trace-cpl '4' is not a privilege level 0-3" --trace - --trace-cpl 4)
trapeze_bad_input(trace-filter-without-trace "the --trace-\\* options need --trace FILE" --trace-limit 5)
trapeze_bad_input(history-too-long "--history 300 is more than the 256 steps kept" --history 300)
trapeze_bad_input(gdb-port "--gdb '70000' is not a TCP port number 1-65535" --gdb 70000)
trapeze_bad_input(monitor-target "--monitor 'tcp': only 'stdio' is supported" --monitor tcp)
trapeze_bad_input(net-backend "--net 'bogus' is not user" --net bogus)
trapeze_bad_input(nic-model "--nic 'rtl8139' is not a supported model" --nic rtl8139)
trapeze_bad_input(log-level "unknown log level 'loud'" --log cpu=loud)
trapeze_bad_input(log-component "unknown log component 'bogus'" --log bogus=debug)
trapeze_bad_input(serial-target "--serial: 'tcp:1234' is not one of none, stdio, file:PATH"
  --serial tcp:1234)
trapeze_bad_input(exit-on-empty "--exit-on needs a non-empty text" --exit-on=)
trapeze_bad_input(type-unknown-character "--type: character 0xC3 has no key on a US keyboard"
  --type "é")

# Output files in folders that do not exist, or that are folders: refused before the run.
trapeze_bad_input(serial-file-folder-missing "cannot open '.*/no-such-folder/serial.log' for writing"
  ${rom} --serial file:${bad}/no-such-folder/serial.log)
trapeze_bad_input(screenshot-is-directory "--screenshot '.*/directory' is a directory, not a file"
  --screenshot ${bad}/directory)
trapeze_bad_input(screen-text-folder-missing "--screen-text '.*/no-such-folder/screen.txt': the folder '.*/no-such-folder' does not exist"
  --screen-text ${bad}/no-such-folder/screen.txt)
trapeze_bad_input(trace-folder-missing "--trace '.*/no-such-folder/trace.txt': the folder"
  --trace ${bad}/no-such-folder/trace.txt)
trapeze_bad_input(net-dump-is-directory "--net-dump '.*/directory' is a directory"
  --net user --net-dump ${bad}/directory)
