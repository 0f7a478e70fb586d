/*
 * A multiboot kernel that exercises the MMU the way an OS does: checksums (CRC-32, Adler-32) over a
 * buffer, its own IDT, paging with 4 KiB and 4 MiB pages, demand paging through a #PF handler that
 * maps pages and returns with IRET, and a write-protection fault. Prints its results over COM1 and
 * exits through port 0xF4 with 0 when every check passed (run status 1).
 */
#include "guest.h"

static u32 page_directory[1024] __attribute__((aligned(4096)));
static u32 page_tables[2][1024] __attribute__((aligned(4096)));
static u8 buffer[4096];
struct gate { u16 offset_low, selector; u8 zero, type; u16 offset_high; } __attribute__((packed));
static struct gate idt[256];
static struct { u16 limit; u32 base; } __attribute__((packed)) idtr;

volatile u32 faults, last_cr2, last_error;
extern void page_fault_entry(void);

__asm__(
  ".global page_fault_entry\n"
  "page_fault_entry:\n"
  "  pushal\n"
  "  mov 32(%esp), %eax\n"      /* error code */
  "  push %eax\n"
  "  mov %cr2, %eax\n"
  "  push %eax\n"
  "  call page_fault\n"
  "  add $8, %esp\n"
  "  popal\n"
  "  add $4, %esp\n"             /* drop the error code */
  "  iret\n");

void page_fault(u32 cr2, u32 error) {
  faults++;
  last_cr2 = cr2;
  last_error = error;
  u32 *pte = &page_tables[(cr2 >> 22) & 1][(cr2 >> 12) & 1023];
  if (error & 1) *pte |= 2;                       /* protection fault on a write: make it writable */
  else *pte = (cr2 & ~0xFFFu) | 3;                /* not present: map identity, read/write */
  __asm__ volatile("invlpg (%0)" : : "r"(cr2) : "memory");
}

static u32 crc32(const u8 *p, u32 n) {
  u32 crc = 0xFFFFFFFFu;
  for (u32 i = 0; i < n; i++) {
    crc ^= p[i];
    for (int k = 0; k < 8; k++) crc = (crc >> 1) ^ (0xEDB88320u & -(crc & 1));
  }
  return ~crc;
}

static u32 adler32(const u8 *p, u32 n) {
  u32 a = 1, b = 0;
  for (u32 i = 0; i < n; i++) { a = (a + p[i]) % 65521; b = (b + a) % 65521; }
  return (b << 16) | a;
}

static int check(const char *what, int ok) {
  puts_serial(ok ? "ok   " : "FAIL ");
  puts_serial(what);
  puts_serial("\r\n");
  return ok ? 0 : 1;
}

int main(u32 magic, u32 *info) {
  (void)info;
  int failures = 0;
  for (u32 i = 0; i < sizeof buffer; i++) buffer[i] = (u8)(i * 7 + (i >> 8));
  puts_serial("crc32 "); puthex(crc32(buffer, sizeof buffer)); puts_serial("\r\n");
  puts_serial("adler32 "); puthex(adler32(buffer, sizeof buffer)); puts_serial("\r\n");
  failures += check("multiboot magic", magic == 0x2BADB002);

  u16 cs;
  __asm__ volatile("mov %%cs, %0" : "=r"(cs));
  u32 handler = (u32)page_fault_entry;
  idt[14] = (struct gate){ (u16)handler, cs, 0, 0x8E, (u16)(handler >> 16) };
  idtr.limit = sizeof idt - 1;
  idtr.base = (u32)idt;
  __asm__ volatile("lidt %0" : : "m"(idtr));

  /* Identity-map 0..8 MiB with 4 KiB pages, except 4..4.016 MiB (demand paged below), and
     12..16 MiB with one 4 MiB page (PSE). */
  for (u32 t = 0; t < 2; t++)
    for (u32 i = 0; i < 1024; i++) page_tables[t][i] = ((t * 1024 + i) << 12) | 3;
  for (u32 i = 0; i < 4; i++) page_tables[1][i] = 0;
  page_tables[1][8] = (0x408000u) | 1;            /* read-only page at 4 MiB + 32 KiB */
  page_directory[0] = (u32)page_tables[0] | 3;
  page_directory[1] = (u32)page_tables[1] | 3;
  page_directory[3] = 0x00C00000u | 0x83;         /* 4 MiB page, present, writable */
  __asm__ volatile(
    "mov %%cr4, %%eax; or $0x10, %%eax; mov %%eax, %%cr4\n"
    "mov %0, %%cr3\n"
    "mov %%cr0, %%eax; or $0x80010000, %%eax; mov %%eax, %%cr0\n"
    : : "r"(page_directory) : "eax", "memory");
  puts_serial("paging on\r\n");

  volatile u32 *lazy = (volatile u32 *)0x400000;
  for (u32 i = 0; i < 4; i++) lazy[i * 1024] = 0xC0DE0000u + i;
  u32 sum = 0;
  for (u32 i = 0; i < 4; i++) sum += lazy[i * 1024];
  failures += check("demand paging: 4 faults", faults == 4);
  failures += check("demand paging: data", sum == 4 * 0xC0DE0000u + 6);
  failures += check("cr2 of the last fault", last_cr2 == 0x403000);
  failures += check("error code of a write to a missing page", last_error == 2);

  volatile u32 *readonly = (volatile u32 *)0x408000;
  u32 before = *readonly;
  *readonly = before + 1;
  failures += check("write-protect fault (CR0.WP)", faults == 5 && last_error == 3 && *readonly == before + 1);

  volatile u32 *big = (volatile u32 *)0xC01234;
  *big = 0x12345678;
  failures += check("4 MiB page", *big == 0x12345678 && faults == 5 && *(volatile u32 *)0xC01234 == 0x12345678);

  u32 dirty = page_tables[1][0] & 0x60;
  failures += check("accessed and dirty bits", dirty == 0x60);

  puts_serial(failures ? "paging test FAILED\r\n" : "paging test passed\r\n");
  return failures;
}
