package io.strata.tsdb.chunkenc;

/**
 * Gorilla XOR float coding on the raw IEEE-754 bits, so every NaN payload (the Prometheus stale marker
 * 0x7ff0000000000002 included) and both infinities survive bit for bit. The first value is 64 raw bits;
 * then per value, with x = bits XOR previous bits:
 *
 * <pre>
 * '0'                                         x == 0
 * '10' + meaningful bits                      x fits the previous leading/trailing-zero window
 * '11' + 5 bits leading + 6 bits length + x   new window (length 64 written as 0)
 * </pre>
 */
public final class XorCodec {
  private long prev;
  private int leading = -1;
  private int trailing;
  private int n;

  public void reset() {
    prev = 0;
    leading = -1;
    trailing = 0;
    n = 0;
  }

  public void write(BitWriter w, long bits) {
    if (n++ == 0) {
      w.writeBits(bits, 64);
      prev = bits;
      return;
    }
    long x = bits ^ prev;
    prev = bits;
    if (x == 0) {
      w.writeBit(false);
      return;
    }
    int lead = Long.numberOfLeadingZeros(x);
    int trail = Long.numberOfTrailingZeros(x);
    if (lead >= 32) {
      lead = 31; // 5 bits hold at most 31
    }
    if (leading >= 0 && lead >= leading && trail >= trailing) {
      w.writeBits(0b10, 2);
      w.writeBits(x >>> trailing, 64 - leading - trailing);
      return;
    }
    leading = lead;
    trailing = trail;
    int sig = 64 - lead - trail;
    w.writeBits(0b11, 2);
    w.writeBits(lead, 5);
    w.writeBits(sig & 63, 6); // 64 significant bits (lead 0, trail 0) is written as 0
    w.writeBits(x >>> trail, sig);
  }

  public long read(BitReader r) {
    if (n++ == 0) {
      prev = r.readBits(64);
      return prev;
    }
    int control = r.readPrefix(2); // 0: '0', 1: '10', 2: '11'
    if (control == 0) {
      return prev;
    }
    if (control == 2) {
      leading = (int) r.readBits(5);
      int sig = (int) r.readBits(6);
      if (sig == 0) {
        sig = 64;
      }
      trailing = 64 - leading - sig;
    } else if (leading < 0) {
      leading = 0; // '10' before any window: a corrupt stream; decode garbage, the box checksum reports it
      trailing = 0;
    }
    int sig = 64 - leading - trailing;
    long x = r.readBits(sig) << trailing;
    prev ^= x;
    return prev;
  }
}
