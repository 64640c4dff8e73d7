package io.strata.tsdb.chunkenc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

class BitWriterTest {
  @Test
  void writeBitsMatchesBitByBitWritingAtEveryOffsetAndBufferEdge() {
    Random r = new Random(11);
    for (int round = 0; round < 200; round++) {
      BitWriter fast = new BitWriter(1 + r.nextInt(16)); // small buffers: both the word path and the edge path
      BitWriter slow = new BitWriter(8);
      long[] vs = new long[100];
      int[] ns = new int[100];
      for (int i = 0; i < vs.length; i++) {
        vs[i] = r.nextLong();
        ns[i] = r.nextInt(65);
        fast.writeBits(vs[i], ns[i]);
        for (int b = ns[i] - 1; b >= 0; b--) {
          slow.writeBit(((vs[i] >>> b) & 1) != 0);
        }
      }
      assertEquals(slow.bitLength(), fast.bitLength());
      assertArrayEquals(slow.toByteArray(), fast.toByteArray(), "round " + round);
      BitReader rd = new BitReader();
      byte[] bytes = fast.toByteArray();
      rd.reset(bytes, 0, bytes.length);
      for (int i = 0; i < vs.length; i++) {
        long expect = ns[i] == 0 ? 0 : ns[i] == 64 ? vs[i] : vs[i] & ((1L << ns[i]) - 1);
        assertEquals(expect, rd.readBits(ns[i]), "value " + i + " of round " + round);
      }
    }
  }
}
