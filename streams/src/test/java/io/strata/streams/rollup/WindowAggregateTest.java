package io.strata.streams.rollup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class WindowAggregateTest {

  @Test
  void nanIsReplacedByAnyNumberInMinAndMaxAsPrometheusDoes() {
    WindowAggregate a = new WindowAggregate();
    a.clear();
    a.add(1, Double.NaN, Double.NaN);
    a.add(2, 5, 5);
    a.add(3, Double.NaN, Double.NaN);
    assertEquals(5.0, a.min());
    assertEquals(5.0, a.max());
    assertTrue(Double.isNaN(a.sum()), "a NaN sample makes the sum NaN");
    assertTrue(Double.isNaN(a.last()));
    assertEquals(3, a.count());
  }

  @Test
  void mergeKeepsTheLastOfTheLaterWindowWhateverTheOrder() {
    WindowAggregate early = new WindowAggregate();
    early.clear();
    early.add(10, 4, 104);
    WindowAggregate late = new WindowAggregate();
    late.clear();
    late.add(70, 2, 110);
    WindowAggregate m = new WindowAggregate();
    m.clear();
    m.merge(late);
    m.merge(early);
    assertEquals(2.0, m.last());
    assertEquals(110.0, m.counter());
    assertEquals(2, m.count());
    assertEquals(6.0, m.sum());
    assertEquals(2.0, m.min());
    assertEquals(4.0, m.max());
  }

  @Test
  void encodingRoundTripsAndRejectsForeignBytes() {
    WindowAggregate a = new WindowAggregate();
    a.clear();
    a.add(5, 1.5, 7.5);
    a.add(6, -2, 9);
    WindowAggregate b = new WindowAggregate().decode(a.encode());
    assertEquals(a.count(), b.count());
    assertEquals(a.sum(), b.sum());
    assertEquals(a.min(), b.min());
    assertEquals(a.max(), b.max());
    assertEquals(a.last(), b.last());
    assertEquals(a.counter(), b.counter());
    assertEquals(a.lastTimestamp(), b.lastTimestamp());
    assertThrows(IllegalStateException.class, () -> new WindowAggregate().decode(new byte[] {9, 1, 2}));
  }
}
