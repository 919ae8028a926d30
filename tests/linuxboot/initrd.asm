; The initrd of the linuxboot tests (nasm -f bin -DINITRD_DWORDS=n): n dwords, dword i
; holding i * 0x9E3779B1 (mod 2^32), then the three bytes "END", so the size is odd and
; every position is distinct. linux_stub.asm checks it byte for byte.
%ifndef INITRD_DWORDS
%error "define INITRD_DWORDS"
%endif
%assign i 0
%rep INITRD_DWORDS
  dd (i * 0x9E3779B1) & 0xFFFFFFFF
%assign i i + 1
%endrep
  db 'END'
