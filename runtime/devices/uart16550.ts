/**
 * A 16550A UART (National Semiconductor data sheet): enough for polled I/O in both directions.
 * THR/RBR with the divisor latch behind LCR.DLAB, IER, IIR/FCR, LCR, MCR, LSR, MSR, SCR. The
 * transmitter is always ready (LSR.THRE|TEMT); LSR.DR is set while received bytes are queued.
 */
import type { IoBus } from "../io/bus.js";

export const COM1 = 0x3f8;

const LSR_DATA_READY = 0x01;
const LSR_THR_EMPTY = 0x20;
const LSR_TRANSMITTER_EMPTY = 0x40;

export class Uart16550 {
  private readonly input: number[] = [];
  private interruptEnable = 0;
  private lineControl = 0x03;
  private modemControl = 0;
  private scratch = 0;
  private divisor = 1;

  constructor(
    private readonly output: (byte: number) => void,
    readonly base = COM1,
  ) {}

  attach(io: IoBus): void {
    io.register(this.base, 8, {
      read: (port) => this.read(port - this.base),
      write: (port, value) => this.write(port - this.base, value & 0xff),
    });
  }

  /** Queue bytes for the guest to read. */
  receive(bytes: Iterable<number>): void {
    for (const b of bytes) this.input.push(b & 0xff);
  }

  private get dlab(): boolean {
    return (this.lineControl & 0x80) !== 0;
  }

  read(register: number): number {
    switch (register) {
      case 0:
        if (this.dlab) return this.divisor & 0xff;
        return this.input.shift() ?? 0;
      case 1:
        return this.dlab ? this.divisor >> 8 : this.interruptEnable;
      case 2:
        return 0xc1; // FIFOs enabled, no interrupt pending
      case 3:
        return this.lineControl;
      case 4:
        return this.modemControl;
      case 5:
        return LSR_THR_EMPTY | LSR_TRANSMITTER_EMPTY | (this.input.length > 0 ? LSR_DATA_READY : 0);
      case 6:
        return 0xb0; // CTS, DSR, DCD
      default:
        return this.scratch;
    }
  }

  write(register: number, value: number): void {
    switch (register) {
      case 0:
        if (this.dlab) this.divisor = (this.divisor & 0xff00) | value;
        else if ((this.modemControl & 0x10) !== 0) this.input.push(value); // loopback mode
        else this.output(value);
        break;
      case 1:
        if (this.dlab) this.divisor = (this.divisor & 0xff) | (value << 8);
        else this.interruptEnable = value & 0x0f;
        break;
      case 3:
        this.lineControl = value;
        break;
      case 4:
        this.modemControl = value & 0x1f;
        break;
      case 7:
        this.scratch = value;
        break;
    }
  }
}
