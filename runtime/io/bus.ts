/**
 * The I/O port bus: devices register port ranges with read/write callbacks. An unclaimed port reads as
 * all ones and ignores writes, as on a PC's ISA bus.
 */
export interface PortHandler {
  read?(port: number, size: 8 | 16 | 32): number;
  write?(port: number, value: number, size: 8 | 16 | 32): void;
}

export class IoBus {
  private readonly handlers: (PortHandler | undefined)[] = new Array(0x10000);

  register(first: number, count: number, handler: PortHandler): void {
    for (let p = first; p < first + count; p++) {
      if (this.handlers[p]) throw new Error(`I/O port 0x${p.toString(16)} is already claimed`);
      this.handlers[p] = handler;
    }
  }

  read(port: number, size: 8 | 16 | 32): number {
    const h = this.handlers[port & 0xffff];
    if (h?.read) return h.read(port & 0xffff, size);
    return size === 8 ? 0xff : size === 16 ? 0xffff : -1;
  }

  write(port: number, value: number, size: 8 | 16 | 32): void {
    const h = this.handlers[port & 0xffff];
    if (h?.write) h.write(port & 0xffff, value, size);
  }
}
