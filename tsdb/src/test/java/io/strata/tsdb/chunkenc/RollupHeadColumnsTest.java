package io.strata.tsdb.chunkenc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.tsdb.AppendResult;
import io.strata.tsdb.RollupPoint;
import io.strata.tsdb.format.ChunkRecord;
import io.strata.tsdb.head.HeadContext;
import io.strata.tsdb.head.RollupHead;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rollup head writes columnar chunks with exact windows (encoding 5) and still reads interleaved ones (encoding 2). */
class RollupHeadColumnsTest {
  static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00:00Z
  static final long RES = 300_000;
  static final HeadContext CTX = new HeadContext(7_200_000L, 600_000L, 120, (sid, res, t) -> List.of());

  private static RollupPoint window(int i) {
    return new RollupPoint(T0 + i * RES, 20, i * 2.5, i, i + 1, i + 0.5, 1000 + i * 3.25);
  }

  private static List<RollupPoint> read(List<ChunkRecord> chunks) {
    List<RollupPoint> out = new ArrayList<>();
    RollupIterator it = new RollupIterator();
    for (ChunkRecord c : chunks) {
      it.reset(c.encoding(), c.data());
      while (it.next()) {
        out.add(it.point());
      }
      assertFalse(it.damaged());
    }
    return out;
  }

  @Test
  void theOpenChunkHandedToQueriesIsColumnar() {
    RollupHead h = new RollupHead(RES);
    for (int i = 0; i < 10; i++) {
      assertEquals(AppendResult.APPENDED, h.append(1, window(i), CTX));
    }
    List<ChunkRecord> got = new ArrayList<>();
    h.collect(Long.MIN_VALUE, Long.MAX_VALUE, got);
    assertEquals(1, got.size());
    ChunkRecord c = got.get(0);
    assertEquals(ChunkEncoding.ROLLUP_EXACT, c.encoding());
    assertEquals(T0, c.minT());
    assertEquals(T0 + 9 * RES, c.maxT());
    assertEquals(10, c.count());
    assertEquals(List.of(window(0), window(1), window(2), window(3), window(4), window(5), window(6), window(7), window(8), window(9)), read(got));

    // re-delivered windows are found in the columnar open chunk
    assertEquals(AppendResult.DUPLICATE, h.append(1, window(4), CTX));
    RollupPoint other = new RollupPoint(T0 + 4 * RES, 20, 0, 0, 0, 0, 0);
    assertEquals(AppendResult.CONFLICTING_VALUE, h.append(1, other, CTX));
  }

  @Test
  void chunksCutAtABlockBoundaryAndOutOfOrderWindowsAreColumnar() {
    RollupHead h = new RollupHead(RES);
    for (int i = 0; i < 30; i++) { // 24 windows per 2 h block: one cut
      if (i != 28) {
        h.append(1, window(i), CTX);
      }
    }
    assertEquals(AppendResult.APPENDED, h.append(1, window(28), CTX)); // late, inside the out-of-order window
    List<ChunkRecord> got = new ArrayList<>();
    h.collect(Long.MIN_VALUE, Long.MAX_VALUE, got);
    for (ChunkRecord c : got) {
      assertEquals(ChunkEncoding.ROLLUP_EXACT, c.encoding());
    }
    List<RollupPoint> ws = read(got);
    assertEquals(30, ws.size());
    assertTrue(ws.contains(window(28)));
  }

  @Test
  void aCheckpointOfTheOlderInterleavedEncodingIsRestored() {
    RollupAppender old = new RollupAppender(64);
    for (int i = 0; i < 5; i++) {
      RollupPoint p = window(i);
      old.append(p.windowStartMs(), p.count(), p.sum(), p.min(), p.max(), p.last(), p.counter());
    }
    ChunkRecord cp = new ChunkRecord(ChunkEncoding.ROLLUP, old.minT(), old.maxT(), old.count(), old.toBytes());
    RollupHead h = new RollupHead(RES);
    h.restoreCheckpoint(cp, CTX);
    assertEquals(AppendResult.DUPLICATE, h.append(1, window(3), CTX));
    assertEquals(AppendResult.APPENDED, h.append(1, window(5), CTX));
    List<ChunkRecord> got = new ArrayList<>();
    h.collect(Long.MIN_VALUE, Long.MAX_VALUE, got);
    assertEquals(ChunkEncoding.ROLLUP_EXACT, got.get(0).encoding(), "the restored chunk continues in the new encoding");
    assertEquals(List.of(window(0), window(1), window(2), window(3), window(4), window(5)), read(got));
  }
}
