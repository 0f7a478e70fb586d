/* The default guest: prints a banner and a few computed lines over COM1, then halts with IF=0. */
#include "guest.h"

static u32 fib(u32 n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

int main(u32 magic, u32 *info) {
  puts_serial("Hello from a warp86 guest!\r\n");
  puts_serial("multiboot magic: 0x"); puthex(magic); puts_serial("\r\n");
  if (magic == 0x2BADB002 && (info[0] & 1)) {
    puts_serial("memory: "); putdec(info[1]); puts_serial(" KiB low, "); putdec(info[2]); puts_serial(" KiB high\r\n");
  }
  if (magic == 0x2BADB002 && (info[0] & 4)) {
    puts_serial("command line: "); puts_serial((const char *)info[4]); puts_serial("\r\n");
  }
  for (u32 n = 10; n <= 25; n += 5) {
    puts_serial("fib("); putdec(n); puts_serial(") = "); putdec(fib(n)); puts_serial("\r\n");
  }
  puts_serial("Goodbye.\r\n");
  __asm__ volatile("cli; hlt");
  return 0;
}
